#pragma once
// The reference scheduler of the property tests: the documented calling
// hours, calendar and retry rules (docs/language.md) written again as plainly
// as possible, so that the engine can be checked against it. It uses the tz
// database through date/tz and never calls engine/src/schedule.

#include <optional>
#include <string>
#include <vector>

#include "property/scenario.hpp"

namespace vigie::property {

// Whether `day` is a public holiday of the calendar the campaign uses,
// following user calendars down to their built-in base.
bool reference_is_holiday(const ScenarioCalendar& calendar, Date day);

// The built-in holidays of `calendar` (a built-in calendar's name) in `year`,
// from a table of Easter Sundays for 2018-2031. Throws std::out_of_range for
// a year outside the table.
std::vector<Date> reference_builtin_holidays(const std::string& calendar, int year);

// The zone the scenario gives a contact: its own `tz` when the tz database
// contains it, else the campaign's zone.
const date::time_zone* reference_zone(const Scenario& scenario, const ScenarioContact& contact);

// Which UTC minutes of [from, until) are open in one zone, one entry per
// minute. The rules use whole minutes of local time and every offset of the
// scenario's zones is a whole number of minutes (checked when the map is
// built), so the result is the same for every second of a UTC minute.
class OpenMinutes {
 public:
  OpenMinutes(const Scenario& scenario, const date::time_zone* zone, Instant from, Instant until);

  // Whether an attempt may start at `t`; false outside [from, until).
  bool is_open(Instant t) const;

  // The first instant >= t, and before `until`, at which an attempt may start.
  std::optional<Instant> next_open(Instant t) const;

 private:
  Instant first_minute_;
  Instant until_;
  std::vector<bool> open_;
};

// What follows an attempt, before calling hours are applied.
struct Decision {
  enum class Kind { final, unreachable, retry };
  Kind kind = Kind::final;
  std::string outcome;  // for final: the disposition that ends the cycle
  Instant earliest{};   // for retry: no attempt may start before it
};

// Applies the retry rules to an attempt that ended at `ended_at` with
// `disposition`, the `attempts_made`-th of the contact's cycle.
Decision decide_after_attempt(const Scenario& scenario, const std::string& disposition,
                              int attempts_made, Instant ended_at,
                              std::optional<Instant> callback_at);

// The schedule the reference expects for one contact.
struct ExpectedContact {
  std::vector<Instant> starts;
  std::string outcome;  // a disposition name, or "unreachable"
};

// Runs the contact's scripted attempts through the rules, assuming a free
// line whenever the contact is due.
ExpectedContact reference_schedule(const Scenario& scenario, const ScenarioContact& contact,
                                   const OpenMinutes& hours);

// The end of the cycle's window: no attempt may start at or after it.
Instant window_end(const Scenario& scenario);

}  // namespace vigie::property
