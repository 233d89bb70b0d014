// End-to-end: staffing plans (`vigie plan`) and runs that follow an alert
// (`vigie run --alert-until`), on the sample register with the seeded
// simulated dialer.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runtime/plan.hpp"
#include "runtime/run.hpp"
#include "sample_run.hpp"

namespace fs = std::filesystem;
using namespace vigie;

namespace {

using testing::fresh_dir;
using testing::sample_options;

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// A config whose dialer reaches almost everybody, so that the target is
// reachable with enough agents on a small register.
runtime::RunOptions reachable_options(const fs::path& dir) {
  runtime::RunOptions options = sample_options(dir);
  fs::path config = dir / "vigie.yaml";
  std::ofstream(config) << "sources:\n"
                           "  reflex:\n"
                           "    plugin: csv\n"
                           "    path: "
                        << fs::absolute("examples/rosters/sample_20.csv").string()
                        << "\n"
                           "dialer:\n"
                           "  plugin: simulated\n"
                           "  outcomes: {answered: 0.9, no_answer: 0.1}\n"
                           "  answered: {completed: 0.9, partial: 0.1}\n";
  options.config_path = config.string();
  options.roster_path.reset();
  return options;
}

double useful_rate(const runtime::StaffingPoint& point) {
  return static_cast<double>(point.stats.useful) / static_cast<double>(point.stats.contacts);
}

}  // namespace

TEST_CASE("plan finds the smallest staffing that meets the target", "[e2e][plan]") {
  runtime::PlanOptions options;
  options.run = reachable_options(fresh_dir("plan-smallest"));
  options.run.handling_time = std::chrono::hours{3};

  runtime::PlanReport report = runtime::plan_staffing(options);

  REQUIRE(report.contacts > 0);
  REQUIRE(report.target_rate);
  REQUIRE(report.smallest);
  const runtime::StaffingPoint* at_smallest = nullptr;
  const runtime::StaffingPoint* one_less = nullptr;
  for (const runtime::StaffingPoint& point : report.curve) {
    // Each point's verdict follows from its own simulation.
    CHECK(point.target_met == (useful_rate(point) >= *report.target_rate));
    if (point.agents == *report.smallest) at_smallest = &point;
    if (point.agents == *report.smallest - 1) one_less = &point;
  }
  REQUIRE(at_smallest != nullptr);
  CHECK(at_smallest->meets());
  if (*report.smallest > 1) {
    REQUIRE(one_less != nullptr);
    CHECK_FALSE(one_less->meets());
  }
  // The curve is sorted and covers the whole range up to one agent per contact.
  CHECK(report.curve.back().agents == static_cast<int>(report.contacts));
  for (std::size_t i = 1; i < report.curve.size(); ++i) {
    CHECK(report.curve[i - 1].agents < report.curve[i].agents);
  }
}

TEST_CASE("plan needs more agents when calls take longer", "[e2e][plan]") {
  runtime::PlanOptions options;
  options.run = reachable_options(fresh_dir("plan-dmt"));
  options.run.handling_time = std::chrono::minutes{5};
  runtime::PlanReport quick = runtime::plan_staffing(options);
  options.run.handling_time = std::chrono::hours{3};
  runtime::PlanReport slow = runtime::plan_staffing(options);

  REQUIRE(quick.smallest);
  REQUIRE(slow.smallest);
  CHECK(*slow.smallest > *quick.smallest);
}

TEST_CASE("plan reports when no staffing up to the maximum meets the goals", "[e2e][plan]") {
  runtime::PlanOptions options;
  options.run = reachable_options(fresh_dir("plan-none"));
  options.run.handling_time = std::chrono::hours{3};
  options.max_agents = 1;

  runtime::PlanReport report = runtime::plan_staffing(options);

  CHECK_FALSE(report.smallest);
  REQUIRE(report.curve.size() == 1);
  CHECK_FALSE(report.curve[0].target_met);
}

TEST_CASE("plan refuses what it cannot simulate", "[e2e][plan]") {
  fs::path dir = fresh_dir("plan-refuse");
  runtime::PlanOptions options;
  options.run = sample_options(dir);

  SECTION("a replay dialer") {
    options.run.dialer = "replay:tests/e2e/data/mini_replay.csv";
    CHECK_THROWS_WITH(runtime::plan_staffing(options),
                      Catch::Contains("--dialer must be `simulated`"));
  }
  SECTION("a campaign with no goal") {
    fs::path campaign = dir / "nogoal.vigie";
    std::ofstream(campaign) << "campaign nogoal {\n"
                               "  timezone \"Europe/Paris\"\n"
                               "  source reflex { id text key  phone phone }\n"
                               "  hours { mon-fri 09:00-19:00 }\n"
                               "  retry { attempts 2 within 24h  otherwise after 2h }\n"
                               "  script { ask ok \"Ça va ?\" yes_no }\n"
                               "}\n";
    options.run.campaign_path = campaign.string();
    CHECK_THROWS_WITH(runtime::plan_staffing(options),
                      Catch::Contains("has neither `start within` nor `target useful_rate`"));
  }
}

TEST_CASE("run follows an alert until it ends", "[e2e][alert]") {
  fs::path out = fresh_dir("plan-alert");
  runtime::RunOptions options = sample_options(out);
  options.alert_until = "2019-06-28T12:00";  // Friday noon
  options.alert_level = 3;

  runtime::RunReport report = runtime::run_campaign(options);

  // Cycles start every 48 h (Monday, Wednesday, Friday 10:00); the Friday
  // cycle starts before the end and completes after it.
  REQUIRE(report.cycles.size() == 3);
  CHECK(report.cycles[2].stats.start < *report.alert_end);
  CHECK(report.cycles[2].stats.end > *report.alert_end);
  nlohmann::json summary = read_json(out / "summary.json");
  CHECK(summary["alert"]["until"] == "2019-06-28T12:00:00+02:00");
  CHECK(summary["alert"]["level"] == 3);
  REQUIRE(summary["cycles"].size() == 3);
  for (const auto& cycle : summary["cycles"]) {
    CHECK(cycle["service_level"]["attempted"].get<int>() > 0);
    CHECK(cycle.contains("start_within"));
    CHECK(cycle.contains("target"));
  }
}

TEST_CASE("run checks the alert options against the campaign", "[e2e][alert]") {
  fs::path out = fresh_dir("plan-alert-bad");
  runtime::RunOptions options = sample_options(out);

  SECTION("a level below the trigger") {
    options.alert_level = 2;
    CHECK_THROWS_WITH(runtime::run_campaign(options),
                      Catch::Contains("alert level 2 does not start campaign 'canicule'") &&
                          Catch::Contains("level >= 3"));
  }
  SECTION("an end before the activation") {
    options.alert_until = "2019-06-24T09:00";
    CHECK_THROWS_WITH(runtime::run_campaign(options),
                      Catch::Contains("is not after the activation"));
  }
  SECTION("both --cycles and --alert-until") {
    options.alert_until = "2019-06-28T12:00";
    options.cycles = 2;
    options.cycles_given = true;
    CHECK_THROWS_WITH(runtime::run_campaign(options), Catch::Contains("give only one"));
  }
  SECTION("a malformed end") {
    options.alert_until = "28/06/2019";
    CHECK_THROWS_WITH(runtime::run_campaign(options),
                      Catch::Contains("invalid --alert-until value '28/06/2019'"));
  }
}
