#pragma once
// When an attempt may start: an hours block applied in one time zone with
// one holiday calendar. Interval ends are exclusive; times are wall-clock
// times in the zone, so 09:00-19:00 stays local across clock changes.

#include <optional>

#include "common/time.hpp"
#include "ir/campaign.hpp"
#include "schedule/calendar.hpp"

namespace vigie::schedule {

class CallingHours {
 public:
  // `hours`, `calendar` and `zone` must outlive this object.
  CallingHours(const ir::Hours& hours, const HolidayCalendar& calendar,
               const date::time_zone* zone);

  // The open intervals of a local date. A single-date rule replaces every
  // other rule that day; else, on a holiday, the `holiday` rule replaces the
  // weekday rule; else the weekday rule applies (closed when unnamed). A
  // holiday under hours with no `holiday` rule keeps its weekday rule.
  const ir::DayHours& day_hours(common::Date local_day) const;

  // Whether an attempt may start at `t`: the local time of `t` lies in
  // [start, end) of an interval of its local date. On a fall-back day, an
  // interval covering local times that occur twice is open both times, so
  // 02:00-03:00 lasts two real hours there.
  bool is_open(common::Instant t) const;

  // The first instant >= t at which an attempt may start, or nullopt when
  // nothing is open in the next 400 days. An interval whose local start
  // does not exist (spring forward) opens at the first instant after the gap;
  // an interval lying wholly inside the gap never opens. Cost: O(days
  // scanned), at most about 400.
  std::optional<common::Instant> next_open(common::Instant t) const;

 private:
  const ir::Hours* hours_;
  const HolidayCalendar* calendar_;
  const date::time_zone* zone_;
};

}  // namespace vigie::schedule
