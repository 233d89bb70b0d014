// Hours blocks -> ir::Hours, with the checks on intervals and repeated days.

#include <algorithm>
#include <array>

#include "check/declarations.hpp"

namespace vigie::check {
namespace {

constexpr std::array<const char*, 7> kWeekdayNames = {"mon", "tue", "wed", "thu",
                                                      "fri", "sat", "sun"};

std::string format_time(int seconds) {
  int hours = seconds / 3600;
  int minutes = (seconds % 3600) / 60;
  std::string text = (hours < 10 ? "0" : "") + std::to_string(hours) + ":";
  text += (minutes < 10 ? "0" : "") + std::to_string(minutes);
  return text;
}

std::string format_interval(const ast::Interval& interval) {
  return format_time(interval.start.seconds) + "-" + format_time(interval.end.seconds);
}

// Checks the intervals of one line and returns the valid ones, sorted.
ir::DayHours resolve_intervals(const ast::HoursLine& line, const std::string& file,
                               Reporter& reporter) {
  std::vector<const ast::Interval*> valid;
  for (const ast::Interval& interval : line.intervals) {
    if (interval.end.seconds <= interval.start.seconds) {
      reporter.error(file, interval.range,
                     "interval " + format_interval(interval) +
                         " does not end after it starts; write the earlier time first");
      continue;
    }
    valid.push_back(&interval);
  }

  // Sorting by start puts overlapping intervals next to each other; the one
  // written later in the line gets the diagnostic.
  std::vector<const ast::Interval*> sorted = valid;
  std::sort(sorted.begin(), sorted.end(), [](const ast::Interval* a, const ast::Interval* b) {
    return a->start.seconds < b->start.seconds;
  });
  ir::DayHours day;
  const ast::Interval* previous = nullptr;
  for (const ast::Interval* interval : sorted) {
    if (previous != nullptr && interval->start.seconds < previous->end.seconds) {
      bool interval_is_later = interval > previous;
      const ast::Interval* later = interval_is_later ? interval : previous;
      const ast::Interval* earlier = interval_is_later ? previous : interval;
      reporter.error(file, later->range,
                     "interval " + format_interval(*later) + " overlaps " +
                         format_interval(*earlier) +
                         " on the same day; merge them or make them disjoint");
      continue;
    }
    day.intervals.push_back(ir::Interval{interval->start.seconds, interval->end.seconds});
    previous = interval;
  }
  return day;
}

std::string selector_text(const ast::HoursLine& line) {
  switch (line.kind) {
    case ast::HoursLine::Kind::holiday:
      return "holiday";
    case ast::HoursLine::Kind::date:
      return common::format_date(
          date::sys_days(date::year(line.date.year) / line.date.month / line.date.day));
    case ast::HoursLine::Kind::weekdays:
      break;
  }
  return kWeekdayNames[static_cast<std::size_t>(line.first_weekday)];
}

}  // namespace

ir::Hours resolve_hours(const ast::HoursBlock& block, const std::string& name,
                        const std::string& file, Reporter& reporter) {
  ir::Hours hours;
  hours.name = name;
  std::array<const ast::HoursLine*, 7> weekday_lines{};
  const ast::HoursLine* holiday_line = nullptr;
  std::map<common::Date, const ast::HoursLine*> date_lines;

  for (const ast::HoursLine& line : block.lines) {
    ir::DayHours day = line.closed ? ir::DayHours{} : resolve_intervals(line, file, reporter);

    if (line.kind == ast::HoursLine::Kind::holiday) {
      if (holiday_line != nullptr) {
        reporter.error(file, line.selector_range,
                       "holiday hours are already set at " +
                           format_position(file, holiday_line->selector_range) +
                           "; keep one holiday line");
        continue;
      }
      holiday_line = &line;
      hours.holiday = day;
      continue;
    }

    if (line.kind == ast::HoursLine::Kind::date) {
      common::Date date =
          date::sys_days(date::year(line.date.year) / line.date.month / line.date.day);
      auto [it, inserted] = date_lines.emplace(date, &line);
      if (!inserted) {
        reporter.error(file, line.selector_range,
                       "hours for " + selector_text(line) + " are already set at " +
                           format_position(file, it->second->selector_range) +
                           "; keep one line per date");
        continue;
      }
      hours.dates[date] = day;
      continue;
    }

    if (line.first_weekday < 0 || line.last_weekday > 6 || line.first_weekday > line.last_weekday) {
      reporter.error(file, line.selector_range,
                     "weekday range runs backwards; write it from the earlier day, as in "
                     "mon-fri, or split it into two lines");
      continue;
    }
    for (int weekday = line.first_weekday; weekday <= line.last_weekday; ++weekday) {
      auto index = static_cast<std::size_t>(weekday);
      if (weekday_lines[index] != nullptr) {
        reporter.error(file, line.selector_range,
                       std::string(kWeekdayNames[index]) + " is already set at " +
                           format_position(file, weekday_lines[index]->selector_range) +
                           "; name each weekday once");
        continue;
      }
      weekday_lines[index] = &line;
      hours.weekdays[index] = day;
    }
  }
  return hours;
}

}  // namespace vigie::check
