#include "schedule/calling_hours.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "schedule/schedule_fixtures.hpp"

namespace vigie::schedule {
namespace {

using test::civil;
using test::day;
using test::local;
using test::local_text;
using test::weekly_hours;

// Hours, calendar and zone bundled, since CallingHours keeps pointers to all three.
struct Setup {
  ir::Hours hours;
  ir::Calendar calendar;
  const date::time_zone* zone;
  HolidayCalendar holidays{calendar};
  CallingHours calling{hours, holidays, zone};

  Setup(ir::Hours hours_in, ir::BuiltinCalendar base, const char* zone_name)
      : hours(std::move(hours_in)), calendar{"", base, {}, {}}, zone(test::zone(zone_name)) {}
  Setup(const Setup&) = delete;

  std::string next_open_text(common::Instant from) const {
    std::optional<common::Instant> next = calling.next_open(from);
    return next ? local_text(*next, zone) : "none";
  }
};

ir::Hours every_day(std::string_view intervals) {
  return weekly_hours(intervals, intervals);
}

struct NextOpenCase {
  const char* from;  // local wall-clock time
  const char* expected;
};

void check_next_open(const Setup& setup, const std::vector<NextOpenCase>& cases) {
  for (const NextOpenCase& c : cases) {
    CAPTURE(c.from);
    CHECK(setup.next_open_text(local(setup.zone, c.from)) == c.expected);
  }
}

TEST_CASE("next_open rolls over to next interval", "[schedule][hours]") {
  Setup paris(test::paris_hours(), ir::BuiltinCalendar::fr_metropole, "Europe/Paris");
  check_next_open(paris, {
                             {"2019-06-24T08:00", "2019-06-24T09:00:00+02:00"},  // Monday
                             {"2019-06-24T10:15", "2019-06-24T10:15:00+02:00"},
                             {"2019-06-24T18:59:59", "2019-06-24T18:59:59+02:00"},
                             {"2019-06-24T19:00", "2019-06-25T09:00:00+02:00"},
                             {"2019-06-24T19:30", "2019-06-25T09:00:00+02:00"},
                             {"2019-06-28T19:30", "2019-06-29T10:00:00+02:00"},  // Friday
                             {"2019-06-29T08:00", "2019-06-29T10:00:00+02:00"},  // Saturday
                             {"2019-06-30T19:00", "2019-07-01T09:00:00+02:00"},  // Sunday
                             {"2019-12-31T23:59", "2020-01-01T10:00:00+01:00"},
                         });
}

TEST_CASE("next_open skips lunch and closed days", "[schedule][hours]") {
  Setup lunch(weekly_hours("09:00-12:30, 14:00-19:00", "closed"), ir::BuiltinCalendar::none,
              "Europe/Paris");
  check_next_open(lunch, {
                             {"2019-06-24T12:29:59", "2019-06-24T12:29:59+02:00"},
                             {"2019-06-24T12:30", "2019-06-24T14:00:00+02:00"},
                             {"2019-06-24T13:00", "2019-06-24T14:00:00+02:00"},
                             {"2019-06-24T14:00", "2019-06-24T14:00:00+02:00"},
                             {"2019-06-28T19:00", "2019-07-01T09:00:00+02:00"},
                             {"2019-06-29T11:00", "2019-07-01T09:00:00+02:00"},
                         });
}

TEST_CASE("next_open uses holiday rule", "[schedule][hours]") {
  Setup paris(test::paris_hours(), ir::BuiltinCalendar::fr_metropole, "Europe/Paris");
  check_next_open(paris, {
                             {"2019-08-14T19:30", "2019-08-15T10:00:00+02:00"},  // Thursday
                             {"2019-08-15T09:30", "2019-08-15T10:00:00+02:00"},
                             {"2019-05-29T20:00", "2019-05-30T10:00:00+02:00"},  // Ascension
                             {"2019-07-13T19:30", "2019-07-14T10:00:00+02:00"},  // Sunday
                         });
}

TEST_CASE("holiday without rule keeps weekday hours", "[schedule][hours]") {
  Setup weekdays(weekly_hours("09:00-19:00", "closed"), ir::BuiltinCalendar::fr_metropole,
                 "Europe/Paris");
  check_next_open(weekdays, {
                                {"2019-08-15T08:00", "2019-08-15T09:00:00+02:00"},
                                {"2019-07-13T12:00", "2019-07-15T09:00:00+02:00"},
                            });
}

TEST_CASE("single-date rule overrides others", "[schedule][hours]") {
  ir::Hours hours = test::paris_hours();
  hours.dates[civil("2019-12-24")] = day("09:00-16:00");
  hours.dates[civil("2019-08-15")] = day("closed");
  hours.dates[civil("2019-06-30")] = day("12:00-14:00");
  Setup paris(std::move(hours), ir::BuiltinCalendar::fr_metropole, "Europe/Paris");

  check_next_open(paris, {
                             {"2019-12-24T15:59:59", "2019-12-24T15:59:59+01:00"},
                             {"2019-12-24T16:00", "2019-12-25T10:00:00+01:00"},
                             {"2019-08-15T08:00", "2019-08-16T09:00:00+02:00"},
                             {"2019-06-30T09:00", "2019-06-30T12:00:00+02:00"},
                             {"2019-06-30T14:00", "2019-07-01T09:00:00+02:00"},
                         });
  CHECK(paris.calling.day_hours(civil("2019-08-15")).intervals.empty());
}

TEST_CASE("is_open excludes interval end", "[schedule][hours]") {
  Setup paris(test::paris_hours(), ir::BuiltinCalendar::fr_metropole, "Europe/Paris");
  struct Case {
    const char* at;
    bool open;
  };
  const Case cases[] = {
      {"2019-06-24T08:59:59", false}, {"2019-06-24T09:00", true},  {"2019-06-24T18:59:59", true},
      {"2019-06-24T19:00", false},    {"2019-06-29T09:30", false}, {"2019-06-29T10:00", true},
      {"2019-08-15T09:30", false},    {"2019-08-15T10:00", true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.at);
    CHECK(paris.calling.is_open(local(paris.zone, c.at)) == c.open);
  }
}

TEST_CASE("hours stay local across clock changes", "[schedule][hours]") {
  Setup paris(every_day("09:00-19:00"), ir::BuiltinCalendar::none, "Europe/Paris");
  check_next_open(paris, {
                             {"2019-03-31T00:00", "2019-03-31T09:00:00+02:00"},
                             {"2019-03-30T19:00", "2019-03-31T09:00:00+02:00"},
                             {"2019-03-31T19:00", "2019-04-01T09:00:00+02:00"},
                             {"2019-10-27T00:00", "2019-10-27T09:00:00+01:00"},
                             {"2019-10-26T19:00", "2019-10-27T09:00:00+01:00"},
                             {"2019-10-27T19:00", "2019-10-28T09:00:00+01:00"},
                         });
  const date::time_zone* utc = test::zone("UTC");
  CHECK(*paris.calling.next_open(local(utc, "2019-03-31T00:00")) == local(utc, "2019-03-31T07:00"));
  CHECK(*paris.calling.next_open(local(utc, "2019-10-27T00:00")) == local(utc, "2019-10-27T08:00"));
  CHECK(paris.calling.is_open(local(paris.zone, "2019-10-27T18:59:59")));
  CHECK_FALSE(paris.calling.is_open(local(paris.zone, "2019-10-27T19:00")));
}

TEST_CASE("spring gap start opens after gap", "[schedule][hours]") {
  // On 2019-03-31 Paris clocks jump from 02:00 to 03:00.
  Setup night(every_day("02:30-04:00"), ir::BuiltinCalendar::none, "Europe/Paris");
  check_next_open(night, {
                             {"2019-03-31T01:00", "2019-03-31T03:00:00+02:00"},
                             {"2019-03-30T05:00", "2019-03-31T03:00:00+02:00"},
                             {"2019-03-31T03:59:59", "2019-03-31T03:59:59+02:00"},
                         });

  Setup inside_gap(every_day("02:10-02:50"), ir::BuiltinCalendar::none, "Europe/Paris");
  check_next_open(inside_gap, {{"2019-03-31T00:00", "2019-04-01T02:10:00+02:00"}});

  Setup ending_in_gap(every_day("01:00-02:30"), ir::BuiltinCalendar::none, "Europe/Paris");
  check_next_open(ending_in_gap, {
                                     {"2019-03-31T01:59:59", "2019-03-31T01:59:59+01:00"},
                                     {"2019-03-31T03:00", "2019-04-01T01:00:00+02:00"},
                                 });
}

TEST_CASE("repeated autumn hour is open both times", "[schedule][hours]") {
  // On 2019-10-27 Paris clocks go back from 03:00 CEST to 02:00 CET at 01:00 UTC.
  const date::time_zone* utc = test::zone("UTC");
  struct Case {
    const char* intervals;
    const char* from_utc;
    const char* expected;
  };
  const Case cases[] = {
      {"02:00-03:00", "2019-10-26T23:30", "2019-10-27T02:00:00+02:00"},
      {"02:00-03:00", "2019-10-27T00:30", "2019-10-27T02:30:00+02:00"},  // first 02:30
      {"02:00-03:00", "2019-10-27T01:30", "2019-10-27T02:30:00+01:00"},  // second 02:30
      {"02:00-03:00", "2019-10-27T02:00", "2019-10-28T02:00:00+01:00"},
      // Open again only when the repeated local time reaches the start.
      {"02:30-05:00", "2019-10-27T01:10", "2019-10-27T02:30:00+01:00"},
      // Reopened by the clock change itself.
      {"00:00-02:30", "2019-10-27T00:40", "2019-10-27T02:00:00+01:00"},
      {"00:00-02:30", "2019-10-27T01:30", "2019-10-28T00:00:00+01:00"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.intervals, c.from_utc);
    Setup night(every_day(c.intervals), ir::BuiltinCalendar::none, "Europe/Paris");
    CHECK(night.next_open_text(local(utc, c.from_utc)) == c.expected);
  }
}

TEST_CASE("clock changes at midnight in Santiago", "[schedule][hours]") {
  // In 2019, Chile set clocks back from 24:00 to 23:00 on 6 April (03:00 UTC)
  // and forward from 24:00 to 01:00 on 8 September (04:00 UTC).
  const date::time_zone* utc = test::zone("UTC");
  struct Case {
    const char* intervals;
    const char* from_utc;
    const char* expected;
  };
  const Case cases[] = {
      {"00:00-02:00", "2019-09-08T03:30", "2019-09-08T01:00:00-03:00"},
      {"23:30-24:00", "2019-04-07T02:45", "2019-04-06T23:45:00-03:00"},
      {"23:30-24:00", "2019-04-07T03:10", "2019-04-06T23:30:00-04:00"},
      {"23:30-24:00", "2019-04-07T04:00", "2019-04-07T23:30:00-04:00"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.intervals, c.from_utc);
    Setup night(every_day(c.intervals), ir::BuiltinCalendar::none, "America/Santiago");
    CHECK(night.next_open_text(local(utc, c.from_utc)) == c.expected);
  }
}

TEST_CASE("interval may end at 24:00", "[schedule][hours]") {
  Setup evening(every_day("22:00-24:00"), ir::BuiltinCalendar::none, "Europe/Paris");
  check_next_open(evening, {
                               {"2019-06-24T21:00", "2019-06-24T22:00:00+02:00"},
                               {"2019-06-24T23:59:59", "2019-06-24T23:59:59+02:00"},
                               {"2019-06-25T00:00", "2019-06-25T22:00:00+02:00"},
                           });
}

TEST_CASE("overseas zones and calendars", "[schedule][hours]") {
  const date::time_zone* utc = test::zone("UTC");

  Setup guadeloupe(test::paris_hours(), ir::BuiltinCalendar::fr_guadeloupe, "America/Guadeloupe");
  CHECK(guadeloupe.next_open_text(local(utc, "2019-06-24T23:30")) == "2019-06-25T09:00:00-04:00");
  check_next_open(guadeloupe, {
                                  {"2019-05-27T08:00", "2019-05-27T10:00:00-04:00"},  // abolition
                                  {"2019-05-28T08:00", "2019-05-28T09:00:00-04:00"},
                              });

  Setup reunion(test::paris_hours(), ir::BuiltinCalendar::fr_reunion, "Indian/Reunion");
  CHECK(reunion.next_open_text(local(utc, "2019-12-20T05:30")) == "2019-12-20T10:00:00+04:00");
  check_next_open(reunion, {{"2019-12-19T19:30", "2019-12-20T10:00:00+04:00"}});

  Setup reunion_metropole(test::paris_hours(), ir::BuiltinCalendar::fr_metropole, "Indian/Reunion");
  check_next_open(reunion_metropole, {{"2019-12-19T19:30", "2019-12-20T09:00:00+04:00"}});
}

TEST_CASE("next_open gives up after 400 days", "[schedule][hours]") {
  Setup closed(weekly_hours("closed", "closed"), ir::BuiltinCalendar::none, "Europe/Paris");
  CHECK(closed.next_open_text(local(closed.zone, "2019-06-24T10:00")) == "none");

  ir::Hours one_day = weekly_hours("closed", "closed");
  one_day.dates[civil("2021-06-01")] = day("09:00-10:00");
  Setup far(std::move(one_day), ir::BuiltinCalendar::none, "Europe/Paris");
  check_next_open(far, {
                           {"2019-06-24T10:00", "none"},
                           {"2020-06-24T10:00", "2021-06-01T09:00:00+02:00"},
                       });
}

TEST_CASE("next_open matches minute-by-minute scan", "[schedule][hours]") {
  // Every interval bound and clock change here falls on a whole minute, so
  // stepping one minute at a time from a whole minute finds the exact result.
  const char* hour_sets[] = {
      "09:00-19:00",
      "09:00-12:30, 14:00-19:00",
      "02:30-04:00",
      "02:00-03:00",
      "02:30-05:00",
      "00:00-02:30",
      "01:00-02:30, 22:00-24:00",
      "23:30-24:00",
      "00:00-00:30, 23:00-24:00",
  };
  struct Window {
    const char* zone;
    const char* start_utc;  // ten hours around a clock change
  };
  const Window windows[] = {
      {"Europe/Paris", "2019-03-30T20:00"},
      {"Europe/Paris", "2019-10-26T20:00"},
      {"America/Santiago", "2019-04-06T22:00"},
      {"America/Santiago", "2019-09-07T23:00"},
  };
  const date::time_zone* utc = test::zone("UTC");

  for (const char* intervals : hour_sets) {
    for (const Window& window : windows) {
      Setup setup(every_day(intervals), ir::BuiltinCalendar::none, window.zone);
      for (int offset = 0; offset < 10 * 60; offset += 7) {
        common::Instant from = local(utc, window.start_utc) + std::chrono::minutes{offset};
        common::Instant scan = from;
        while (!setup.calling.is_open(scan)) scan += std::chrono::minutes{1};

        CAPTURE(intervals, window.zone, local_text(from, setup.zone));
        CHECK(setup.next_open_text(from) == local_text(scan, setup.zone));
      }
    }
  }
}

}  // namespace
}  // namespace vigie::schedule
