#include "schedule/calendar.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "schedule/schedule_fixtures.hpp"

namespace vigie::schedule {
namespace {

using test::civil;

std::vector<std::string> as_text(const std::vector<common::Date>& days) {
  std::vector<std::string> text;
  for (common::Date day : days) text.push_back(common::format_date(day));
  return text;
}

TEST_CASE("easter_sunday matches published dates", "[schedule][calendar]") {
  struct Case {
    int year;
    const char* expected;
  };
  const Case cases[] = {
      {2019, "2019-04-21"}, {2024, "2024-03-31"}, {2025, "2025-04-20"},
      {2030, "2030-04-21"}, {2000, "2000-04-23"}, {2008, "2008-03-23"},
      {2011, "2011-04-24"}, {2016, "2016-03-27"}, {2038, "2038-04-25"},  // latest possible date
      {1818, "1818-03-22"},                                              // earliest possible date
  };
  for (const Case& c : cases) {
    CAPTURE(c.year);
    CHECK(common::format_date(easter_sunday(c.year)) == c.expected);
  }
}

TEST_CASE("fr_metropole holidays of 2019 and 2024", "[schedule][calendar]") {
  struct Case {
    int year;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {2019,
       {"2019-01-01", "2019-04-22", "2019-05-01", "2019-05-08", "2019-05-30", "2019-06-10",
        "2019-07-14", "2019-08-15", "2019-11-01", "2019-11-11", "2019-12-25"}},
      {2024,
       {"2024-01-01", "2024-04-01", "2024-05-01", "2024-05-08", "2024-05-09", "2024-05-20",
        "2024-07-14", "2024-08-15", "2024-11-01", "2024-11-11", "2024-12-25"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.year);
    CHECK(as_text(builtin_holidays(ir::BuiltinCalendar::fr_metropole, c.year)) == c.expected);
  }
}

TEST_CASE("fr_alsace_moselle adds two holidays", "[schedule][calendar]") {
  std::vector<std::string> expected = {"2019-01-01", "2019-04-19", "2019-04-22", "2019-05-01",
                                       "2019-05-08", "2019-05-30", "2019-06-10", "2019-07-14",
                                       "2019-08-15", "2019-11-01", "2019-11-11", "2019-12-25",
                                       "2019-12-26"};
  CHECK(as_text(builtin_holidays(ir::BuiltinCalendar::fr_alsace_moselle, 2019)) == expected);
}

TEST_CASE("overseas calendars add their abolition day", "[schedule][calendar]") {
  struct Case {
    ir::BuiltinCalendar calendar;
    const char* name;
    const char* abolition_day;
  };
  const Case cases[] = {
      {ir::BuiltinCalendar::fr_guadeloupe, "fr_guadeloupe", "2024-05-27"},
      {ir::BuiltinCalendar::fr_martinique, "fr_martinique", "2024-05-22"},
      {ir::BuiltinCalendar::fr_guyane, "fr_guyane", "2024-06-10"},
      {ir::BuiltinCalendar::fr_reunion, "fr_reunion", "2024-12-20"},
      {ir::BuiltinCalendar::fr_mayotte, "fr_mayotte", "2024-04-27"},
  };
  std::vector<common::Date> metropole = builtin_holidays(ir::BuiltinCalendar::fr_metropole, 2024);
  for (const Case& c : cases) {
    CAPTURE(c.name);
    std::vector<common::Date> holidays = builtin_holidays(c.calendar, 2024);

    std::vector<common::Date> expected = metropole;
    expected.push_back(civil(c.abolition_day));
    std::sort(expected.begin(), expected.end());
    CHECK(as_text(holidays) == as_text(expected));
  }
}

TEST_CASE("none calendar has no holidays", "[schedule][calendar]") {
  CHECK(builtin_holidays(ir::BuiltinCalendar::none, 2019).empty());

  ir::Calendar none;
  HolidayCalendar calendar(none);
  CHECK_FALSE(calendar.is_holiday(civil("2019-01-01")));
  CHECK_FALSE(calendar.is_holiday(civil("2019-12-25")));
}

TEST_CASE("HolidayCalendar applies added and removed dates", "[schedule][calendar]") {
  ir::Calendar paris_2024;
  paris_2024.name = "paris_2024";
  paris_2024.base = ir::BuiltinCalendar::fr_metropole;
  paris_2024.added[civil("2024-07-26")] = "opening ceremony";
  paris_2024.removed.insert(civil("2024-05-20"));
  HolidayCalendar calendar(paris_2024);

  struct Case {
    const char* day;
    bool holiday;
  };
  const Case cases[] = {
      {"2024-07-26", true},   // added
      {"2024-05-20", false},  // Whit Monday, removed
      {"2024-05-09", true},   // Ascension, from the base
      {"2024-07-14", true},  {"2024-07-15", false},
      {"2025-05-20", false}, {"2025-06-09", true},  // Whit Monday of the next year stays a holiday
      {"2023-12-25", true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.day);
    CHECK(calendar.is_holiday(civil(c.day)) == c.holiday);
  }
}

TEST_CASE("HolidayCalendar of overseas departments", "[schedule][calendar]") {
  struct Case {
    ir::BuiltinCalendar base;
    const char* day;
    bool holiday;
  };
  const Case cases[] = {
      {ir::BuiltinCalendar::fr_guadeloupe, "2019-05-27", true},
      {ir::BuiltinCalendar::fr_guadeloupe, "2019-05-22", false},
      {ir::BuiltinCalendar::fr_martinique, "2019-05-22", true},
      {ir::BuiltinCalendar::fr_guyane, "2019-06-10", true},  // also Whit Monday in 2019
      {ir::BuiltinCalendar::fr_guyane, "2020-06-10", true},
      {ir::BuiltinCalendar::fr_reunion, "2019-12-20", true},
      {ir::BuiltinCalendar::fr_mayotte, "2019-04-27", true},
      {ir::BuiltinCalendar::fr_metropole, "2019-12-20", false},
      {ir::BuiltinCalendar::fr_metropole, "2019-12-26", false},
      {ir::BuiltinCalendar::fr_alsace_moselle, "2019-12-26", true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.day, static_cast<int>(c.base));
    ir::Calendar definition;
    definition.base = c.base;
    HolidayCalendar calendar(definition);
    CHECK(calendar.is_holiday(civil(c.day)) == c.holiday);
  }
}

}  // namespace
}  // namespace vigie::schedule
