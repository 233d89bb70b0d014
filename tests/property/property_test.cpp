// Property tests of scheduling: thousands of seeded random scenarios run
// through the engine and checked against an independent reference scheduler
// and the scheduling invariants. Set VIGIE_PROPERTY_SEED=N to run only the
// scenarios of seed N.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>

#include "property/checks.hpp"
#include "property/engine_run.hpp"
#include "property/reference.hpp"
#include "property/scenario.hpp"

using namespace vigie;
using namespace vigie::property;
using namespace std::chrono_literals;

namespace {

// Failures printed in full per family; the rest are only counted.
constexpr int kFailuresShown = 3;

std::vector<std::uint64_t> seeds(std::uint64_t count) {
  if (const char* only = std::getenv("VIGIE_PROPERTY_SEED")) {
    return {std::strtoull(only, nullptr, 10)};
  }
  std::vector<std::uint64_t> list;
  for (std::uint64_t seed = 1; seed <= count; ++seed) list.push_back(seed);
  return list;
}

// Attempts that share their number, start and end with another contact's
// attempt: members of a household offered in one call.
std::size_t count_shared_call_attempts(const Scenario& scenario, const EngineRun& run) {
  std::map<std::string, std::string> phone_of;
  for (const ScenarioContact& contact : scenario.contacts) phone_of[contact.id] = contact.phone;

  std::size_t shared = 0;
  for (const EngineAttempt& attempt : run.attempts) {
    for (const EngineAttempt& other : run.attempts) {
      if (&other == &attempt || other.contact == attempt.contact) continue;
      if (phone_of[other.contact] == phone_of[attempt.contact] && other.start == attempt.start &&
          other.end == attempt.end) {
        ++shared;
        break;
      }
    }
  }
  return shared;
}

using Check = std::function<std::vector<std::string>(const Scenario&, const EngineRun&)>;

// Runs the scenarios of `family` for every seed and reports each failing
// seed with its scenario and problems.
void run_family(Family family, std::uint64_t count, const Check& check) {
  int failures = 0;
  std::vector<std::uint64_t> failing_seeds;
  std::size_t contacts = 0;
  std::size_t attempts = 0;
  std::size_t retried = 0;  // contacts with two attempts or more
  std::map<std::string, std::size_t> outcomes;
  for (std::uint64_t seed : seeds(count)) {
    Scenario scenario = generate_scenario(seed, family);
    EngineRun run = run_engine(scenario);
    contacts += scenario.contacts.size();
    attempts += run.attempts.size();
    for (const auto& [contact, list] : run.outcomes) {
      for (const EngineOutcome& outcome : list) {
        ++outcomes[outcome.outcome];
        if (outcome.attempts >= 2) ++retried;
      }
    }
    std::vector<std::string> problems = check(scenario, run);
    if (problems.empty()) continue;

    failing_seeds.push_back(seed);
    if (++failures > kFailuresShown) continue;
    std::ostringstream report;
    report << describe_scenario(scenario);
    for (const std::string& problem : problems) report << "  - " << problem << "\n";
    FAIL_CHECK(report.str());
  }

  std::ostringstream list;
  for (std::uint64_t seed : failing_seeds) list << seed << " ";
  INFO("failing seeds: " << list.str());
  CHECK(failing_seeds.empty());

  // Scenarios where nothing happens would pass every check: most contacts
  // must get retried, and both kinds of ending must occur.
  std::ostringstream mix;
  for (const auto& [outcome, number] : outcomes) mix << outcome << " " << number << ", ";
  INFO(contacts << " contacts, " << retried << " retried, " << attempts
                << " attempts; outcomes: " << mix.str());
  CHECK(attempts > contacts);
  CHECK(retried * 4 > contacts);
  CHECK(outcomes["unreachable"] > 0);
  CHECK(outcomes["completed"] > 0);
  WARN(contacts << " contacts, " << retried << " retried, " << attempts
                << " attempts; outcomes: " << mix.str());
}

Instant utc(const char* text) {
  return common::to_instant(*common::parse_local_datetime(text), common::find_zone("UTC"));
}

// A scenario with the same hours every day, for the reference's own tests.
Scenario daily_scenario(const std::string& zone, DayRule rule) {
  Scenario scenario;
  scenario.zone = zone;
  scenario.hours.weekdays.push_back({0, 6, std::move(rule)});
  scenario.calendar.used = "none";
  scenario.retry.attempts = 3;
  scenario.retry.within = 96h;
  return scenario;
}

}  // namespace

TEST_CASE("engine agrees with reference scheduler", "[property]") {
  run_family(Family::agreement, 2500, [](const Scenario& scenario, const EngineRun& run) {
    std::vector<std::string> problems = compare_with_reference(scenario, run);
    for (const std::string& problem : check_invariants(scenario, run)) problems.push_back(problem);
    return problems;
  });
}

TEST_CASE("engine invariants hold with few lines", "[property]") {
  run_family(Family::few_lines, 600, check_invariants);
}

TEST_CASE("engine invariants hold on shared numbers", "[property]") {
  std::size_t shared_attempts = 0;
  run_family(Family::shared_numbers, 600, [&](const Scenario& scenario, const EngineRun& run) {
    shared_attempts += count_shared_call_attempts(scenario, run);
    return check_invariants(scenario, run);
  });

  // Household members are all due at the cycle's first opening, so some of
  // them must have been offered together in one call.
  INFO(shared_attempts << " attempts belong to a call shared with another contact");
  CHECK(shared_attempts > 0);
}

TEST_CASE("generated campaigns compile", "[property]") {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    for (Family family : {Family::agreement, Family::few_lines, Family::shared_numbers}) {
      Scenario scenario = generate_scenario(seed, family);
      EngineRun run = run_engine(scenario);
      INFO(describe_scenario(scenario));
      CHECK(run.error == "");
    }
  }
}

TEST_CASE("reference holidays match known dates", "[property]") {
  struct Case {
    const char* calendar;
    Date day;
    bool holiday;
  };
  using date::year;
  const Case cases[] = {
      {"fr_metropole", year{2019} / 4 / 22, true},        // Easter Monday
      {"fr_metropole", year{2019} / 5 / 30, true},        // Ascension
      {"fr_metropole", year{2019} / 6 / 10, true},        // Whit Monday
      {"fr_metropole", year{2024} / 4 / 1, true},         // Easter Monday
      {"fr_metropole", year{2024} / 3 / 29, false},       // Good Friday
      {"fr_alsace_moselle", year{2024} / 3 / 29, true},   // Good Friday
      {"fr_alsace_moselle", year{2024} / 12 / 26, true},  // St Stephen's Day
      {"fr_metropole", year{2030} / 6 / 10, true},        // Whit Monday
      {"fr_guadeloupe", year{2025} / 5 / 27, true},
      {"fr_martinique", year{2025} / 5 / 22, true},
      {"fr_martinique", year{2025} / 5 / 27, false},
      {"fr_guyane", year{2025} / 6 / 10, true},
      {"fr_reunion", year{2025} / 12 / 20, true},
      {"fr_mayotte", year{2025} / 4 / 27, true},
      {"none", year{2025} / 12 / 25, false},
  };
  for (const Case& c : cases) {
    ScenarioCalendar calendar;
    calendar.used = c.calendar;
    INFO(c.calendar << " " << common::format_date(c.day));
    CHECK(reference_is_holiday(calendar, c.day) == c.holiday);
  }
}

TEST_CASE("reference user calendars override their base", "[property]") {
  using date::year;
  ScenarioCalendar calendar;
  calendar.users.push_back({"local_days", "fr_metropole", {{year{2024} / 5 / 20, false}}});
  calendar.users.push_back(
      {"agent_days", "local_days", {{year{2024} / 5 / 20, true}, {year{2024} / 8 / 14, true}}});

  calendar.used = "local_days";
  CHECK_FALSE(reference_is_holiday(calendar, year{2024} / 5 / 20));
  CHECK(reference_is_holiday(calendar, year{2024} / 5 / 8));

  calendar.used = "agent_days";
  CHECK(reference_is_holiday(calendar, year{2024} / 5 / 20));
  CHECK(reference_is_holiday(calendar, year{2024} / 8 / 14));
  CHECK_FALSE(reference_is_holiday(calendar, year{2024} / 8 / 13));
}

TEST_CASE("reference hours follow clock changes", "[property]") {
  SECTION("Paris spring: an interval starting in the gap opens after it") {
    Scenario scenario = daily_scenario("Europe/Paris", {{150, 240}});  // 02:30-04:00
    scenario.start = utc("2024-03-30T23:00");
    OpenMinutes hours(scenario, date::locate_zone("Europe/Paris"), scenario.start,
                      scenario.start + 48h);
    // 03:00 CEST is 01:00 UTC; local 02:30 does not exist that night.
    CHECK(hours.next_open(scenario.start) == utc("2024-03-31T01:00"));
    CHECK_FALSE(hours.is_open(utc("2024-03-31T02:00")));
  }
  SECTION("Paris autumn: an hour that occurs twice is open twice") {
    Scenario scenario = daily_scenario("Europe/Paris", {{120, 180}});  // 02:00-03:00
    scenario.start = utc("2024-10-26T22:00");
    OpenMinutes hours(scenario, date::locate_zone("Europe/Paris"), scenario.start,
                      scenario.start + 48h);
    CHECK(hours.is_open(utc("2024-10-27T00:30")));
    CHECK(hours.is_open(utc("2024-10-27T01:30")));
    CHECK_FALSE(hours.is_open(utc("2024-10-27T02:00")));
  }
  SECTION("Chatham spring: an interval inside the gap never opens") {
    // Chatham moves from 02:45 to 03:45 on 2024-09-29 (+12:45 to +13:45).
    Scenario scenario = daily_scenario("Pacific/Chatham", {{180, 210}});  // 03:00-03:30
    scenario.start = utc("2024-09-28T12:00");                             // 2024-09-29T00:45 local
    OpenMinutes hours(scenario, date::locate_zone("Pacific/Chatham"), scenario.start,
                      scenario.start + 48h);
    // The next 03:00 is on 30 September, at +13:45: 13:15 UTC on the 29th.
    CHECK(hours.next_open(scenario.start) == utc("2024-09-29T13:15"));
  }
  SECTION("a closed window has no opening") {
    Scenario scenario = daily_scenario("Indian/Reunion", {{540, 600}});  // 09:00-10:00
    scenario.start = utc("2025-01-06T07:00");                            // 11:00 local
    OpenMinutes hours(scenario, date::locate_zone("Indian/Reunion"), scenario.start,
                      scenario.start + 20h);
    CHECK_FALSE(hours.next_open(scenario.start).has_value());
  }
}

TEST_CASE("reference retry decisions follow the rules", "[property]") {
  Scenario scenario = daily_scenario("Europe/Paris", {{540, 1140}});
  scenario.custom_dispositions.push_back({"away", true});
  Instant end = utc("2025-01-06T10:00");

  struct Case {
    const char* name;
    std::optional<RetryLine> otherwise;
    std::map<std::string, RetryLine> on;
    const char* disposition;
    int attempts_made;
    std::optional<Instant> callback_at;
    Decision::Kind kind;
    std::string outcome;
    Instant earliest;
  };
  RetryLine stop{true, 0s};
  RetryLine two_hours{false, 2h};
  const Case cases[] = {
      {"final disposition ends",
       two_hours,
       {},
       "refused",
       1,
       {},
       Decision::Kind::final,
       "refused",
       {}},
      {"custom final ends", two_hours, {}, "away", 1, {}, Decision::Kind::final, "away", {}},
      {"delay is elapsed time",
       two_hours,
       {},
       "no_answer",
       1,
       {},
       Decision::Kind::retry,
       "",
       end + 2h},
      {"cap gives unreachable",
       two_hours,
       {},
       "no_answer",
       3,
       {},
       Decision::Kind::unreachable,
       "",
       {}},
      {"own stop line ends",
       two_hours,
       {{"busy", stop}},
       "busy",
       1,
       {},
       Decision::Kind::final,
       "busy",
       {}},
      {"callback time beats otherwise stop",
       stop,
       {},
       "callback",
       1,
       end + 5h,
       Decision::Kind::retry,
       "",
       end + 5h},
      {"callback time beats own delay",
       stop,
       {{"callback", two_hours}},
       "callback",
       1,
       end + 30min,
       Decision::Kind::retry,
       "",
       end + 30min},
      {"on callback stop ends",
       two_hours,
       {{"callback", stop}},
       "callback",
       1,
       end + 1h,
       Decision::Kind::final,
       "callback",
       {}},
      {"past callback time waits for the end",
       stop,
       {},
       "callback",
       1,
       end - 10min,
       Decision::Kind::retry,
       "",
       end},
      {"callback without time takes otherwise",
       stop,
       {},
       "callback",
       1,
       {},
       Decision::Kind::final,
       "callback",
       {}},
      {"callback without any line retries",
       std::nullopt,
       {},
       "callback",
       1,
       {},
       Decision::Kind::retry,
       "",
       end},
      {"callback time within the cap",
       stop,
       {},
       "callback",
       3,
       end + 1h,
       Decision::Kind::unreachable,
       "",
       {}},
  };
  for (const Case& c : cases) {
    scenario.retry.otherwise = c.otherwise;
    scenario.retry.on = c.on;
    Decision decision =
        decide_after_attempt(scenario, c.disposition, c.attempts_made, end, c.callback_at);
    INFO(c.name);
    CHECK(decision.kind == c.kind);
    if (c.kind == Decision::Kind::final) CHECK(decision.outcome == c.outcome);
    if (c.kind == Decision::Kind::retry) CHECK(decision.earliest == c.earliest);
  }
}

TEST_CASE("invariant check reports each violation", "[property]") {
  Scenario scenario = daily_scenario("Europe/Paris", {{540, 1140}});  // 09:00-19:00
  scenario.retry.attempts = 2;
  scenario.retry.within = 24h;
  scenario.retry.otherwise = RetryLine{false, 2h};
  scenario.start = utc("2025-01-06T08:00");  // 09:00 local
  scenario.lines = 1;
  scenario.contacts = {{"C0", "+33199000000", "", {}}, {"C1", "+33199000000", "", {}}};

  auto attempt = [](const char* contact, int number, const char* start, const char* end) {
    return EngineAttempt{contact, number, utc(start), utc(end), "no_answer", std::nullopt};
  };
  EngineRun run;
  run.attempts = {
      attempt("C0", 1, "2025-01-06T08:00", "2025-01-06T08:10"),
      attempt("C0", 2, "2025-01-06T09:00", "2025-01-06T09:10"),  // before the 2h delay
      attempt("C0", 3, "2025-01-06T20:00", "2025-01-06T20:10"),  // past the cap, closed
      attempt("C1", 1, "2025-01-06T08:05", "2025-01-06T08:20"),  // overlaps C0 on one number
  };
  run.outcomes["C0"] = {{"unreachable", 3}};
  run.outcomes["C1"] = {{"unreachable", 1}};

  std::vector<std::string> problems = check_invariants(scenario, run);
  std::string all;
  for (const std::string& problem : problems) all += problem + "\n";
  INFO(all);
  CHECK_THAT(all, Catch::Contains("C0: 3 attempts, cap 2"));
  CHECK_THAT(all, Catch::Contains("C0 attempt 2: starts at") &&
                      Catch::Contains("before the earliest retry"));
  CHECK_THAT(all, Catch::Contains("C0 attempt 3: starts outside calling hours"));
  CHECK_THAT(all, Catch::Contains("overlaps C1 attempt 1"));
  CHECK_THAT(all, Catch::Contains("2 calls in progress"));
}

// Hidden: prints the scenarios of VIGIE_PROPERTY_SEED, for debugging a seed.
TEST_CASE("print scenarios of one seed", "[.][property]") {
  for (std::uint64_t seed : seeds(1)) {
    for (Family family : {Family::agreement, Family::few_lines, Family::shared_numbers}) {
      WARN(describe_scenario(generate_scenario(seed, family)));
    }
  }
}
