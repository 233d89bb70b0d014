#pragma once
// `vigie purge --before YYYY-MM-DD [--store URL | --out DIR]`: removes the
// personal data of the cycles that ended before the date, and keeps their
// anonymous statistics in the store's cycle_stats table.

#include <iosfwd>
#include <optional>
#include <string>

namespace vigie::app {

struct PurgeCommand {
  std::string before;                    // YYYY-MM-DD, midnight UTC
  std::optional<std::string> store_url;  // --store; default: OUT/vigie.db
  std::string out_dir = "vigie-out";     // --out
};

// Returns 0 when the purge ran (even when no cycle was old enough), 2 when
// the date is invalid, the store is missing or the store fails.
int run_purge(const PurgeCommand& command, std::ostream& out, std::ostream& err);

}  // namespace vigie::app
