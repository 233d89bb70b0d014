#pragma once
// Random scheduling scenarios for the property tests: calling hours,
// calendars, zones, a retry policy, an activation instant and the scripted
// result of every attempt of every contact. A scenario is a pure function of
// its seed, so a failing case is rerun from the seed alone.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace vigie::property {

using common::Date;
using common::Instant;
using common::Seconds;

// A deterministic generator (SplitMix64). The standard distributions are
// implementation-defined, so the scenario of a seed would differ between
// standard libraries; this one gives the same numbers everywhere.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next();
  // A uniform integer in [low, high].
  std::int64_t between(std::int64_t low, std::int64_t high);
  // True with probability `percent` / 100.
  bool chance(int percent);

  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(items.size()) - 1))];
  }

 private:
  std::uint64_t state_;
};

// An interval of local time in minutes since midnight; the end is exclusive
// and at most 1440 (24:00).
struct MinuteInterval {
  int start = 0;
  int end = 0;
};

// The intervals of one hours line, sorted and disjoint; empty means `closed`.
using DayRule = std::vector<MinuteInterval>;

// One weekday line, `mon-fri 09:00-19:00` (Monday = 0).
struct WeekdayLine {
  int first = 0;
  int last = 0;
  DayRule rule;
};

struct ScenarioHours {
  std::vector<WeekdayLine> weekdays;  // weekdays that no line names are closed
  std::optional<DayRule> holiday;
  std::map<Date, DayRule> dates;
};

// A user calendar: `base` is a built-in calendar or an earlier user calendar.
struct UserCalendar {
  std::string name;
  std::string base;
  std::map<Date, bool> entries;  // date -> true for `add`, false for `remove`
};

struct ScenarioCalendar {
  std::vector<UserCalendar> users;  // declared in this order, bases first
  std::string used;                 // the calendar the campaign names; empty: no clause
};

struct RetryLine {
  bool stop = false;
  Seconds delay{0};
};

struct ScenarioRetry {
  int attempts = 1;
  Seconds within{0};
  std::map<std::string, RetryLine> on;  // disposition name -> line
  std::optional<RetryLine> otherwise;
};

struct CustomDisposition {
  std::string name;
  bool final = false;
};

// What the test dialer reports for one attempt.
struct ScriptedAttempt {
  std::string disposition;
  Seconds duration{1};                    // at least one second
  std::optional<Seconds> callback_after;  // callback time minus call end; may be negative
};

struct ScenarioContact {
  std::string id;
  std::string phone;
  std::string zone_field;               // the `tz` field; empty leaves it missing
  std::vector<ScriptedAttempt> script;  // indexed by attempt - 1
};

enum class Family : std::uint8_t {
  agreement,      // distinct numbers, unlimited lines: compared with the reference
  few_lines,      // distinct numbers, one to three lines: invariants only
  shared_numbers  // households sharing one number: invariants only
};

struct Scenario {
  std::uint64_t seed = 0;
  Family family = Family::agreement;
  std::string zone;  // the campaign's `timezone`
  ScenarioHours hours;
  ScenarioCalendar calendar;
  std::vector<CustomDisposition> custom_dispositions;
  ScenarioRetry retry;
  Instant start{};
  std::optional<int> lines;  // nullopt: as many as needed
  std::vector<ScenarioContact> contacts;
};

// Builds the scenario of `seed` for `family`.
Scenario generate_scenario(std::uint64_t seed, Family family);

// Writes the scenario's campaign as .vigie source.
std::string campaign_source(const Scenario& scenario);

// Describes the scenario for a failure report: seed, activation, source and
// the scripted attempts of every contact.
std::string describe_scenario(const Scenario& scenario);

// Formats a duration in the language's syntax, as in `1d2h30m15s`.
std::string format_duration(Seconds duration);

// Formats an instant as UTC and as local time in `zone`.
std::string format_instant(Instant t, const std::string& zone);

// Whether `name` is a final disposition of the scenario (built-in or custom).
// `completed` counts as final because it always ends the cycle.
bool is_final_disposition(const Scenario& scenario, const std::string& name);

}  // namespace vigie::property
