// Drives the diagnostic golden files: every tests/golden/check/NAME.vigie is
// compiled and its formatted diagnostics must equal NAME.expected byte for
// byte. Set VIGIE_UPDATE_GOLDEN=1 to rewrite the expected files, then review
// the diff before keeping it.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "check/compiler.hpp"

namespace {

namespace fs = std::filesystem;

// Relative to the repository root, which is the tests' working directory,
// so that the paths printed in diagnostics are stable.
const fs::path kGoldenDir = "tests/golden/check";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string compile_diagnostics(const fs::path& path) {
  vigie::common::SourceManager sources;
  vigie::common::Diagnostics diagnostics;
  vigie::check::compile_file(path.string(), sources, diagnostics);
  std::string text;
  for (const vigie::common::Diagnostic& diagnostic : diagnostics.sorted()) {
    text += vigie::common::format_diagnostic(diagnostic, sources);
  }
  return text;
}

std::vector<fs::path> golden_inputs() {
  std::vector<fs::path> inputs;
  for (const fs::directory_entry& entry : fs::directory_iterator(kGoldenDir)) {
    if (entry.path().extension() == ".vigie") inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

}  // namespace

TEST_CASE("check golden files match expected diagnostics", "[check][golden]") {
  std::vector<fs::path> inputs = golden_inputs();
  REQUIRE(inputs.size() >= 30);
  bool update = std::getenv("VIGIE_UPDATE_GOLDEN") != nullptr;

  for (const fs::path& input : inputs) {
    fs::path expected_path = input;
    expected_path.replace_extension(".expected");
    DYNAMIC_SECTION(input.filename().string()) {
      std::string actual = compile_diagnostics(input);
      if (update) {
        std::ofstream(expected_path, std::ios::binary) << actual;
      }
      REQUIRE(fs::exists(expected_path));
      // Each golden file exists to show at least one diagnostic.
      CHECK_FALSE(actual.empty());
      CHECK(actual == read_file(expected_path));
    }
  }
}
