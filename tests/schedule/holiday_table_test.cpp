// Every built-in French calendar against a table of public holidays written
// out date by date for 2019 to 2030.
//
// Source of the table. The holidays are those of article L3133-1 of the
// French Code du travail (1 January, Easter Monday, 1 May, 8 May, Ascension
// Thursday, Whit Monday, 14 July, 15 August, 1 November, 11 November,
// 25 December). Alsace-Moselle adds Good Friday and 26 December (local law of
// the Haut-Rhin, Bas-Rhin and Moselle departments). Each overseas department
// adds the day it commemorates the abolition of slavery, fixed by decree
// 83-1003 of 23 November 1983 under law 83-550: Guadeloupe 27 May,
// Martinique 22 May, Guyane 10 June, La Reunion 20 December, Mayotte 27 April.
//
// The movable dates come from Easter Sundays computed in a throwaway script
// with the epact method of Lilius and Clavius (Knuth's "Algorithm E"), not
// the engine's Meeus/Jones/Butcher computus, and compared with the
// `easter()` function of python-dateutil 2.9. They were then written here
// by hand; nothing below is computed.
//
// How edge cases are treated:
// - Whit Monday stays in the table. Since 2004 employers may make it the
//   unpaid "journee de solidarite", but article L3133-1 still lists it, so
//   the campaign's `holiday` hours apply to it.
// - Good Friday in Alsace-Moselle is, in law, a holiday only in communes with
//   a Protestant church or a mixed one. The calendar applies it to the three
//   departments as a whole.
// - Customary days off that are not in the statutory list (Victor Schoelcher
//   day on 21 July, carnival days and Good Friday in the Antilles, 2 November)
//   are not holidays of the built-in calendars. A campaign adds them with a
//   user calendar (`add`).
// - The table assumes the statutory list does not change until 2030.
// - When an abolition day falls on an Easter-based holiday (10 June was Whit
//   Monday in 2019 and is again in 2030 for Guyane), the date is listed once.

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "check/compiler.hpp"
#include "schedule/calendar.hpp"
#include "schedule/schedule_fixtures.hpp"

namespace vigie::schedule {
namespace {

using test::civil;

struct YearDates {
  int year;
  std::vector<const char*> dates;
};

// Easter Sunday, used only to check easter_sunday(); the holidays below are
// written out and never derived from it.
const std::map<int, const char*> kEasterSunday = {
    {2019, "2019-04-21"}, {2020, "2020-04-12"}, {2021, "2021-04-04"}, {2022, "2022-04-17"},
    {2023, "2023-04-09"}, {2024, "2024-03-31"}, {2025, "2025-04-20"}, {2026, "2026-04-05"},
    {2027, "2027-03-28"}, {2028, "2028-04-16"}, {2029, "2029-04-01"}, {2030, "2030-04-21"},
};

// fr_metropole, in date order: 1 January, Easter Monday, 1 May, 8 May,
// Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November,
// 25 December (Ascension falls before 8 May in 2027).
const std::vector<YearDates> kMetropole = {
    {2019,
     {"2019-01-01", "2019-04-22", "2019-05-01", "2019-05-08", "2019-05-30", "2019-06-10",
      "2019-07-14", "2019-08-15", "2019-11-01", "2019-11-11", "2019-12-25"}},
    {2020,
     {"2020-01-01", "2020-04-13", "2020-05-01", "2020-05-08", "2020-05-21", "2020-06-01",
      "2020-07-14", "2020-08-15", "2020-11-01", "2020-11-11", "2020-12-25"}},
    {2021,
     {"2021-01-01", "2021-04-05", "2021-05-01", "2021-05-08", "2021-05-13", "2021-05-24",
      "2021-07-14", "2021-08-15", "2021-11-01", "2021-11-11", "2021-12-25"}},
    {2022,
     {"2022-01-01", "2022-04-18", "2022-05-01", "2022-05-08", "2022-05-26", "2022-06-06",
      "2022-07-14", "2022-08-15", "2022-11-01", "2022-11-11", "2022-12-25"}},
    {2023,
     {"2023-01-01", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-18", "2023-05-29",
      "2023-07-14", "2023-08-15", "2023-11-01", "2023-11-11", "2023-12-25"}},
    {2024,
     {"2024-01-01", "2024-04-01", "2024-05-01", "2024-05-08", "2024-05-09", "2024-05-20",
      "2024-07-14", "2024-08-15", "2024-11-01", "2024-11-11", "2024-12-25"}},
    {2025,
     {"2025-01-01", "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09",
      "2025-07-14", "2025-08-15", "2025-11-01", "2025-11-11", "2025-12-25"}},
    {2026,
     {"2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
      "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25"}},
    {2027,
     {"2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17",
      "2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25"}},
    {2028,
     {"2028-01-01", "2028-04-17", "2028-05-01", "2028-05-08", "2028-05-25", "2028-06-05",
      "2028-07-14", "2028-08-15", "2028-11-01", "2028-11-11", "2028-12-25"}},
    {2029,
     {"2029-01-01", "2029-04-02", "2029-05-01", "2029-05-08", "2029-05-10", "2029-05-21",
      "2029-07-14", "2029-08-15", "2029-11-01", "2029-11-11", "2029-12-25"}},
    {2030,
     {"2030-01-01", "2030-04-22", "2030-05-01", "2030-05-08", "2030-05-30", "2030-06-10",
      "2030-07-14", "2030-08-15", "2030-11-01", "2030-11-11", "2030-12-25"}},
};

// fr_alsace_moselle on top of fr_metropole: Good Friday and 26 December.
const std::vector<YearDates> kAlsaceMoselleExtra = {
    {2019, {"2019-04-19", "2019-12-26"}}, {2020, {"2020-04-10", "2020-12-26"}},
    {2021, {"2021-04-02", "2021-12-26"}}, {2022, {"2022-04-15", "2022-12-26"}},
    {2023, {"2023-04-07", "2023-12-26"}}, {2024, {"2024-03-29", "2024-12-26"}},
    {2025, {"2025-04-18", "2025-12-26"}}, {2026, {"2026-04-03", "2026-12-26"}},
    {2027, {"2027-03-26", "2027-12-26"}}, {2028, {"2028-04-14", "2028-12-26"}},
    {2029, {"2029-03-30", "2029-12-26"}}, {2030, {"2030-04-19", "2030-12-26"}},
};

// The abolition day of each overseas department, year by year.
const std::vector<YearDates> kGuadeloupeExtra = {
    {2019, {"2019-05-27"}}, {2020, {"2020-05-27"}}, {2021, {"2021-05-27"}}, {2022, {"2022-05-27"}},
    {2023, {"2023-05-27"}}, {2024, {"2024-05-27"}}, {2025, {"2025-05-27"}}, {2026, {"2026-05-27"}},
    {2027, {"2027-05-27"}}, {2028, {"2028-05-27"}}, {2029, {"2029-05-27"}}, {2030, {"2030-05-27"}},
};
const std::vector<YearDates> kMartiniqueExtra = {
    {2019, {"2019-05-22"}}, {2020, {"2020-05-22"}}, {2021, {"2021-05-22"}}, {2022, {"2022-05-22"}},
    {2023, {"2023-05-22"}}, {2024, {"2024-05-22"}}, {2025, {"2025-05-22"}}, {2026, {"2026-05-22"}},
    {2027, {"2027-05-22"}}, {2028, {"2028-05-22"}}, {2029, {"2029-05-22"}}, {2030, {"2030-05-22"}},
};
const std::vector<YearDates> kGuyaneExtra = {
    {2019, {"2019-06-10"}}, {2020, {"2020-06-10"}}, {2021, {"2021-06-10"}}, {2022, {"2022-06-10"}},
    {2023, {"2023-06-10"}}, {2024, {"2024-06-10"}}, {2025, {"2025-06-10"}}, {2026, {"2026-06-10"}},
    {2027, {"2027-06-10"}}, {2028, {"2028-06-10"}}, {2029, {"2029-06-10"}}, {2030, {"2030-06-10"}},
};
const std::vector<YearDates> kReunionExtra = {
    {2019, {"2019-12-20"}}, {2020, {"2020-12-20"}}, {2021, {"2021-12-20"}}, {2022, {"2022-12-20"}},
    {2023, {"2023-12-20"}}, {2024, {"2024-12-20"}}, {2025, {"2025-12-20"}}, {2026, {"2026-12-20"}},
    {2027, {"2027-12-20"}}, {2028, {"2028-12-20"}}, {2029, {"2029-12-20"}}, {2030, {"2030-12-20"}},
};
const std::vector<YearDates> kMayotteExtra = {
    {2019, {"2019-04-27"}}, {2020, {"2020-04-27"}}, {2021, {"2021-04-27"}}, {2022, {"2022-04-27"}},
    {2023, {"2023-04-27"}}, {2024, {"2024-04-27"}}, {2025, {"2025-04-27"}}, {2026, {"2026-04-27"}},
    {2027, {"2027-04-27"}}, {2028, {"2028-04-27"}}, {2029, {"2029-04-27"}}, {2030, {"2030-04-27"}},
};
const std::vector<YearDates> kNoExtra = {};

struct CalendarRow {
  const char* name;  // as written after `calendar` in a campaign
  ir::BuiltinCalendar calendar;
  const std::vector<YearDates>* extra;  // holidays on top of fr_metropole
};

const CalendarRow kCalendars[] = {
    {"fr_metropole", ir::BuiltinCalendar::fr_metropole, &kNoExtra},
    {"fr_alsace_moselle", ir::BuiltinCalendar::fr_alsace_moselle, &kAlsaceMoselleExtra},
    {"fr_guadeloupe", ir::BuiltinCalendar::fr_guadeloupe, &kGuadeloupeExtra},
    {"fr_martinique", ir::BuiltinCalendar::fr_martinique, &kMartiniqueExtra},
    {"fr_guyane", ir::BuiltinCalendar::fr_guyane, &kGuyaneExtra},
    {"fr_reunion", ir::BuiltinCalendar::fr_reunion, &kReunionExtra},
    {"fr_mayotte", ir::BuiltinCalendar::fr_mayotte, &kMayotteExtra},
};

constexpr int kFirstYear = 2019;
constexpr int kLastYear = 2030;

const std::vector<const char*>& dates_of(const std::vector<YearDates>& table, int year) {
  static const std::vector<const char*> none;
  for (const YearDates& row : table) {
    if (row.year == year) return row.dates;
  }
  return none;
}

// The expected holidays of `row` in `year` as sorted ISO text, each once.
std::set<std::string> expected_holidays(const CalendarRow& row, int year) {
  std::set<std::string> expected;
  for (const char* day : dates_of(kMetropole, year)) expected.insert(day);
  for (const char* day : dates_of(*row.extra, year)) expected.insert(day);
  return expected;
}

std::vector<std::string> as_text(const std::vector<common::Date>& days) {
  std::vector<std::string> text;
  for (common::Date day : days) text.push_back(common::format_date(day));
  return text;
}

TEST_CASE("holiday table covers every year", "[schedule][calendar][holiday_table]") {
  // A table row missing for a year would make that year's test vacuous.
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    CAPTURE(year);
    CHECK(dates_of(kMetropole, year).size() == 11);
    CHECK(kEasterSunday.count(year) == 1);
    for (const CalendarRow& row : kCalendars) {
      CAPTURE(row.name);
      if (row.extra == &kNoExtra) continue;
      CHECK_FALSE(dates_of(*row.extra, year).empty());
    }
  }
}

TEST_CASE("holiday table Easter Sundays match engine", "[schedule][calendar][holiday_table]") {
  for (const auto& [year, expected] : kEasterSunday) {
    CAPTURE(year);
    CHECK(common::format_date(easter_sunday(year)) == expected);
  }
}

TEST_CASE("builtin_holidays equals table", "[schedule][calendar][holiday_table]") {
  for (const CalendarRow& row : kCalendars) {
    for (int year = kFirstYear; year <= kLastYear; ++year) {
      CAPTURE(row.name, year);
      std::set<std::string> expected = expected_holidays(row, year);

      std::vector<std::string> actual = as_text(builtin_holidays(row.calendar, year));
      CHECK(actual == std::vector<std::string>(expected.begin(), expected.end()));
    }
  }
}

TEST_CASE("is_holiday matches table every day", "[schedule][calendar][holiday_table]") {
  // Both ways: every listed date is a holiday, and every other day of the
  // year is not.
  for (const CalendarRow& row : kCalendars) {
    ir::Calendar definition;
    definition.name = row.name;
    definition.base = row.calendar;
    HolidayCalendar calendar(definition);

    for (int year = kFirstYear; year <= kLastYear; ++year) {
      std::set<std::string> expected = expected_holidays(row, year);
      common::Date first = civil(std::to_string(year) + "-01-01");
      common::Date next_year = civil(std::to_string(year + 1) + "-01-01");

      int holidays_found = 0;
      for (common::Date day = first; day < next_year; day += date::days{1}) {
        std::string text = common::format_date(day);
        bool listed = expected.count(text) != 0;
        if (calendar.is_holiday(day) != listed) {
          FAIL_CHECK(row.name << ": " << text
                              << (listed ? " is listed but is not a holiday"
                                         : " is a holiday but is not listed"));
        }
        if (listed) ++holidays_found;
      }
      CAPTURE(row.name, year);
      CHECK(holidays_found == static_cast<int>(expected.size()));
    }
  }
}

TEST_CASE("calendar names resolve to table rows", "[schedule][calendar][holiday_table]") {
  // The table rows are keyed by enum value. This test ties each row to the
  // name a campaign writes, so a name swapped in the checker fails here.
  for (const CalendarRow& row : kCalendars) {
    CAPTURE(row.name);
    std::string text = std::string("campaign c {\n  calendar ") + row.name +
                       "\n  source s {\n    id text key\n    phone phone\n  }\n"
                       "  hours { mon-fri 09:00-19:00 }\n"
                       "  retry { attempts 1 within 1h otherwise stop }\n"
                       "  script { ask ok \"Ok?\" yes_no }\n}\n";
    common::SourceManager sources;
    common::Diagnostics diagnostics;
    ir::Module module = check::compile_text("c.vigie", text, sources, diagnostics);
    REQUIRE_FALSE(diagnostics.has_errors());
    REQUIRE(module.campaigns.size() == 1);
    CHECK(module.campaigns.front().calendar.base == row.calendar);
  }
}

}  // namespace
}  // namespace vigie::schedule
