#pragma once
// Public holidays of the built-in French calendars and of user calendars.

#include <set>
#include <vector>

#include "common/time.hpp"
#include "ir/campaign.hpp"

namespace vigie::schedule {

// Holidays of a built-in calendar in `year`, sorted, each date once; empty
// for `none`.
std::vector<common::Date> builtin_holidays(ir::BuiltinCalendar calendar, int year);

// Easter Sunday of `year` (Gregorian computus).
common::Date easter_sunday(int year);

// A resolved calendar: the base's holidays plus `added` minus `removed`
// (a date both added and removed is not a holiday). Years are computed on
// first use and cached.
// NOTE: the cache is filled from const calls without locking, so one object
// must not be shared between threads; give each thread its own copy.
class HolidayCalendar {
 public:
  // `calendar` must outlive this object.
  explicit HolidayCalendar(const ir::Calendar& calendar);

  // Whether the civil date `day` is a holiday. O(log n) once its year is cached.
  bool is_holiday(common::Date day) const;

 private:
  const ir::Calendar* calendar_;
  mutable std::set<int> years_done_;
  mutable std::set<common::Date> holidays_;
};

}  // namespace vigie::schedule
