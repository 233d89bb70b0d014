#pragma once
// The subcommands of `vigie`. Each returns the process exit status:
// 0 success, 1 the campaign has errors, 2 the command could not run.

#include <iosfwd>
#include <string>
#include <vector>

#include "runtime/explain.hpp"
#include "runtime/run.hpp"

namespace vigie::app {

// Whether `file` is a regular file that can be opened; otherwise prints why
// (a folder, a missing file, a link loop, no permission) on `err`.
bool readable(const std::string& file, std::ostream& err);

struct CheckCommand {
  std::vector<std::string> files;
};

int run_check(const CheckCommand& command, std::ostream& out, std::ostream& err);

// Runs the `test` blocks of each file: 0 when every test passes, 1 when a
// test fails or a campaign has errors, 2 when a file cannot be read.
int run_tests(const CheckCommand& command, std::ostream& out, std::ostream& err);

struct ExplainCommand {
  std::string campaign_path;
  std::optional<std::string> campaign_name;  // when the file declares several
  runtime::ExplainInputs inputs;
  bool json = false;
};

// Shows how the campaign scores and routes one person: 0 on success, 1 when
// the campaign has errors, 2 when the file cannot be read or an input does
// not fit the campaign.
int run_explain(const ExplainCommand& command, std::ostream& out, std::ostream& err);

int run_run(runtime::RunOptions options, bool progress, std::ostream& out, std::ostream& err);

struct PlanCommand {
  runtime::RunOptions run;  // campaign, --campaign, --config, --roster, --seed, --activate
  std::optional<std::string> dmt;
  std::optional<int> max_agents;
};

// Finds the smallest staffing that meets the campaign's goals and prints the
// staffing curve: 0 when found, 3 when no staffing up to the maximum meets
// them, 1 when the campaign has errors, 2 when it cannot run.
int run_plan(const PlanCommand& command, std::ostream& out, std::ostream& err);

}  // namespace vigie::app
