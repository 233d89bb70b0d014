// `vigie fmt` and `vigie fmt --check`: exit statuses, output and the files
// left on disk.

#include <catch2/catch.hpp>

#include "cli/run_vigie.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using vigie::testing::Result;
using vigie::testing::run_vigie;
using vigie::testing::write_temp;

const std::string kFormatted = "hours h {\n  mon 09:00-10:00\n}\n";
const std::string kUnformatted = "hours h { mon 09:00-10:00 }";
const std::string kBroken = "hours h { mon 09:00-10:00\n";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

TEST_CASE("vigie fmt --check exit statuses", "[cli][fmt]") {
  std::string formatted = write_temp("vigie-fmt-ok.vigie", kFormatted);
  std::string unformatted = write_temp("vigie-fmt-loose.vigie", kUnformatted);
  std::string broken = write_temp("vigie-fmt-broken.vigie", kBroken);
  std::string folder = std::filesystem::temp_directory_path().string();

  struct Case {
    std::string arguments;
    int status;
  };
  const Case cases[] = {
      {formatted, 0},
      {unformatted, 1},
      {formatted + " " + unformatted, 1},
      {broken, 1},
      {"/nonexistent/campaign.vigie", 2},
      {folder, 2},
      {unformatted + " /nonexistent/campaign.vigie", 2},
  };
  for (const Case& test : cases) {
    Result result = run_vigie("fmt --check " + test.arguments);
    INFO("vigie fmt --check " << test.arguments << '\n' << result.output);
    CHECK(result.status == test.status);
  }

  CHECK(read_file(unformatted) == kUnformatted);
  CHECK(read_file(broken) == kBroken);
}

TEST_CASE("vigie fmt --check lists only unformatted files", "[cli][fmt]") {
  std::string formatted = write_temp("vigie-fmt-list-ok.vigie", kFormatted);
  std::string unformatted = write_temp("vigie-fmt-list-loose.vigie", kUnformatted);
  Result result = run_vigie("fmt --check " + formatted + " " + unformatted, /*stdout_only=*/true);
  CHECK(result.output == unformatted + "\n");
}

TEST_CASE("vigie fmt --check prints syntax errors", "[cli][fmt]") {
  std::string broken = write_temp("vigie-fmt-errors.vigie", kBroken);
  Result result = run_vigie("fmt --check " + broken);
  INFO(result.output);
  CHECK(result.output.find(broken + ":2:1: error:") != std::string::npos);
}

TEST_CASE("vigie fmt rewrites files in place", "[cli][fmt]") {
  std::string unformatted = write_temp("vigie-fmt-write.vigie", kUnformatted);
  std::string broken = write_temp("vigie-fmt-write-broken.vigie", kBroken);

  Result result = run_vigie("fmt " + unformatted + " " + broken);
  INFO(result.output);
  CHECK(result.status == 1);
  CHECK(read_file(unformatted) == kFormatted);
  CHECK(read_file(broken) == kBroken);

  // No temporary file is left beside the rewritten one.
  std::size_t leftovers = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(unformatted).parent_path())) {
    if (entry.path().filename().string().rfind(".vigie-fmt-write.vigie.fmt-", 0) == 0) {
      ++leftovers;
    }
  }
  CHECK(leftovers == 0);

  Result again = run_vigie("fmt --check " + unformatted);
  CHECK(again.status == 0);
}
