#pragma once
// The run's outputs: summary.json and the terminal summary.

#include <iosfwd>
#include <string>

#include "runtime/run.hpp"

namespace vigie::runtime {

// Writes summary.json as {"campaign", "cycles": [...], "totals", "cost"}.
void write_summary_json(const RunReport& report, const std::string& path);

// Prints a short human summary (French labels first, as the operators read
// it) of the run.
void print_summary(std::ostream& out, const RunReport& report);

// Formats a text CSV field. The field is quoted when it contains a delimiter,
// a quote or a line break, and marked so that a spreadsheet shows it as text.
std::string csv_field(const std::string& text);

}  // namespace vigie::runtime
