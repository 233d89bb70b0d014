// Tests of the live engine's restart: a campaign constructed again on its
// store continues exactly where it stopped, on SQLite and PostgreSQL, and
// a store of another run is rejected.

#include <catch2/catch.hpp>

#include <functional>

#include "live_fixture.hpp"
#include "runtime/plan.hpp"
#include "runtime/run.hpp"
#include "store/pg_fixture.hpp"

using namespace vigie;
using namespace vigie::live_test;

namespace {

AlertLevel raised_canicule() {
  AlertLevel alert = canicule(3);
  alert.raised_at = kStart;
  return alert;
}

// Hands out the next contact and submits one disposition for everyone on
// the number, with `answers` for the dialled person.
std::vector<std::string> call(LiveCampaign& live, common::Instant now,
                              const std::string& disposition, std::vector<Answer> answers = {},
                              std::optional<LocalDateTime> callback = std::nullopt) {
  Handout handout = take(live, "agent", now);
  std::vector<PersonSubmission> entries;
  for (const std::string& id : people(handout)) {
    entries.push_back(person(id, disposition, entries.empty() ? answers : std::vector<Answer>{}));
    if (disposition == "callback") entries.back().callback_local = callback;
  }
  live.submit("agent", submission(handout, entries, std::chrono::seconds{120}), now);
  return people(handout);
}

// A morning and the following days of calls, as steps so that a restart
// can come between any two of them.
std::vector<std::function<void(LiveCampaign&)>> scripted_days() {
  return {
      [](LiveCampaign& live) { live.apply_alert(raised_canicule(), kStart); },
      [](LiveCampaign& live) {
        CHECK(call(live, kStart, "completed", full_answers("yes", "yes", {"confusion"})) ==
              std::vector<std::string>{"L01"});
        CHECK(call(live, kStart, "no_answer").size() == 2);                          // L02 and L03
        call(live, kStart, "partial", {{"alone", {"yes"}}});                         // L04
        call(live, kStart, "callback", {}, LocalDateTime{{2019, 6, 24}, 15, 0, 0});  // L05
        call(live, kStart, "busy");                                                  // L06
        call(live, kStart, "refused");                                               // L07
        take(live, "forgetful", kStart);  // L08, never submitted
        live.acknowledge(1, "urgence", "L01", "team1", kStart + kMinute);
        live.tick(kStart + 5 * kMinute);  // L08's hold expires
      },
      [](LiveCampaign& live) {
        CHECK(call(live, kStart + 40 * kMinute, "completed", full_answers("no", "no")) ==
              std::vector<std::string>{"L06"});
        CHECK(call(live, kStart + 40 * kMinute, "refused") == std::vector<std::string>{"L08"});
      },
      [](LiveCampaign& live) {
        Handout again = take(live, "agent", kStart + kHour);
        REQUIRE(people(again) == std::vector<std::string>{"L04"});
        CHECK(again.people[0].attempt == 2);
        // The answer of the first attempt is still there.
        CHECK(live.settle("agent", again.token, "L04", {}, kStart + kHour).answers.size() == 1);
        live.submit("agent", submission(again, {person("L04", "completed", {{"health", {"no"}}})}),
                    kStart + kHour);
        live.deliver_alerts();
      },
      [](LiveCampaign& live) {
        CHECK(call(live, kStart + 3 * kHour, "voicemail").size() == 2);  // L02 and L03
        CHECK(call(live, paris("2019-06-24T15:00"), "refused").size() == 2);
        CHECK(call(live, paris("2019-06-24T15:00"), "completed", full_answers("no", "yes", {})) ==
              std::vector<std::string>{"L05"});
        CHECK(call(live, paris("2019-06-25T00:00"), "no_answer") ==
              std::vector<std::string>{"L09"});
      },
      [](LiveCampaign& live) { live.tick(kStart + 48 * kHour); },
  };
}

// What must be the same after a restart: counts, desk and exports.
struct Snapshot {
  std::vector<runtime::CycleStatus> cycles;
  std::map<std::string, std::size_t> dispositions;
  std::size_t outbox_pending = 0;
  std::vector<std::pair<std::string, runtime::DeskState>> desk;
  std::string attempts;
  std::string outcomes;
  std::string escalations;
};

Snapshot snapshot(const LiveCampaign& live, common::Instant now) {
  Snapshot result;
  runtime::LiveStatus status = live.status(now);
  result.cycles = status.cycles;
  result.dispositions = status.dispositions;
  result.outbox_pending = status.outbox_pending;
  for (const runtime::DeskAlert& alert : live.desk({}, true)) {
    result.desk.emplace_back(alert.route + "/" + alert.contact_id, alert.state);
  }
  result.attempts = export_text(live, runtime::ExportKind::attempts, 1);
  result.outcomes = export_text(live, runtime::ExportKind::outcomes, 1);
  result.escalations = export_text(live, runtime::ExportKind::escalations, 1);
  return result;
}

void check_same(const Snapshot& actual, const Snapshot& expected) {
  REQUIRE(actual.cycles.size() == expected.cycles.size());
  for (std::size_t c = 0; c < actual.cycles.size(); ++c) {
    const runtime::CycleStatus& a = actual.cycles[c];
    const runtime::CycleStatus& e = expected.cycles[c];
    CHECK(a.cycle == e.cycle);
    CHECK(a.started == e.started);
    CHECK(a.ended == e.ended);
    CHECK(a.first_call_at == e.first_call_at);
    CHECK(a.contacts == e.contacts);
    CHECK(a.attempted == e.attempted);
    CHECK(a.decided == e.decided);
    CHECK(a.attempts == e.attempts);
    CHECK(a.useful == e.useful);
    CHECK(a.outcomes == e.outcomes);
    CHECK(a.routes == e.routes);
  }
  CHECK(actual.dispositions == expected.dispositions);
  CHECK(actual.outbox_pending == expected.outbox_pending);
  CHECK(actual.desk == expected.desk);
  CHECK(actual.attempts == expected.attempts);
  CHECK(actual.outcomes == expected.outcomes);
  CHECK(actual.escalations == expected.escalations);
}

// Plays the scripted days on one campaign object, then again with a
// restart after each step, and compares the two.
void check_restart_at_each_step(const std::function<LiveOptions(const std::string&)>& make) {
  const auto steps = scripted_days();
  const common::Instant end = kStart + 48 * kHour;

  LiveCampaign straight(make("straight"));
  for (const auto& step : steps) step(straight);
  const Snapshot expected = snapshot(straight, end);
  CHECK(expected.cycles.at(0).ended);

  for (std::size_t restart = 2; restart <= steps.size(); ++restart) {
    INFO("restart before step " << restart);
    const LiveOptions options = make("restart-" + std::to_string(restart));
    Snapshot before;
    {
      LiveCampaign first(options);
      for (std::size_t s = 0; s < restart; ++s) steps[s](first);
      before = snapshot(first, kStart);
    }
    LiveCampaign second(options);
    // The restarted state is the stopped one, before any alert is applied again.
    check_same(snapshot(second, kStart), before);
    // The service applies its alerts again: they start no cycle.
    CHECK_FALSE(second.apply_alert(raised_canicule(), kStart + 10 * kHour));
    for (std::size_t s = restart; s < steps.size(); ++s) steps[s](second);
    check_same(snapshot(second, end), expected);
  }
}

}  // namespace

TEST_CASE("live restart continues exactly on SQLite", "[live]") {
  fs::path dir = fresh_dir("restart");
  check_restart_at_each_step([&](const std::string& name) {
    fs::create_directories(dir / name);
    return vague_options(dir / name);
  });
  fs::remove_all(dir);
}

TEST_CASE("live restart continues exactly on PostgreSQL", "[live][postgresql]") {
  fs::path dir = fresh_dir("restart-pg");
  store::test::PostgresServer& server = store::test::shared_postgres();
  check_restart_at_each_step([&](const std::string& name) {
    fs::create_directories(dir / name);
    LiveOptions options = vague_options(dir / name);
    options.store_url = server.create_database();
    return options;
  });
  fs::remove_all(dir);
}

TEST_CASE("live restart forgets holds", "[live]") {
  fs::path dir = fresh_dir("restart-holds");
  const LiveOptions options = vague_options(dir);
  {
    LiveCampaign first(options);
    first.apply_alert(canicule(3), kStart);
    CHECK(people(take(first, "a1", kStart)) == std::vector<std::string>{"L01"});
  }
  LiveCampaign second(options);
  CHECK(second.status(kStart).cycles.at(0).held == 0);
  CHECK_FALSE(second.current("a1", kStart + kMinute));
  Handout again = take(second, "a2", kStart + kMinute);
  CHECK(people(again) == std::vector<std::string>{"L01"});
  CHECK(again.people[0].attempt == 1);
  CHECK(open_store(options.store_url)->count_attempts(1) == 0);
  fs::remove_all(dir);
}

TEST_CASE("live store of another run is rejected", "[live]") {
  fs::path dir = fresh_dir("identity");
  ::setenv("VIGIE_PLUGIN_PATH", VIGIE_PLUGIN_DIR, 0);
  runtime::RunOptions run;
  run.campaign_path = "tests/live/data/live.vigie";
  run.roster_path = "tests/live/data/live.csv";
  run.activate = "2019-06-24T10:00";
  run.seed = 3;
  run.out_dir = (dir / "run").string();
  runtime::run_campaign(run);

  LiveOptions options = vague_options(dir);
  options.store_url = (dir / "run" / "vigie.db").string();
  CHECK_THROWS_WITH(LiveCampaign(options),
                    Catch::Contains("contains a one-shot run of vigie run or vigie work") &&
                        Catch::Contains("give campaign 'vague' its own store"));

  // One store contains one live campaign.
  { LiveCampaign vague(vague_options(dir)); }
  LiveOptions strict = vague_options(dir);
  strict.campaign_path = "tests/live/data/strict.vigie";
  CHECK_THROWS_WITH(LiveCampaign(strict),
                    Catch::Contains("contains another live campaign (campaign: vague)"));
  fs::remove_all(dir);
}

TEST_CASE("live agent_desk dialer is rejected by run and plan", "[live]") {
  fs::path dir = fresh_dir("agent-desk");
  ::setenv("VIGIE_PLUGIN_PATH", VIGIE_PLUGIN_DIR, 0);
  const fs::path config = dir / "serve.yaml";
  std::ofstream(config) << "sources:\n  registre: {plugin: csv, path: "
                        << fs::absolute("tests/live/data/live.csv").string()
                        << "}\ndialer: {plugin: agent_desk, hold_timeout: 2m}\n";
  runtime::RunOptions run;
  run.campaign_path = "tests/live/data/live.vigie";
  run.config_path = config.string();
  run.activate = "2019-06-24T10:00";
  run.out_dir = (dir / "run").string();
  const std::string expected =
      config.string() +
      ": the agent_desk dialer takes calls from agents through `vigie serve`; use the simulated "
      "or replay dialer with vigie run";
  CHECK_THROWS_WITH(runtime::run_campaign(run), Catch::StartsWith(expected));

  runtime::PlanOptions plan;
  plan.run = run;
  CHECK_THROWS_WITH(runtime::plan_staffing(plan), Catch::StartsWith(expected));
  fs::remove_all(dir);
}
