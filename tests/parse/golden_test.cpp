// Golden files for syntax and literal errors: each tests/golden/parse/NAME.vigie
// is parsed and its diagnostics, formatted as the command line prints them
// (position, message, source line, caret), must equal NAME.expected.
//
// To rewrite the expected files after a deliberate message change, run the
// test with VIGIE_UPDATE_GOLDEN=1 and review the diff before committing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "parse_helpers.hpp"

using namespace vigie::parse::test;
namespace fs = std::filesystem;

namespace {

const char* const kGoldenDir = "tests/golden/parse";

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> golden_inputs() {
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(kGoldenDir)) {
    if (entry.path().extension() == ".vigie") inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

}  // namespace

TEST_CASE("golden syntax errors match their expected output", "[parse][golden]") {
  const std::vector<fs::path> inputs = golden_inputs();
  REQUIRE(inputs.size() >= 15);
  const bool update = std::getenv("VIGIE_UPDATE_GOLDEN") != nullptr;

  for (const fs::path& input : inputs) {
    // Diagnostics name the file as the command line would, relative to the
    // repository root.
    const std::string path = std::string(kGoldenDir) + "/" + input.filename().string();
    fs::path expected_path = input;
    expected_path.replace_extension(".expected");

    auto parsed = parse_text(read_bytes(input), path);
    const std::string actual = formatted_diagnostics(*parsed);
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << actual;
      WARN("rewrote " << expected_path.string());
      continue;
    }

    DYNAMIC_SECTION(input.filename().string()) {
      REQUIRE(fs::exists(expected_path));
      CHECK_FALSE(actual.empty());
      CHECK(actual == read_bytes(expected_path));
    }
  }
}
