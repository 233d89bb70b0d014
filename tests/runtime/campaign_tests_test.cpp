// The runner of a campaign's `test` blocks.

#include <catch2/catch.hpp>

#include <filesystem>

#include "check/compiler.hpp"
#include "runtime/campaign_tests.hpp"

using namespace vigie;

namespace {

const char* kCampaign = R"(
campaign t {
  timezone "Europe/Paris"
  source s {
    id    text key
    phone phone
    birth date
  }
  hours { mon-fri 09:00-19:00 }
  retry {
    attempts 2 within 24h
    otherwise after 1h
  }
  script {
    ask alone "Seul(e) ?" yes_no
    ask visits "Visites ?" choice {
      daily  "Tous les jours"
      rarely "Rarement"
    }
    ask symptoms "Symptômes ?" multi {
      fatigue   "Fatigue"
      confusion "Confusion"
    } if alone == yes
  }
  let old = age(birth) >= 85
  score risk {
    alone == yes     => 3
    visits == rarely => 2
    old              => 4
  }
  route urgent "Urgent" {
    when risk >= 5
    notify team within 1h
  }
  route visit "Visite" {
    when outcome == unreachable
    notify team within 4h
  }
  test "passes" {
    given alone = yes, visits = rarely
    expect risk == 5
    expect routes == [urgent]
  }
  test "wrong score" {
    given alone = no, visits = daily
    expect risk == 7
  }
  test "wrong routes" {
    given outcome = unreachable
    expect routes == [urgent]
  }
  test "wrong boolean" {
    given birth = 1960-01-01, today = 2019-06-24
    expect old
  }
  test "inapplicable answer is discarded" {
    given alone = no, symptoms = [confusion]
    expect answered(symptoms) == false
  }
  test "wrong option" {
    given visits = daily
    expect visits == rarely
  }
}
)";

}  // namespace

TEST_CASE("campaign tests report expected and actual values", "[runtime][tests]") {
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module = check::compile_text("t.vigie", kCampaign, sources, diagnostics);
  REQUIRE_FALSE(diagnostics.has_errors());
  const ir::Campaign& campaign = module.campaigns.front();
  eval::CompiledCampaign compiled(campaign);

  auto results = runtime::run_campaign_tests(campaign, compiled);

  REQUIRE(results.size() == 6);
  CHECK(results[0].passed());

  REQUIRE(results[1].failures.size() == 1);
  CHECK(results[1].failures[0].expected == "risk == 7");
  CHECK(results[1].failures[0].actual == "risk = 0");

  REQUIRE(results[2].failures.size() == 1);
  CHECK(results[2].failures[0].expected == "routes == [urgent]");
  CHECK(results[2].failures[0].actual == "routes = [visit]");

  REQUIRE(results[3].failures.size() == 1);
  CHECK(results[3].failures[0].expected == "old is true");
  CHECK(results[3].failures[0].actual == "false");

  CHECK(results[4].passed());

  REQUIRE(results[5].failures.size() == 1);
  CHECK(results[5].failures[0].actual == "visits = daily");
}

TEST_CASE("every shipped campaign passes its own tests", "[runtime][tests]") {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator("campaigns")) {
    if (entry.path().extension() == ".vigie") paths.push_back(entry.path().string());
  }
  REQUIRE(paths.size() >= 5);
  for (const std::string& path : paths) {
    common::SourceManager sources;
    common::Diagnostics diagnostics;
    ir::Module module = check::compile_file(path, sources, diagnostics);
    INFO(path);
    REQUIRE_FALSE(diagnostics.has_errors());
    REQUIRE_FALSE(module.campaigns.empty());
    for (const ir::Campaign& campaign : module.campaigns) {
      eval::CompiledCampaign compiled(campaign);
      std::vector<bool> route_tested(campaign.routes.size(), false);
      for (const auto& result : runtime::run_campaign_tests(campaign, compiled)) {
        INFO(path << ": " << result.test->name);
        CHECK(result.passed());
        for (const auto& expect : result.test->expects) {
          for (std::int32_t route : expect.routes)
            route_tested[static_cast<std::size_t>(route)] = true;
        }
      }
      // Each route is expected to fire in at least one test.
      for (std::size_t r = 0; r < campaign.routes.size(); ++r) {
        INFO("route " << campaign.routes[r].name);
        CHECK(route_tested[r]);
      }
    }
  }
}
