#pragma once
// The subcommands of `vigie`. Each returns the process exit status:
// 0 success, 1 the campaign has errors, 2 the command could not run.

#include <iosfwd>
#include <string>
#include <vector>

#include "runtime/run.hpp"

namespace vigie::app {

struct CheckCommand {
  std::vector<std::string> files;
};

int run_check(const CheckCommand& command, std::ostream& out, std::ostream& err);

int run_run(runtime::RunOptions options, bool progress, std::ostream& out, std::ostream& err);

}  // namespace vigie::app
