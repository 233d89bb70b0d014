#pragma once
// Helpers shared by the end-to-end tests that run the heatwave campaign on
// the 20-row sample register with the seeded simulated dialer.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "runtime/run.hpp"

namespace vigie::testing {

// Returns an empty folder under the temporary folder, unique to this process.
inline std::filesystem::path fresh_dir(const std::string& name) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("vigie-e2e-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Returns the options of a run of campaigns/canicule.vigie on the sample
// register, activated on Monday 24 June 2019 at 10:00, writing into `out`.
inline runtime::RunOptions sample_options(const std::filesystem::path& out) {
  ::setenv("VIGIE_PLUGIN_PATH", VIGIE_PLUGIN_DIR, 0);
  runtime::RunOptions options;
  options.campaign_path = "campaigns/canicule.vigie";
  options.roster_path = "examples/rosters/sample_20.csv";
  options.activate = "2019-06-24T10:00";
  options.seed = 7;
  options.out_dir = out.string();
  return options;
}

}  // namespace vigie::testing
