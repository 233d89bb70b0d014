#pragma once
// `vigie serve --config FILE`: runs the config's campaigns live behind the
// HTTP API until SIGTERM or SIGINT. `vigie passwd`: prints the Argon2id
// hash of a password read on standard input, for the config's users.

#include <iosfwd>
#include <string>

namespace vigie::app {

struct ServeCommand {
  std::string config_path;
};

// Returns 0 after a clean stop, 1 when a campaign has errors (printed as
// `vigie check` prints them), 2 when the config is wrong (printed as
// FILE:LINE:COL: message) or the service cannot start.
int run_serve(const ServeCommand& command, std::ostream& err);

// Reads the password without echo, twice, from a terminal, or as one line
// from a pipe, and prints its hash on `out`. Returns 0, or 2 for an empty
// password, two different entries or no input.
int run_passwd(std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace vigie::app
