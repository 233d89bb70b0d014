// Scheduling decisions around clock changes and in the overseas zones:
// elapsed retry delays, the elapsed cycle window, callbacks at a requested
// local time, evening activations, and local times that do not exist or
// occur twice.
//
// Europe/Paris changed clocks in 2019 on 31 March (02:00 CET became 03:00
// CEST, at 01:00 UTC) and on 27 October (03:00 CEST became 02:00 CET, at
// 01:00 UTC). America/Guadeloupe (UTC-4) and Indian/Reunion (UTC+4) have no
// daylight saving time.

#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "schedule/calendar.hpp"
#include "schedule/calling_hours.hpp"
#include "schedule/retry.hpp"
#include "schedule/schedule_fixtures.hpp"

namespace vigie::schedule {
namespace {

using std::chrono::hours;
using test::local;
using test::local_text;

// A campaign with its resolved calendar and calling hours in one zone.
// CallingHours keeps pointers into the campaign, so this is never copied.
struct Setup {
  ir::Campaign campaign;
  const date::time_zone* zone;
  HolidayCalendar holidays{campaign.calendar};
  CallingHours calling{campaign.hours, holidays, zone};

  Setup(ir::Campaign campaign_in, const char* zone_name)
      : campaign(std::move(campaign_in)), zone(test::zone(zone_name)) {}
  Setup(const Setup&) = delete;

  CycleWindow window(const char* local_start) const {
    common::Instant begin = local(zone, local_start);
    return CycleWindow{begin, begin + campaign.retry.within};
  }

  // The next step as "final OUTCOME" or the next attempt's local time.
  std::string next(const CycleWindow& window, int attempts_made, std::int32_t disposition,
                   const char* ended_at, std::optional<common::Instant> callback_at) const {
    NextStep step = next_step(campaign, calling, window, attempts_made, disposition,
                              local(zone, ended_at), callback_at);
    if (step.final) return "final " + campaign.dispositions[step.outcome].name;
    return local_text(step.next_attempt, zone);
  }

  std::string first(const char* local_start) const {
    std::optional<common::Instant> found = first_attempt(calling, window(local_start));
    return found ? local_text(*found, zone) : "none";
  }
};

// `attempts 4 within 48h, otherwise after 20h` under paris_hours().
ir::Campaign twenty_hour_campaign() {
  ir::RetryPolicy policy;
  policy.name = "twenty_hours";
  policy.attempts = 4;
  policy.within = hours{48};
  policy.otherwise = test::after(hours{20});
  return test::make_campaign(policy);
}

TEST_CASE("retry delay is elapsed across clock changes", "[schedule][timezone]") {
  struct Case {
    const char* window_start;
    const char* ended_at;
    const char* expected;
  };
  const Case cases[] = {
      // Spring: 14:00 CET + 20 h is 11:00 CEST the next day (19 wall-clock hours).
      {"2019-03-30T10:00", "2019-03-30T14:00", "2019-03-31T11:00:00+02:00"},
      // Spring: 22:30 CET + 20 h is 19:30 CEST, closed; rolled to Monday.
      {"2019-03-30T10:00", "2019-03-30T22:30", "2019-04-01T09:00:00+02:00"},
      // Autumn: 15:00 CEST + 20 h is 10:00 CET (21 wall-clock hours).
      {"2019-10-26T10:00", "2019-10-26T15:00", "2019-10-27T10:00:00+01:00"},
      // Autumn: 14:00 CEST + 20 h is 09:00 CET, before Sunday's 10:00 opening.
      {"2019-10-26T10:00", "2019-10-26T14:00", "2019-10-27T10:00:00+01:00"},
      // Autumn: 16:30 CEST + 20 h is 11:30 CET.
      {"2019-10-26T10:00", "2019-10-26T16:30", "2019-10-27T11:30:00+01:00"},
  };
  Setup paris(twenty_hour_campaign(), "Europe/Paris");
  for (const Case& c : cases) {
    CAPTURE(c.ended_at);
    CHECK(paris.next(paris.window(c.window_start), 1, ir::kNoAnswer, c.ended_at, std::nullopt) ==
          c.expected);
  }

  // Where no roll is needed, the retry is exactly 20 elapsed hours later.
  for (const Case& c : {cases[0], cases[4]}) {
    CAPTURE(c.ended_at);
    common::Instant end = local(paris.zone, c.ended_at);
    NextStep step = next_step(paris.campaign, paris.calling, paris.window(c.window_start), 1,
                              ir::kNoAnswer, end, std::nullopt);
    REQUIRE_FALSE(step.final);
    CHECK(step.next_attempt - end == hours{20});
  }
}

TEST_CASE("cycle window is 48 elapsed hours", "[schedule][timezone]") {
  Setup paris(test::make_campaign(test::standard_retry()), "Europe/Paris");

  // Autumn: Saturday 10:00 CEST + 48 h is Monday 09:00 CET, so Monday's
  // 09:00 opening is already past the window.
  CycleWindow autumn = paris.window("2019-10-26T10:00");
  CHECK(local_text(autumn.end, paris.zone) == "2019-10-28T09:00:00+01:00");
  CHECK(paris.next(autumn, 1, ir::kNoAnswer, "2019-10-27T18:30", std::nullopt) ==
        "final unreachable");

  // Spring: Saturday 10:00 CET + 48 h is Monday 11:00 CEST, so Monday's
  // 09:00 opening is inside the window and 10:59:59 is its last start.
  CycleWindow spring = paris.window("2019-03-30T10:00");
  CHECK(local_text(spring.end, paris.zone) == "2019-04-01T11:00:00+02:00");
  CHECK(paris.next(spring, 1, ir::kNoAnswer, "2019-03-31T18:30", std::nullopt) ==
        "2019-04-01T09:00:00+02:00");
  CHECK(paris.next(spring, 1, ir::kNoAnswer, "2019-04-01T08:59:59", std::nullopt) ==
        "2019-04-01T10:59:59+02:00");
  CHECK(paris.next(spring, 1, ir::kNoAnswer, "2019-04-01T09:00", std::nullopt) ==
        "final unreachable");
}

TEST_CASE("callback keeps requested local time", "[schedule][timezone]") {
  // On Saturday afternoon the person requests a call to be called at 15:00 the next
  // day. The dialer turns that wall-clock time into an instant in the
  // contact's zone, after the clock change, and the engine keeps it.
  Setup paris(test::make_campaign(test::standard_retry()), "Europe/Paris");
  test::set_retry(paris.campaign, "callback", test::after(hours{24}));
  struct Case {
    const char* window_start;
    const char* ended_at;
    const char* callback_local;  // nullptr: no time given, the 24 h delay applies
    const char* expected;
  };
  const Case cases[] = {
      {"2019-10-26T10:00", "2019-10-26T15:00", "2019-10-27T15:00", "2019-10-27T15:00:00+01:00"},
      {"2019-03-30T10:00", "2019-03-30T15:00", "2019-03-31T15:00", "2019-03-31T15:00:00+02:00"},
      // Without a requested time the delay is elapsed, so the wall clock moves.
      {"2019-10-26T10:00", "2019-10-26T15:00", nullptr, "2019-10-27T14:00:00+01:00"},
      {"2019-03-30T10:00", "2019-03-30T15:00", nullptr, "2019-03-31T16:00:00+02:00"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.ended_at, c.callback_local ? c.callback_local : "-");
    std::optional<common::Instant> callback_at;
    if (c.callback_local) callback_at = local(paris.zone, c.callback_local);
    CHECK(paris.next(paris.window(c.window_start), 1, ir::kCallback, c.ended_at, callback_at) ==
          c.expected);
  }

  // The same wall-clock request in the overseas zones, which have no change.
  Setup guadeloupe(test::make_campaign(test::standard_retry()), "America/Guadeloupe");
  CHECK(guadeloupe.next(guadeloupe.window("2019-10-26T10:00"), 1, ir::kCallback, "2019-10-26T15:00",
                        local(guadeloupe.zone, "2019-10-27T15:00")) == "2019-10-27T15:00:00-04:00");
  Setup reunion(test::make_campaign(test::standard_retry()), "Indian/Reunion");
  CHECK(reunion.next(reunion.window("2019-10-26T10:00"), 1, ir::kCallback, "2019-10-26T15:00",
                     local(reunion.zone, "2019-10-27T15:00")) == "2019-10-27T15:00:00+04:00");
}

TEST_CASE("evening activation starts at next local opening", "[schedule][timezone]") {
  // 2019-06-10 is Whit Monday and 2019-04-22 Easter Monday.
  struct Case {
    const char* zone;
    const char* start;  // local
    const char* expected;
  };
  const Case cases[] = {
      {"Europe/Paris", "2019-06-28T21:30", "2019-06-29T10:00:00+02:00"},  // Friday evening
      {"Europe/Paris", "2019-06-08T21:30", "2019-06-09T10:00:00+02:00"},  // before Whit Monday
      {"Europe/Paris", "2019-06-24T19:00", "2019-06-25T09:00:00+02:00"},  // at closing time
      {"Europe/Paris", "2019-06-24T23:59:59", "2019-06-25T09:00:00+02:00"},
      {"Europe/Paris", "2019-03-30T21:30",
       "2019-03-31T10:00:00+02:00"},  // the night clocks go forward
      {"Europe/Paris", "2019-10-26T21:30",
       "2019-10-27T10:00:00+01:00"},  // the night clocks go back
      // Local evening is already the next day in UTC (01:30Z Saturday).
      {"America/Guadeloupe", "2019-06-28T21:30", "2019-06-29T10:00:00-04:00"},
      // Local Saturday 10:00 is 06:00Z, before any Paris opening.
      {"Indian/Reunion", "2019-06-28T21:30", "2019-06-29T10:00:00+04:00"},
      // Local Monday 01:00 is still Sunday 21:00Z.
      {"Indian/Reunion", "2019-06-24T01:00", "2019-06-24T09:00:00+04:00"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.zone, c.start);
    Setup setup(test::make_campaign(test::standard_retry()), c.zone);
    CHECK(setup.first(c.start) == c.expected);
  }
}

TEST_CASE("evening activation before holiday Monday", "[schedule][timezone]") {
  // Saturday 2019-06-08 21:30, before Whit Monday, with weekday hours only.
  ir::Campaign weekdays = test::make_campaign(test::standard_retry());
  weekdays.hours = test::weekly_hours("09:00-19:00", "closed");
  weekdays.retry.within = hours{96};

  // A holiday with no `holiday` line keeps its weekday rule.
  Setup keeps_monday(weekdays, "Europe/Paris");
  CHECK(keeps_monday.first("2019-06-08T21:30") == "2019-06-10T09:00:00+02:00");

  // `holiday closed` moves the first call to Tuesday, not a week later.
  weekdays.hours.holiday = test::day("closed");
  Setup closed_on_holiday(weekdays, "Europe/Paris");
  CHECK(closed_on_holiday.first("2019-06-08T21:30") == "2019-06-11T09:00:00+02:00");
  CHECK(closed_on_holiday.first("2019-04-20T21:30") == "2019-04-23T09:00:00+02:00");

  // `holiday 10:00-19:00` opens Monday late.
  weekdays.hours.holiday = test::day("10:00-19:00");
  Setup late_on_holiday(weekdays, "Europe/Paris");
  CHECK(late_on_holiday.first("2019-04-20T21:30") == "2019-04-22T10:00:00+02:00");

  // With a 48-hour window the Tuesday opening is too late.
  weekdays.hours.holiday = test::day("closed");
  weekdays.retry.within = hours{48};
  Setup short_window(weekdays, "Europe/Paris");
  CHECK(short_window.first("2019-06-08T21:30") == "none");
}

TEST_CASE("one campaign in three zones", "[schedule][timezone]") {
  // The same hours and calendar read on each contact's own wall clock.
  ir::Campaign campaign = test::make_campaign(test::standard_retry());
  Setup paris(campaign, "Europe/Paris");
  Setup guadeloupe(campaign, "America/Guadeloupe");
  Setup reunion(campaign, "Indian/Reunion");
  const date::time_zone* utc = test::zone("UTC");

  struct Case {
    const char* utc_time;
    bool paris_open;
    bool guadeloupe_open;
    bool reunion_open;
  };
  const Case cases[] = {
      // Monday 2019-06-24.
      {"2019-06-24T05:00", false, false, true},   // 07:00, 01:00, 09:00 local
      {"2019-06-24T07:00", true, false, true},    // 09:00, 03:00, 11:00
      {"2019-06-24T13:00", true, true, true},     // 15:00, 09:00, 17:00
      {"2019-06-24T15:00", true, true, false},    // 17:00, 11:00, 19:00
      {"2019-06-24T17:00", false, true, false},   // 19:00, 13:00, 21:00
      {"2019-06-24T22:59", false, true, false},   // 00:59, 18:59, 02:59
      {"2019-06-24T23:00", false, false, false},  // 01:00, 19:00, 03:00
  };
  for (const Case& c : cases) {
    CAPTURE(c.utc_time);
    common::Instant t = local(utc, c.utc_time);
    CHECK(paris.calling.is_open(t) == c.paris_open);
    CHECK(guadeloupe.calling.is_open(t) == c.guadeloupe_open);
    CHECK(reunion.calling.is_open(t) == c.reunion_open);
  }

  // One activation instant, three local first calls.
  CycleWindow window{local(utc, "2019-06-24T05:00"), local(utc, "2019-06-26T05:00")};
  CHECK(local_text(*first_attempt(paris.calling, window), paris.zone) ==
        "2019-06-24T09:00:00+02:00");
  CHECK(local_text(*first_attempt(guadeloupe.calling, window), guadeloupe.zone) ==
        "2019-06-24T09:00:00-04:00");
  CHECK(local_text(*first_attempt(reunion.calling, window), reunion.zone) ==
        "2019-06-24T09:00:00+04:00");
}

// A night service, so that openings and callbacks can fall in the changed hour.
ir::Campaign night_campaign(const char* intervals) {
  ir::Campaign campaign = test::make_campaign(test::standard_retry());
  campaign.hours = test::weekly_hours(intervals, intervals);
  campaign.calendar.base = ir::BuiltinCalendar::none;
  return campaign;
}

TEST_CASE("opening at nonexistent or repeated time", "[schedule][timezone]") {
  Setup night(night_campaign("02:30-05:00"), "Europe/Paris");
  const date::time_zone* utc = test::zone("UTC");
  struct Case {
    const char* utc_start;
    const char* expected;
  };
  const Case cases[] = {
      // 02:30 does not exist on 31 March: the interval opens at 03:00 CEST.
      {"2019-03-30T23:00", "2019-03-31T03:00:00+02:00"},
      // 02:30 occurs twice on 27 October: the first one opens the interval.
      {"2019-10-26T23:00", "2019-10-27T02:30:00+02:00"},
      // After the clocks go back, 02:00-02:30 CET is closed again, and the
      // second 02:30 opens the interval once more.
      {"2019-10-27T01:05", "2019-10-27T02:30:00+01:00"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.utc_start);
    common::Instant start = local(utc, c.utc_start);
    std::optional<common::Instant> first =
        first_attempt(night.calling, CycleWindow{start, start + hours{48}});
    REQUIRE(first.has_value());
    CHECK(local_text(*first, night.zone) == c.expected);
  }
}

TEST_CASE("callback at nonexistent or repeated time", "[schedule][timezone]") {
  // common::to_instant is how a wall-clock request becomes an instant: a
  // time in the gap maps to the end of the gap, a repeated time to its first
  // occurrence.
  Setup night(night_campaign("00:00-24:00"), "Europe/Paris");
  struct Case {
    const char* window_start;
    const char* ended_at;
    const char* callback_local;
    const char* expected;
  };
  const Case cases[] = {
      {"2019-03-30T22:00", "2019-03-30T23:00", "2019-03-31T02:30", "2019-03-31T03:00:00+02:00"},
      {"2019-10-26T22:00", "2019-10-26T23:00", "2019-10-27T02:30", "2019-10-27T02:30:00+02:00"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.callback_local);
    CHECK(night.next(night.window(c.window_start), 1, ir::kCallback, c.ended_at,
                     local(night.zone, c.callback_local)) == c.expected);
  }

  // requested_callback() resolves a repeated time against the moment of the
  // request. Before the first 02:30 it is the first one, and during the
  // repeated hour after the first 02:30 it is the second one.
  const date::time_zone* utc = test::zone("UTC");
  struct Request {
    const char* request_utc;
    const char* requested_local;
    const char* expected;
  };
  const Request requests[] = {
      {"2019-10-27T00:10", "2019-10-27T02:30",
       "2019-10-27T02:30:00+02:00"},  // requested at 02:10 CEST
      {"2019-10-27T01:10", "2019-10-27T02:30",
       "2019-10-27T02:30:00+01:00"},  // requested at 02:10 CET
      {"2019-10-27T01:29", "2019-10-27T02:30",
       "2019-10-27T02:30:00+01:00"},  // requested at 02:29 CET
      {"2019-10-27T01:10", "2019-10-27T02:05", "2019-10-27T02:05:00+02:00"},  // both passed
      {"2019-03-30T23:00", "2019-03-31T02:30", "2019-03-31T03:00:00+02:00"},  // in the gap
      {"2019-03-31T01:30", "2019-03-31T02:30", "2019-03-31T03:00:00+02:00"},
      {"2019-06-24T08:00", "2019-06-24T15:00", "2019-06-24T15:00:00+02:00"},  // no change
  };
  for (const Request& r : requests) {
    CAPTURE(r.request_utc, r.requested_local);
    std::optional<common::LocalTime> requested = common::parse_local_datetime(r.requested_local);
    REQUIRE(requested.has_value());
    common::Instant resolved =
        requested_callback(*requested, night.zone, local(utc, r.request_utc));
    CHECK(local_text(resolved, night.zone) == r.expected);
  }

  // Through next_step, the second 02:30 is kept as requested, and a time that
  // has passed both times is never scheduled before the attempt ended.
  CycleWindow window = night.window("2019-10-26T22:00");
  common::Instant ended_at = local(utc, "2019-10-27T01:10");  // 02:10 CET
  std::optional<common::LocalTime> half_past = common::parse_local_datetime("2019-10-27T02:30");
  REQUIRE(half_past.has_value());
  NextStep second = next_step(night.campaign, night.calling, window, 1, ir::kCallback, ended_at,
                              requested_callback(*half_past, night.zone, ended_at));
  REQUIRE_FALSE(second.final);
  CHECK(local_text(second.next_attempt, night.zone) == "2019-10-27T02:30:00+01:00");

  NextStep passed = next_step(night.campaign, night.calling, window, 1, ir::kCallback, ended_at,
                              local(night.zone, "2019-10-27T02:05"));
  REQUIRE_FALSE(passed.final);
  CHECK(local_text(passed.next_attempt, night.zone) == "2019-10-27T02:10:00+01:00");

  // Under day hours, a callback in the gap rolls to the opening like any other.
  Setup day(test::make_campaign(test::standard_retry()), "Europe/Paris");
  CHECK(day.next(day.window("2019-03-30T10:00"), 1, ir::kCallback, "2019-03-30T18:00",
                 local(day.zone, "2019-03-31T02:30")) == "2019-03-31T10:00:00+02:00");
}

}  // namespace
}  // namespace vigie::schedule
