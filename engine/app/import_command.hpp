#pragma once
// `vigie import CAMPAIGN --roster FILE [--check] [--config FILE] [--out DIR]`:
// reads and checks the register as a run would, writes import_report.csv and,
// without --check, stores the accepted rows.

#include <iosfwd>

#include "runtime/run.hpp"

namespace vigie::app {

struct ImportCommand {
  runtime::RunOptions run;  // campaign, --campaign, --config, --roster, --activate, --out
  bool check_only = false;  // --check: store nothing
};

// Returns 0 when the register was read, even with rejected rows, which the
// report lists. Returns 3 with --check when at least one row is rejected,
// 1 when the campaign has errors and 2 when the import cannot run.
int run_import(const ImportCommand& command, std::ostream& out, std::ostream& err);

}  // namespace vigie::app
