#include "schedule/calendar.hpp"

#include <algorithm>

namespace vigie::schedule {
namespace {

using date::days;

common::Date fixed_day(int year, unsigned month, unsigned day) {
  return common::Date{date::year{year} / date::month{month} / date::day{day}};
}

// The day each overseas department commemorates the abolition of slavery,
// as a (month, day) pair; {0, 0} for calendars without one.
std::pair<unsigned, unsigned> abolition_day(ir::BuiltinCalendar calendar) {
  switch (calendar) {
    case ir::BuiltinCalendar::fr_guadeloupe:
      return {5, 27};
    case ir::BuiltinCalendar::fr_martinique:
      return {5, 22};
    case ir::BuiltinCalendar::fr_guyane:
      return {6, 10};
    case ir::BuiltinCalendar::fr_reunion:
      return {12, 20};
    case ir::BuiltinCalendar::fr_mayotte:
      return {4, 27};
    default:
      return {0, 0};
  }
}

// The eleven public holidays of metropolitan France.
std::vector<common::Date> metropole_holidays(int year) {
  common::Date easter = easter_sunday(year);
  return {
      fixed_day(year, 1, 1),   easter + days{1},        fixed_day(year, 5, 1),
      fixed_day(year, 5, 8),   easter + days{39},       easter + days{50},
      fixed_day(year, 7, 14),  fixed_day(year, 8, 15),  fixed_day(year, 11, 1),
      fixed_day(year, 11, 11), fixed_day(year, 12, 25),
  };
}

int year_of(common::Date day) {
  return static_cast<int>(date::year_month_day{day}.year());
}

}  // namespace

common::Date easter_sunday(int year) {
  // Anonymous Gregorian computus (the Meeus/Jones/Butcher algorithm). The
  // golden number, the century corrections and the epact give the Paschal
  // full moon, and Easter is the Sunday after it.
  int golden = year % 19;
  int century = year / 100;
  int year_of_century = year % 100;
  int leap_centuries = century / 4;
  int century_rest = century % 4;
  int moon_correction = (century + 8) / 25;
  int lunar_shift = (century - moon_correction + 1) / 3;
  int epact = (19 * golden + century - leap_centuries - lunar_shift + 15) % 30;
  int leap_years = year_of_century / 4;
  int year_rest = year_of_century % 4;
  int to_sunday = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7;
  int correction = (golden + 11 * epact + 22 * to_sunday) / 451;
  int month = (epact + to_sunday - 7 * correction + 114) / 31;
  int day = (epact + to_sunday - 7 * correction + 114) % 31 + 1;
  return fixed_day(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::vector<common::Date> builtin_holidays(ir::BuiltinCalendar calendar, int year) {
  if (calendar == ir::BuiltinCalendar::none) return {};

  std::vector<common::Date> holidays = metropole_holidays(year);

  if (calendar == ir::BuiltinCalendar::fr_alsace_moselle) {
    holidays.push_back(easter_sunday(year) - days{2});  // Good Friday
    holidays.push_back(fixed_day(year, 12, 26));        // St Stephen's Day
  }
  auto [month, day] = abolition_day(calendar);
  if (month != 0) holidays.push_back(fixed_day(year, month, day));

  // An abolition day can fall on an Easter-based holiday (10 June is Whit
  // Monday in 2019 and 2030), and the list names each date once.
  std::sort(holidays.begin(), holidays.end());
  holidays.erase(std::unique(holidays.begin(), holidays.end()), holidays.end());
  return holidays;
}

HolidayCalendar::HolidayCalendar(const ir::Calendar& calendar) : calendar_(&calendar) {}

bool HolidayCalendar::is_holiday(common::Date day) const {
  if (calendar_->removed.count(day) != 0) return false;
  if (calendar_->added.count(day) != 0) return true;

  int year = year_of(day);
  if (years_done_.insert(year).second) {
    for (common::Date holiday : builtin_holidays(calendar_->base, year)) holidays_.insert(holiday);
  }
  return holidays_.count(day) != 0;
}

}  // namespace vigie::schedule
