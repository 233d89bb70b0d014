#pragma once
// `vigie work CAMPAIGN --store postgresql://... --worker NAME --activate
// YYYY-MM-DDTHH:MM [...]`: one call line sharing a campaign cycle with
// other worker processes through a PostgreSQL store.

#include <iosfwd>
#include <optional>
#include <string>

#include "runtime/run.hpp"

namespace vigie::app {

struct WorkCommand {
  runtime::RunOptions run;    // campaign, --campaign, --config, --roster, --dialer, --seed,
                              // --activate, --store, --out
  std::string worker;         // --worker
  std::string lease = "30s";  // --lease, a duration such as 30s or 2m
  bool out_given = false;     // --out was on the command line
};

// Runs the worker to the end of the cycle and prints its summary. Returns
// 0 when the cycle's queue is empty, and 4 when it is empty but some
// alerts are still undelivered in the outbox. Returns 1 when the campaign
// has errors, and 2 when the worker cannot run: an invalid option, a store
// that is not PostgreSQL or contains another run, a plugin or store failure.
int run_work(WorkCommand command, std::ostream& out, std::ostream& err);

}  // namespace vigie::app
