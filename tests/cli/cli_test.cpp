// The `vigie` executable's exit statuses and messages.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct Result {
  int status = -1;
  std::string output;  // stdout and stderr together
};

Result run(const std::string& arguments) {
  std::string command = std::string(VIGIE_EXECUTABLE) + " " + arguments + " 2>&1";
  Result result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
    result.output += buffer.data();
  }
  int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("vigie check exits 0 on a clean campaign", "[cli]") {
  Result result = run("check campaigns/canicule.vigie");
  INFO(result.output);
  CHECK(result.status == 0);
  CHECK(result.output.find("canicule.vigie: ok") != std::string::npos);
}

TEST_CASE("vigie check exits 1 and shows a caret on errors", "[cli]") {
  std::string path =
      write_temp("vigie-cli-bad.vigie", "campaign c {\n  timezone \"Europe/Pariss\"\n}\n");
  Result result = run("check " + path);
  INFO(result.output);
  CHECK(result.status == 1);
  CHECK(result.output.find(path + ":2:") != std::string::npos);
  CHECK(result.output.find("^") != std::string::npos);
}

TEST_CASE("vigie check exits 2 on a missing file", "[cli]") {
  Result result = run("check /nonexistent/campaign.vigie");
  CHECK(result.status == 2);
  CHECK(result.output.find("/nonexistent/campaign.vigie") != std::string::npos);
}

TEST_CASE("vigie run exits 2 without a register", "[cli]") {
  Result result = run("run campaigns/canicule.vigie --quiet --out /tmp/vigie-cli-noroster");
  CHECK(result.status == 2);
  CHECK(result.output.find("--roster") != std::string::npos);
}

TEST_CASE("vigie run rejects a malformed activation time", "[cli]") {
  Result result =
      run("run campaigns/canicule.vigie --roster examples/rosters/paris_10500.csv "
          "--activate 24/06/2019 --quiet --out /tmp/vigie-cli-activate");
  CHECK(result.status == 2);
  CHECK(result.output.find("2019-06-24T10:00") != std::string::npos);
}

TEST_CASE("vigie run prints the summary of the heatwave demo", "[cli]") {
  Result result =
      run("run campaigns/canicule.vigie --roster examples/rosters/paris_10500.csv "
          "--activate 2019-06-24T10:00 --seed 42 --agents 60 --quiet "
          "--out /tmp/vigie-cli-demo");
  INFO(result.output);
  REQUIRE(result.status == 0);
  CHECK(result.output.find("Campagne canicule") != std::string::npos);
  CHECK(std::filesystem::exists("/tmp/vigie-cli-demo/summary.json"));
  std::filesystem::remove_all("/tmp/vigie-cli-demo");
}
