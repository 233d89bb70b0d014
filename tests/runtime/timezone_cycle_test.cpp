// The cycle runner with contacts in several time zones (`timezone from`)
// and across the 2019 clock changes of Europe/Paris (31 March, 27 October).
// Local times are checked with date/tz directly, not with CallingHours.

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "check/compiler.hpp"
#include "runtime/cycle.hpp"
#include "runtime/roster.hpp"
#include "schedule/retry.hpp"

using namespace vigie;
using namespace std::chrono_literals;

namespace {

// RETRY is replaced by each test's retry block.
const char* kCampaignTemplate = R"(
campaign zones {
  timezone "Europe/Paris"
  calendar fr_metropole
  source s {
    id    text key
    phone phone
    tz    text optional
  }
  timezone from tz
  hours {
    mon-fri 09:00-19:00
    sat-sun 10:00-19:00
    holiday 10:00-19:00
  }
  retry {
    RETRY
  }
  script {
    ask ok "Ça va ?" yes_no
  }
}
)";

struct Compiled {
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module;
  const ir::Campaign& campaign() const { return module.campaigns.front(); }
};

std::unique_ptr<Compiled> compile(const std::string& retry) {
  std::string text = kCampaignTemplate;
  text.replace(text.find("RETRY"), 5, retry);

  auto compiled = std::make_unique<Compiled>();
  compiled->module =
      check::compile_text("zones.vigie", text, compiled->sources, compiled->diagnostics);
  REQUIRE_FALSE(compiled->diagnostics.has_errors());
  REQUIRE(compiled->module.campaigns.size() == 1);
  return compiled;
}

// One row per zone name ("" leaves the contact in the campaign's zone);
// contact ids are C0, C1, ... and every number is distinct.
ImportResult rows(const std::vector<std::string>& zones) {
  ImportResult import;
  for (std::size_t i = 0; i < zones.size(); ++i) {
    Row row;
    row.row_number = i + 2;
    row.values = {"C" + std::to_string(i), "+3319900" + std::to_string(1000 + i), zones[i]};
    import.rows.push_back(row);
  }
  return import;
}

class ScriptedDialer final : public Dialer {
 public:
  explicit ScriptedDialer(std::function<CallResult(const CallRequest&)> answer)
      : answer_(std::move(answer)) {}
  CallResult call(const CallRequest& request) override { return answer_(request); }

 private:
  std::function<CallResult(const CallRequest&)> answer_;
};

class RecordingSink final : public runtime::CycleSink {
 public:
  void attempt(const runtime::AttemptEvent& event) override {
    attempts[event.contact].push_back(event);
  }
  void outcome(const runtime::OutcomeEvent& event) override {
    outcomes[event.contact] = event.outcome;
  }
  std::map<std::size_t, std::vector<runtime::AttemptEvent>> attempts;  // contact -> in order
  std::map<std::size_t, std::int32_t> outcomes;
};

CallResult unanswered(const char* disposition, std::chrono::seconds duration) {
  CallResult result;
  result.disposition = disposition;
  result.duration = duration;
  return result;
}

CallResult completed() {
  CallResult result;
  result.disposition = "completed";
  result.duration = 3min;
  result.talk = 3min;
  result.answers = {{"ok", {"yes"}}};
  return result;
}

const date::time_zone* zone(const char* name) {
  const date::time_zone* found = common::find_zone(name);
  REQUIRE(found != nullptr);
  return found;
}

common::Instant at(const char* zone_name, const char* local_text) {
  std::optional<common::LocalTime> local = common::parse_local_datetime(local_text);
  REQUIRE(local.has_value());
  return common::to_instant(*local, zone(zone_name));
}

// Whether `t` is inside the template's hours on the wall clock of `zone`,
// for dates with no public holiday.
bool inside_hours(common::Instant t, const date::time_zone* zone) {
  common::LocalTime local = zone->to_local(t);
  date::local_days day = date::floor<date::days>(local);
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
  bool weekend = date::weekday{day} == date::Saturday || date::weekday{day} == date::Sunday;
  int opening = weekend ? 10 * 60 : 9 * 60;
  return opening <= minutes && minutes < 19 * 60;
}

struct Run {
  std::unique_ptr<Compiled> compiled;
  eval::CompiledCampaign program;
  runtime::Roster roster;
  RecordingSink sink;
  runtime::CycleStats stats;

  Run(std::unique_ptr<Compiled> compiled_in, const std::vector<std::string>& zones,
      common::Instant start, std::function<CallResult(const CallRequest&)> answer)
      : compiled(std::move(compiled_in)),
        program(compiled->campaign()),
        roster(compiled->campaign(), program, rows(zones), zone("Europe/Paris"), start, 1) {
    ScriptedDialer dialer(std::move(answer));
    runtime::VirtualClock clock(start);
    stats = runtime::run_cycle(compiled->campaign(), program, roster, dialer,
                               {1, start, std::nullopt}, clock, sink);
  }

  // The local start times of a contact's attempts, in order.
  std::vector<std::string> starts(std::size_t contact) {
    std::vector<std::string> text;
    for (const runtime::AttemptEvent& event : sink.attempts[contact]) {
      text.push_back(common::format_local_iso(event.start, roster.contact(contact).zone));
    }
    return text;
  }
};

}  // namespace

TEST_CASE("cycle calls each zone in its own hours", "[runtime][timezone]") {
  // Monday 2019-06-24 05:00 UTC: 07:00 in Paris, 01:00 in Guadeloupe, 09:00
  // in Reunion. The last contact has no zone and stays in Europe/Paris.
  common::Instant start = at("UTC", "2019-06-24T05:00");
  Run run(compile("attempts 4 within 48h\n otherwise after 2h"),
          {"Europe/Paris", "America/Guadeloupe", "Indian/Reunion", ""}, start,
          [](const CallRequest&) { return unanswered("no_answer", 30s); });

  CHECK(run.roster.contact(1).zone == zone("America/Guadeloupe"));
  CHECK(run.roster.contact(2).zone == zone("Indian/Reunion"));
  CHECK(run.roster.contact(3).zone == zone("Europe/Paris"));

  using Starts = std::vector<std::string>;
  CHECK(run.starts(0) == Starts{"2019-06-24T09:00:00+02:00", "2019-06-24T11:00:30+02:00",
                                "2019-06-24T13:01:00+02:00", "2019-06-24T15:01:30+02:00"});
  CHECK(run.starts(1) == Starts{"2019-06-24T09:00:00-04:00", "2019-06-24T11:00:30-04:00",
                                "2019-06-24T13:01:00-04:00", "2019-06-24T15:01:30-04:00"});
  CHECK(run.starts(2) == Starts{"2019-06-24T09:00:00+04:00", "2019-06-24T11:00:30+04:00",
                                "2019-06-24T13:01:00+04:00", "2019-06-24T15:01:30+04:00"});
  CHECK(run.starts(3) == run.starts(0));

  for (const auto& [contact, attempts] : run.sink.attempts) {
    for (const runtime::AttemptEvent& event : attempts) {
      CAPTURE(contact, event.attempt);
      CHECK(inside_hours(event.start, run.roster.contact(contact).zone));
    }
    CHECK(run.sink.outcomes.at(contact) == ir::kUnreachable);
  }
}

TEST_CASE("cycle evening activation opens per zone", "[runtime][timezone]") {
  // Friday 2019-06-28 21:30 in Paris is 15:30 in Guadeloupe (open) and
  // 23:30 in Reunion (closed until Saturday 10:00).
  common::Instant start = at("Europe/Paris", "2019-06-28T21:30");
  Run run(compile("attempts 1 within 48h\n otherwise stop"),
          {"Europe/Paris", "America/Guadeloupe", "Indian/Reunion"}, start,
          [](const CallRequest&) { return completed(); });

  CHECK(run.starts(0) == std::vector<std::string>{"2019-06-29T10:00:00+02:00"});
  CHECK(run.starts(1) == std::vector<std::string>{"2019-06-28T15:30:00-04:00"});
  CHECK(run.starts(2) == std::vector<std::string>{"2019-06-29T10:00:00+04:00"});
  REQUIRE(run.stats.first_call_at.has_value());
  CHECK(*run.stats.first_call_at == start);
}

TEST_CASE("cycle evening activation before clock change", "[runtime][timezone]") {
  struct Case {
    const char* start;  // Saturday evening, Paris
    const char* expected;
  };
  const Case cases[] = {
      {"2019-03-30T21:30", "2019-03-31T10:00:00+02:00"},
      {"2019-10-26T21:30", "2019-10-27T10:00:00+01:00"},
      // Saturday before Whit Monday: Sunday opens at 10:00, not a week later.
      {"2019-06-08T21:30", "2019-06-09T10:00:00+02:00"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.start);
    Run run(compile("attempts 1 within 48h\n otherwise stop"), {"Europe/Paris"},
            at("Europe/Paris", c.start), [](const CallRequest&) { return completed(); });
    CHECK(run.starts(0) == std::vector<std::string>{c.expected});
  }
}

TEST_CASE("cycle retry after 20h across clock changes", "[runtime][timezone]") {
  // Each retry is 20 elapsed hours after the 60-second call ended, rolled
  // into hours; the window is 48 elapsed hours from the start.
  struct Case {
    const char* start;
    const char* window_end;
    std::vector<std::string> starts;
  };
  const Case cases[] = {
      // 20 h after Saturday 10:01 CEST is Sunday 05:01 CET: Sunday 10:00.
      // 20 h after that call is Monday 06:01 CET; Monday's 09:00 opening is
      // the window end itself, so no third attempt.
      {"2019-10-26T10:00",
       "2019-10-28T09:00:00+01:00",
       {"2019-10-26T10:00:00+02:00", "2019-10-27T10:00:00+01:00"}},
      // 20 h after Saturday 10:01 CET is Sunday 07:01 CEST: Sunday 10:00.
      // Then Monday 06:01 CEST rolls to 09:00, before the 11:00 CEST end.
      {"2019-03-30T10:00",
       "2019-04-01T11:00:00+02:00",
       {"2019-03-30T10:00:00+01:00", "2019-03-31T10:00:00+02:00", "2019-04-01T09:00:00+02:00"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.start);
    Run run(compile("attempts 4 within 48h\n otherwise after 20h"), {"Europe/Paris"},
            at("Europe/Paris", c.start),
            [](const CallRequest&) { return unanswered("no_answer", 60s); });
    CHECK(common::format_local_iso(run.stats.window_end, zone("Europe/Paris")) == c.window_end);
    CHECK(run.starts(0) == c.starts);
    CHECK(run.sink.outcomes.at(0) == ir::kUnreachable);
  }
}

TEST_CASE("cycle callback keeps local time across change", "[runtime][timezone]") {
  // On Saturday 2019-10-26 each person requests a callback on Sunday at
  // 15:00 on their own wall clock. The in-test dialer, like an agent desk,
  // turns that request into an instant in the contact's zone.
  const std::map<std::string, const date::time_zone*> zone_of = {
      {"C0", zone("Europe/Paris")},
      {"C1", zone("America/Guadeloupe")},
      {"C2", zone("Indian/Reunion")},
  };
  auto answer = [&zone_of](const CallRequest& request) {
    if (request.attempt > 1) return completed();

    CallResult result = unanswered("callback", 2min);
    result.talk = 1min;
    common::LocalTime sunday_three_pm = *common::parse_local_datetime("2019-10-27T15:00");
    result.callback_at = schedule::requested_callback(
        sunday_three_pm, zone_of.at(request.contact_id), request.start + result.duration);
    return result;
  };
  common::Instant start = at("UTC", "2019-10-26T12:00");
  Run run(compile("attempts 4 within 48h\n on callback after 24h\n otherwise after 2h"),
          {"Europe/Paris", "America/Guadeloupe", "Indian/Reunion"}, start, answer);

  REQUIRE(run.sink.attempts[0].size() == 2);
  CHECK(run.starts(0)[1] == "2019-10-27T15:00:00+01:00");
  REQUIRE(run.sink.attempts[1].size() == 2);
  CHECK(run.starts(1)[1] == "2019-10-27T15:00:00-04:00");
  REQUIRE(run.sink.attempts[2].size() == 2);
  CHECK(run.starts(2)[1] == "2019-10-27T15:00:00+04:00");
  for (std::size_t contact = 0; contact < 3; ++contact) {
    CHECK(run.sink.outcomes.at(contact) == ir::kCompleted);
  }
}
