#include "property/reference.hpp"

#include <algorithm>
#include <stdexcept>

namespace vigie::property {
namespace {

using namespace std::chrono_literals;

// Easter Sunday (Gregorian) from 2018 to 2031. A table rather than a
// computus, so that the reference shares no arithmetic with the engine.
const std::pair<int, std::pair<unsigned, unsigned>> kEasterSundays[] = {
    {2018, {4, 1}},  {2019, {4, 21}}, {2020, {4, 12}}, {2021, {4, 4}},  {2022, {4, 17}},
    {2023, {4, 9}},  {2024, {3, 31}}, {2025, {4, 20}}, {2026, {4, 5}},  {2027, {3, 28}},
    {2028, {4, 16}}, {2029, {4, 1}},  {2030, {4, 21}}, {2031, {4, 13}},
};

Date civil(int year, unsigned month, unsigned day) {
  return Date{date::year{year} / date::month{month} / date::day{day}};
}

Date easter_of(int year) {
  for (const auto& [easter_year, month_day] : kEasterSundays) {
    if (easter_year == year) return civil(year, month_day.first, month_day.second);
  }
  throw std::out_of_range("the reference has no Easter date for " + std::to_string(year));
}

const UserCalendar* find_user(const ScenarioCalendar& calendar, const std::string& name) {
  for (const UserCalendar& user : calendar.users) {
    if (user.name == name) return &user;
  }
  return nullptr;
}

bool holiday_in(const ScenarioCalendar& calendar, const std::string& name, Date day) {
  // A user calendar's own entries override its base.
  if (const UserCalendar* user = find_user(calendar, name)) {
    auto entry = user->entries.find(day);
    if (entry != user->entries.end()) return entry->second;
    return holiday_in(calendar, user->base, day);
  }

  int year = static_cast<int>(date::year_month_day{day}.year());
  std::vector<Date> holidays = reference_builtin_holidays(name, year);
  return std::find(holidays.begin(), holidays.end(), day) != holidays.end();
}

// Returns the hours line that applies to a local date: a date line, else the
// holiday line on a holiday, else the weekday's line. Returns nullptr when no
// line names the day.
const DayRule* rule_for(const Scenario& scenario, Date day) {
  const ScenarioHours& hours = scenario.hours;
  auto dated = hours.dates.find(day);
  if (dated != hours.dates.end()) return &dated->second;

  if (hours.holiday && reference_is_holiday(scenario.calendar, day)) return &*hours.holiday;

  // 1970-01-01 was a Thursday, so Monday-based weekdays are (days + 3) mod 7.
  auto days = day.time_since_epoch().count();
  int weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);
  for (const WeekdayLine& line : hours.weekdays) {
    if (line.first <= weekday && weekday <= line.last) return &line.rule;
  }
  return nullptr;
}

bool rule_contains(const DayRule* rule, int minute) {
  if (rule == nullptr) return false;
  for (const MinuteInterval& interval : *rule) {
    if (interval.start <= minute && minute < interval.end) return true;
  }
  return false;
}

}  // namespace

std::vector<Date> reference_builtin_holidays(const std::string& calendar, int year) {
  if (calendar == "none") return {};

  Date easter = easter_of(year);
  std::vector<Date> holidays = {
      civil(year, 1, 1),       easter + date::days{1},  civil(year, 5, 1),   civil(year, 5, 8),
      easter + date::days{39}, easter + date::days{50}, civil(year, 7, 14),  civil(year, 8, 15),
      civil(year, 11, 1),      civil(year, 11, 11),     civil(year, 12, 25),
  };
  if (calendar == "fr_metropole") return holidays;

  if (calendar == "fr_alsace_moselle") {
    holidays.push_back(easter - date::days{2});
    holidays.push_back(civil(year, 12, 26));
  } else if (calendar == "fr_guadeloupe") {
    holidays.push_back(civil(year, 5, 27));
  } else if (calendar == "fr_martinique") {
    holidays.push_back(civil(year, 5, 22));
  } else if (calendar == "fr_guyane") {
    holidays.push_back(civil(year, 6, 10));
  } else if (calendar == "fr_reunion") {
    holidays.push_back(civil(year, 12, 20));
  } else if (calendar == "fr_mayotte") {
    holidays.push_back(civil(year, 4, 27));
  } else {
    throw std::invalid_argument("the reference knows no built-in calendar " + calendar);
  }
  return holidays;
}

bool reference_is_holiday(const ScenarioCalendar& calendar, Date day) {
  // A campaign without a `calendar` clause uses fr_metropole.
  return holiday_in(calendar, calendar.used.empty() ? "fr_metropole" : calendar.used, day);
}

const date::time_zone* reference_zone(const Scenario& scenario, const ScenarioContact& contact) {
  if (!contact.zone_field.empty()) {
    try {
      return date::locate_zone(contact.zone_field);
    } catch (const std::runtime_error&) {
      // An unknown zone name falls back to the campaign's zone.
    }
  }
  return date::locate_zone(scenario.zone);
}

OpenMinutes::OpenMinutes(const Scenario& scenario, const date::time_zone* zone, Instant from,
                         Instant until)
    : first_minute_(date::floor<std::chrono::minutes>(from)), until_(until) {
  auto minutes = date::ceil<std::chrono::minutes>(until - first_minute_).count();
  open_.assign(static_cast<std::size_t>(std::max<std::int64_t>(minutes, 0)), false);

  date::sys_info info = zone->get_info(first_minute_);
  Date cached_day{};
  const DayRule* cached_rule = nullptr;
  bool have_cached_day = false;
  for (std::size_t i = 0; i < open_.size(); ++i) {
    Instant minute = first_minute_ + std::chrono::minutes{i};
    if (minute >= info.end) info = zone->get_info(minute);
    if (info.offset.count() % 60 != 0) {
      throw std::logic_error("zone " + zone->name() +
                             " has an offset that is not a whole number of minutes");
    }

    // Local wall-clock time is UTC plus the offset in force.
    auto local_seconds = (minute + info.offset).time_since_epoch();
    Date day{date::floor<date::days>(local_seconds)};
    int minute_of_day =
        static_cast<int>((local_seconds - day.time_since_epoch()) / std::chrono::minutes{1});
    if (!have_cached_day || day != cached_day) {
      cached_day = day;
      cached_rule = rule_for(scenario, day);
      have_cached_day = true;
    }
    open_[i] = rule_contains(cached_rule, minute_of_day);
  }
}

bool OpenMinutes::is_open(Instant t) const {
  if (t < first_minute_ || t >= until_) return false;
  auto index = static_cast<std::size_t>((t - first_minute_) / std::chrono::minutes{1});
  return open_[index];
}

std::optional<Instant> OpenMinutes::next_open(Instant t) const {
  if (t >= until_) return std::nullopt;
  if (is_open(t)) return t;

  Instant minute = date::floor<std::chrono::minutes>(std::max(t, first_minute_)) + 1min;
  for (; minute < until_; minute += 1min) {
    if (is_open(minute)) return minute;
  }
  return std::nullopt;
}

Decision decide_after_attempt(const Scenario& scenario, const std::string& disposition,
                              int attempts_made, Instant ended_at,
                              std::optional<Instant> callback_at) {
  Decision decision;
  if (is_final_disposition(scenario, disposition)) {
    decision.outcome = disposition;
    return decision;
  }

  const ScenarioRetry& retry = scenario.retry;
  auto own = retry.on.find(disposition);
  const RetryLine* line = own != retry.on.end() ? &own->second : nullptr;
  if (line == nullptr && retry.otherwise) line = &*retry.otherwise;

  // A time the person gave wins over `otherwise stop` and over an `on
  // callback after` delay; only `on callback stop` ends the cycle.
  bool asked_time = disposition == "callback" && callback_at.has_value();
  bool stops = line != nullptr && line->stop && !(asked_time && own == retry.on.end());
  if (stops) {
    decision.outcome = disposition;
    return decision;
  }

  if (attempts_made >= retry.attempts) {
    decision.kind = Decision::Kind::unreachable;
    return decision;
  }

  decision.kind = Decision::Kind::retry;
  if (asked_time) {
    decision.earliest = std::max(*callback_at, ended_at);
  } else if (line != nullptr) {
    decision.earliest = ended_at + line->delay;
  } else {
    // A callback with no time and no line: the next opening.
    decision.earliest = ended_at;
  }
  return decision;
}

ExpectedContact reference_schedule(const Scenario& scenario, const ScenarioContact& contact,
                                   const OpenMinutes& hours) {
  ExpectedContact expected;
  std::optional<Instant> next = hours.next_open(scenario.start);
  for (int attempt = 1;; ++attempt) {
    if (!next) {
      expected.outcome = "unreachable";
      return expected;
    }
    expected.starts.push_back(*next);

    const ScriptedAttempt& scripted = contact.script.at(static_cast<std::size_t>(attempt - 1));
    Instant ended_at = *next + scripted.duration;
    std::optional<Instant> callback_at;
    if (scripted.callback_after) callback_at = ended_at + *scripted.callback_after;

    Decision decision =
        decide_after_attempt(scenario, scripted.disposition, attempt, ended_at, callback_at);
    if (decision.kind == Decision::Kind::final) {
      expected.outcome = decision.outcome;
      return expected;
    }
    if (decision.kind == Decision::Kind::unreachable) {
      expected.outcome = "unreachable";
      return expected;
    }
    next = hours.next_open(decision.earliest);
  }
}

Instant window_end(const Scenario& scenario) {
  return scenario.start + scenario.retry.within;
}

}  // namespace vigie::property
