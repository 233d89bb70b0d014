// The `vigie` executable's exit statuses and messages.

#include <catch2/catch.hpp>

#include "cli/run_vigie.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using vigie::testing::Result;
using vigie::testing::write_temp;

Result run(const std::string& arguments) {
  return vigie::testing::run_vigie(arguments);
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

TEST_CASE("vigie run exits 2 on command-line mistakes", "[cli]") {
  const std::vector<std::string> cases = {
      "run campaigns/canicule.vigie --agents 0",
      "run campaigns/canicule.vigie --cycles 0",
      "run campaigns/canicule.vigie --no-such-option",
      "",
  };
  for (const std::string& arguments : cases) {
    Result result = run(arguments);
    INFO("vigie " << arguments << "\n" << result.output);
    CHECK(result.status == 2);
  }
}

TEST_CASE("vigie run names a missing register file", "[cli]") {
  Result result =
      run("run campaigns/canicule.vigie --roster /nonexistent/roster.csv --quiet "
          "--out /tmp/vigie-cli-missing-roster");
  CHECK(result.status == 2);
  CHECK(result.output.find("/nonexistent/roster.csv") != std::string::npos);
  CHECK(result.output.find("--roster") != std::string::npos);
}

TEST_CASE("vigie run rejects notifier files that collide", "[cli]") {
  const std::string base = R"(sources:
  reflex: {plugin: csv, path: )" +
                           std::string(VIGIE_SOURCE_DIR) +
                           R"(/examples/rosters/sample_20.csv}
pricing:
  marche_2022:
    plugin: volume_band
    bands: [{up_to: null, price: 4}]
notifiers:
  equipe_visites: {plugin: csv_file, path: visites.csv}
)";
  struct Case {
    std::string notifiers;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"  cellule_urgence: {plugin: csv_file, path: attempts.csv}\n"
       "  casvp: {plugin: csv_file}\n",
       "notifier 'cellule_urgence' would write into"},
      {"  cellule_urgence: {plugin: csv_file, path: visites.csv}\n"
       "  casvp: {plugin: csv_file}\n",
       "both write"},
  };
  for (const Case& c : cases) {
    std::string config = write_temp("vigie-cli-collide.yaml", base + c.notifiers);
    Result result = run("run campaigns/canicule.vigie --config " + config +
                        " --activate 2019-06-24T10:00 --quiet --out /tmp/vigie-cli-collide");
    INFO(result.output);
    CHECK(result.status == 2);
    CHECK(result.output.find(c.expected) != std::string::npos);
  }
  std::filesystem::remove_all("/tmp/vigie-cli-collide");
}

TEST_CASE("vigie check reports every unreadable file and goes on", "[cli]") {
  Result result = run("check /nonexistent/a.vigie campaigns/canicule.vigie /tmp");
  CHECK(result.status == 2);
  CHECK(result.output.find("/nonexistent/a.vigie") != std::string::npos);
  CHECK(result.output.find("canicule.vigie: ok") != std::string::npos);
  CHECK(result.output.find("it is a folder") != std::string::npos);
}

TEST_CASE("vigie test runs the campaign's tests", "[cli]") {
  Result passing = run("test campaigns/canicule.vigie");
  INFO(passing.output);
  CHECK(passing.status == 0);
  CHECK(passing.output.find("4 passed, 0 failed") != std::string::npos);

  std::string path = write_temp("vigie-cli-failing.vigie", R"(campaign c {
  source s { id text key  phone phone }
  hours { mon-fri 09:00-19:00 }
  retry { attempts 1 within 1h  otherwise stop }
  script { ask ok "OK ?" yes_no }
  score risk { ok == no => 1 }
  test "failing" {
    given ok = no
    expect risk == 2
  }
}
)");
  Result failing = run("test " + path);
  INFO(failing.output);
  CHECK(failing.status == 1);
  CHECK(failing.output.find("FAIL " + path + ":7:3: test \"failing\"") != std::string::npos);
  CHECK(failing.output.find("expected: risk == 2") != std::string::npos);
  CHECK(failing.output.find("actual:   risk = 1") != std::string::npos);
}
