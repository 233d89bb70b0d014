#include "schedule/calling_hours.hpp"

#include <chrono>

namespace vigie::schedule {
namespace {

// How far next_open() looks ahead before giving up.
constexpr int kMaxDaysScanned = 400;

common::Date as_civil_date(date::local_days day) {
  return common::Date{day.time_since_epoch()};
}

}  // namespace

CallingHours::CallingHours(const ir::Hours& hours, const HolidayCalendar& calendar,
                           const date::time_zone* zone)
    : hours_(&hours), calendar_(&calendar), zone_(zone) {}

const ir::DayHours& CallingHours::day_hours(common::Date local_day) const {
  auto single_date = hours_->dates.find(local_day);
  if (single_date != hours_->dates.end()) return single_date->second;

  if (hours_->holiday && calendar_->is_holiday(local_day)) return *hours_->holiday;

  return hours_->weekdays[common::weekday_index(local_day)];
}

bool CallingHours::is_open(common::Instant t) const {
  // The rule is read on the wall clock: convert the instant to local time and
  // compare its time of day with the intervals of its local date. So a local
  // time that occurs twice (autumn) is open both times it occurs.
  common::LocalTime local = zone_->to_local(t);
  date::local_days day = date::floor<date::days>(local);
  auto time_of_day = (local - day).count();

  for (const ir::Interval& interval : day_hours(as_civil_date(day)).intervals) {
    if (interval.start <= time_of_day && time_of_day < interval.end) return true;
  }
  return false;
}

std::optional<common::Instant> CallingHours::next_open(common::Instant t) const {
  if (is_open(t)) return t;

  // The first open instant after t is one of two kinds of candidate. It is
  // either an instant that an interval's local start maps to (both mappings
  // when that local time occurs twice, the end of the gap when it does not
  // exist), or a clock change that moves the local time into an interval.
  // The scan collects those candidates day by day and keeps the earliest open one.
  std::optional<common::Instant> best;
  std::optional<date::local_days> found_on;

  // A clock change moves local time by less than a day, so an instant after
  // t never falls on a local date before the day preceding t's local date.
  date::local_days first_day = date::floor<date::days>(zone_->to_local(t)) - date::days{1};
  for (int offset = 0; offset <= kMaxDaysScanned + 1; ++offset) {
    date::local_days day = first_day + date::days{offset};

    // Candidates on the day after the first hit can still be earlier when a
    // clock change reorders instants; two days later they never are.
    if (found_on && day > *found_on + date::days{1}) break;

    for (const ir::Interval& interval : day_hours(as_civil_date(day)).intervals) {
      common::LocalTime start = day + std::chrono::seconds{interval.start};
      for (date::choose choice : {date::choose::earliest, date::choose::latest}) {
        common::Instant candidate = zone_->to_sys(start, choice);
        if (candidate < t || (best && candidate >= *best) || !is_open(candidate)) continue;
        best = candidate;
        if (!found_on) found_on = day;
      }
    }
  }
  if (!best) return std::nullopt;

  // A clock change before the best candidate may already open an interval.
  for (common::Instant change = zone_->get_info(t).end; change < *best;
       change = zone_->get_info(change).end) {
    if (is_open(change)) return change;
  }
  return best;
}

}  // namespace vigie::schedule
