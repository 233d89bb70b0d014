#pragma once
// The run's outputs: summary.json and the terminal summary.

#include <iosfwd>
#include <string>

#include "runtime/run.hpp"
#include "store/store.hpp"

namespace vigie::runtime {

// Writes summary.json as {"campaign", "cycles": [...], "totals", "cost"}.
void write_summary_json(const RunReport& report, const std::string& path);

// Prints a short human summary (French labels first, as the operators read
// it) of the run.
void print_summary(std::ostream& out, const RunReport& report);

// The header line of attempts.csv, without its line break.
inline constexpr const char* kAttemptsCsvHeader = "cycle,contact_id,attempt,start,end,disposition";

// Formats a row of attempts.csv, times in ISO 8601 with the offset of the
// contact's `zone`; without its line break.
std::string attempts_csv_row(const store::AttemptRecord& attempt, const date::time_zone* zone);

// The header line of escalations.csv: cycle, route, contact and local due
// time, then one column per score of the campaign.
std::string escalations_csv_header(const ir::Campaign& campaign);

// Formats a row of escalations.csv for a fired route, `scores` in campaign
// order; without its line break.
std::string escalations_csv_row(int cycle, const std::string& route, const std::string& contact_id,
                                const std::string& due_local,
                                const std::vector<std::pair<std::string, double>>& scores);

// Formats a text CSV field. The field is quoted when it contains a delimiter,
// a quote or a line break, and marked so that a spreadsheet shows it as text.
std::string csv_field(const std::string& text);

}  // namespace vigie::runtime
