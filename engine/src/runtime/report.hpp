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

// Formats a CSV field, quoting it when it holds a delimiter, a quote or a
// line break.
std::string csv_field(const std::string& text);

}  // namespace vigie::runtime
