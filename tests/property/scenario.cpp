#include "property/scenario.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>

namespace vigie::property {
namespace {

using namespace std::chrono_literals;

// Zones with and without clock changes, with whole-hour, half-hour and
// 45-minute offsets, and a 30-minute clock change (Lord Howe).
const std::vector<std::string> kZones = {
    "Europe/Paris",    "America/Guadeloupe",  "Indian/Reunion",   "America/New_York",
    "Pacific/Chatham", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kathmandu",
    "Europe/London",   "America/Sao_Paulo",
};

// A zone name missing from the tz database: the engine falls back to the
// campaign's zone.
constexpr const char* kUnknownZone = "Mars/Olympus_Mons";

const std::vector<std::string> kBuiltinCalendars = {
    "fr_metropole", "fr_alsace_moselle", "fr_guadeloupe", "fr_martinique",
    "fr_guyane",    "fr_reunion",        "fr_mayotte",    "none",
};

const std::vector<std::string> kRetriedBuiltins = {"partial", "no_answer", "busy", "voicemail",
                                                   "failed"};
const std::vector<std::string> kFinalBuiltins = {"wrong_number", "refused", "deceased"};
const std::vector<std::string> kCustomNames = {"away", "hospital", "later", "moved"};

const date::time_zone* zone_named(const std::string& name) {
  const date::time_zone* zone = common::find_zone(name);
  if (zone == nullptr) throw std::runtime_error("the tz database has no zone " + name);
  return zone;
}

Date local_date_of(Instant t, const date::time_zone* zone) {
  return Date{date::floor<date::days>(zone->to_local(t)).time_since_epoch()};
}

// A boundary of an interval, in minutes since midnight. Whole hours and
// quarters are the usual contract times; any minute tests the rest.
int random_boundary(Random& random) {
  int kind = static_cast<int>(random.between(0, 9));
  if (kind < 4) return static_cast<int>(random.between(0, 24)) * 60;
  if (kind < 7) return static_cast<int>(random.between(0, 96)) * 15;
  return static_cast<int>(random.between(0, 1440));
}

DayRule random_rule(Random& random) {
  if (random.chance(10)) return {};

  // A call-centre day: opens in the morning, closes in the evening.
  if (random.chance(40)) {
    int start = static_cast<int>(random.between(6 * 4, 10 * 4)) * 15;
    int end = static_cast<int>(random.between(17 * 4, 21 * 4)) * 15;
    return {{start, end}};
  }

  // An interval in the small hours meets the clock changes of most zones.
  if (random.chance(15)) {
    int start = static_cast<int>(random.between(0, 6)) * 30;
    int end = start + static_cast<int>(random.between(1, 8)) * 30;
    return {{start, end}};
  }

  std::size_t count = static_cast<std::size_t>(random.between(1, 3));
  std::set<int> boundaries;
  for (int tries = 0; boundaries.size() < 2 * count && tries < 100; ++tries) {
    boundaries.insert(random_boundary(random));
  }
  std::vector<int> sorted(boundaries.begin(), boundaries.end());
  if (sorted.size() % 2 != 0) sorted.pop_back();

  DayRule rule;
  for (std::size_t i = 0; i + 1 < sorted.size(); i += 2) rule.push_back({sorted[i], sorted[i + 1]});
  return rule;
}

ScenarioHours random_hours(Random& random, Date local_start) {
  ScenarioHours hours;
  if (random.chance(50)) {
    hours.weekdays.push_back({0, 4, random_rule(random)});
    for (int day = 5; day <= 6; ++day) {
      if (random.chance(70)) hours.weekdays.push_back({day, day, random_rule(random)});
    }
  } else {
    for (int day = 0; day <= 6; ++day) {
      if (random.chance(85)) hours.weekdays.push_back({day, day, random_rule(random)});
    }
  }

  if (random.chance(50)) hours.holiday = random_rule(random);

  int dates = static_cast<int>(random.between(0, 3));
  for (int i = 0; i < dates; ++i) {
    Date day = local_start + date::days{random.between(-1, 5)};
    hours.dates[day] = random_rule(random);
  }
  return hours;
}

ScenarioCalendar random_calendar(Random& random, Date local_start) {
  ScenarioCalendar calendar;
  int users = static_cast<int>(random.between(0, 9));
  users = users < 4 ? 0 : (users < 8 ? 1 : 2);

  std::string base = random.pick(kBuiltinCalendars);
  for (int i = 0; i < users; ++i) {
    UserCalendar user;
    user.name = i == 0 ? "local_days" : "agent_days";
    user.base = base;
    int entries = static_cast<int>(random.between(0, 3));
    for (int e = 0; e < entries; ++e) {
      Date day = local_start + date::days{random.between(-1, 5)};
      user.entries[day] = random.chance(50);
    }
    base = user.name;
    calendar.users.push_back(user);
  }

  if (!calendar.users.empty() && random.chance(80)) {
    calendar.used = calendar.users.back().name;
  } else if (random.chance(80)) {
    calendar.used = random.pick(kBuiltinCalendars);
  }
  return calendar;
}

Seconds random_delay(Random& random) {
  int kind = static_cast<int>(random.between(0, 9));
  if (kind < 4) return std::chrono::minutes{random.between(1, 120)};
  if (kind < 7) return std::chrono::hours{random.between(2, 30)};
  if (kind < 8) return Seconds{random.between(1, 59)};
  return Seconds{random.between(61, 40 * 3600)};
}

RetryLine random_line(Random& random, int stop_percent) {
  RetryLine line;
  line.stop = random.chance(stop_percent);
  if (!line.stop) line.delay = random_delay(random);
  return line;
}

ScenarioRetry random_retry(Random& random, const std::vector<CustomDisposition>& customs) {
  ScenarioRetry retry;
  retry.attempts = static_cast<int>(random.between(1, 6));
  retry.within = std::chrono::minutes{random.between(60, 96 * 60)};
  if (random.chance(10)) retry.within += Seconds{random.between(1, 59)};

  int otherwise = static_cast<int>(random.between(0, 9));
  if (otherwise < 6) retry.otherwise = random_line(random, 0);
  if (otherwise >= 6 && otherwise < 8) retry.otherwise = RetryLine{/*stop=*/true, Seconds{0}};

  // Without `otherwise`, every non-final disposition except `callback`
  // needs its own line, or the checker rejects the campaign.
  std::vector<std::string> retried = kRetriedBuiltins;
  for (const CustomDisposition& custom : customs) {
    if (!custom.final) retried.push_back(custom.name);
  }
  for (const std::string& name : retried) {
    if (!retry.otherwise || random.chance(50)) retry.on[name] = random_line(random, 20);
  }
  if (random.chance(40)) retry.on["callback"] = random_line(random, 30);

  // `on refused stop` restates a final disposition and is accepted.
  for (const std::string& name : kFinalBuiltins) {
    if (random.chance(20)) retry.on[name] = RetryLine{/*stop=*/true, Seconds{0}};
  }
  return retry;
}

std::string random_disposition(Random& random, const std::vector<CustomDisposition>& customs) {
  struct Weighted {
    const char* name;
    int weight;
  };
  static const std::vector<Weighted> kWeights = {
      {"no_answer", 25}, {"busy", 10},      {"voicemail", 10}, {"failed", 5},       {"partial", 5},
      {"callback", 16},  {"completed", 10}, {"refused", 4},    {"wrong_number", 3}, {"deceased", 2},
  };
  int total = 0;
  for (const Weighted& entry : kWeights) total += entry.weight;
  total += 5 * static_cast<int>(customs.size());

  int roll = static_cast<int>(random.between(0, total - 1));
  for (const Weighted& entry : kWeights) {
    if (roll < entry.weight) return entry.name;
    roll -= entry.weight;
  }
  return customs[static_cast<std::size_t>(roll / 5)].name;
}

ScriptedAttempt random_attempt(Random& random, const std::vector<CustomDisposition>& customs) {
  ScriptedAttempt attempt;
  attempt.disposition = random_disposition(random, customs);

  int kind = static_cast<int>(random.between(0, 9));
  if (kind < 7) {
    attempt.duration = Seconds{random.between(10, 600)};
  } else if (kind < 9) {
    attempt.duration = Seconds{random.between(1, 60)};
  } else {
    attempt.duration = Seconds{random.between(1800, 3 * 3600)};
  }

  if (attempt.disposition == "callback" && random.chance(75)) {
    int when = static_cast<int>(random.between(0, 9));
    if (when < 1) {
      attempt.callback_after = Seconds{random.between(-1800, -1)};
    } else if (when < 5) {
      attempt.callback_after = Seconds{random.between(0, 4 * 3600)};
    } else if (when < 8) {
      attempt.callback_after = Seconds{random.between(4 * 3600, 30 * 3600)};
    } else {
      attempt.callback_after = Seconds{random.between(30 * 3600, 100 * 3600)};
    }
    // People mostly ask for a round time.
    if (random.chance(70)) *attempt.callback_after -= *attempt.callback_after % 300;
  }
  return attempt;
}

// A local date and time in `zone` mapped to an instant; a time in a
// spring-forward gap maps to the end of the gap.
Instant local_instant(Date day, Seconds time_of_day, const date::time_zone* zone) {
  common::LocalTime local{day.time_since_epoch() + time_of_day};
  return zone->to_sys(local, date::choose::earliest);
}

Instant random_start(Random& random, const date::time_zone* zone) {
  int year = static_cast<int>(random.between(2019, 2029));
  Date january_first{date::year{year} / date::January / 1};
  Date day = january_first + date::days{random.between(0, 364)};
  Seconds time_of_day = std::chrono::minutes{random.between(0, 1439)};

  Instant start{};
  int mode = static_cast<int>(random.between(0, 9));
  if (mode < 3) {
    // Up to three days before a clock change, or a few hours after it.
    Instant noon = date::sys_seconds{day.time_since_epoch()} + 12h;
    Instant change = zone->get_info(noon).end;
    if (change < date::sys_seconds{(january_first + date::days{800}).time_since_epoch()}) {
      start = change + std::chrono::minutes{random.between(-72 * 60, 6 * 60)};
    } else {
      start = local_instant(day, time_of_day, zone);
    }
  } else if (mode < 5) {
    start = local_instant(day, std::chrono::minutes{random.between(17 * 60, 24 * 60 - 1)}, zone);
  } else if (mode < 7) {
    // A Friday evening, a Saturday or a Sunday.
    int weekday = common::weekday_index(day);
    day += date::days{(4 - weekday + 7) % 7 + random.between(0, 2)};
    start = local_instant(day, time_of_day, zone);
  } else if (mode < 8) {
    // Around a fixed-date public holiday.
    static const std::vector<std::pair<unsigned, unsigned>> kFixed = {
        {1, 1}, {5, 1}, {5, 8}, {7, 14}, {8, 15}, {11, 1}, {11, 11}, {12, 25}};
    auto [month, month_day] = random.pick(kFixed);
    Date holiday{date::year{year} / date::month{month} / date::day{month_day}};
    start = local_instant(holiday + date::days{random.between(-2, 1)}, time_of_day, zone);
  } else {
    start = local_instant(day, time_of_day, zone);
  }

  if (random.chance(20)) start += Seconds{random.between(1, 59)};
  return start;
}

std::string format_minutes(int minutes) {
  auto two_digits = [](int value) { return (value < 10 ? "0" : "") + std::to_string(value); };
  return two_digits(minutes / 60) + ":" + two_digits(minutes % 60);
}

std::string format_rule(const DayRule& rule) {
  if (rule.empty()) return "closed";
  std::string text;
  for (const MinuteInterval& interval : rule) {
    if (!text.empty()) text += ", ";
    text += format_minutes(interval.start) + "-" + format_minutes(interval.end);
  }
  return text;
}

std::string format_line(const RetryLine& line) {
  return line.stop ? std::string("stop") : "after " + format_duration(line.delay);
}

const char* const kWeekdayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

}  // namespace

std::uint64_t Random::next() {
  state_ += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::int64_t Random::between(std::int64_t low, std::int64_t high) {
  auto span = static_cast<std::uint64_t>(high - low) + 1;
  return low + static_cast<std::int64_t>(next() % span);
}

bool Random::chance(int percent) {
  return between(0, 99) < percent;
}

Scenario generate_scenario(std::uint64_t seed, Family family) {
  Random random(seed * 0x2545F4914F6CDD1DULL + static_cast<std::uint64_t>(family));
  Scenario scenario;
  scenario.seed = seed;
  scenario.family = family;
  scenario.zone = random.pick(kZones);
  const date::time_zone* zone = zone_named(scenario.zone);

  scenario.start = random_start(random, zone);
  Date local_start = local_date_of(scenario.start, zone);
  scenario.hours = random_hours(random, local_start);
  scenario.calendar = random_calendar(random, local_start);

  int customs = static_cast<int>(random.between(0, 2));
  for (int i = 0; i < customs; ++i) {
    scenario.custom_dispositions.push_back(
        {kCustomNames[static_cast<std::size_t>(i * 2 + random.between(0, 1))], random.chance(50)});
  }
  scenario.retry = random_retry(random, scenario.custom_dispositions);

  // Households share one number; every other contact has a number of its own.
  std::vector<int> household_sizes;
  switch (family) {
    case Family::agreement:
      household_sizes.assign(static_cast<std::size_t>(random.between(1, 4)), 1);
      break;
    case Family::few_lines:
      household_sizes.assign(static_cast<std::size_t>(random.between(4, 10)), 1);
      scenario.lines = static_cast<int>(random.between(1, 3));
      break;
    case Family::shared_numbers:
      for (int h = static_cast<int>(random.between(1, 3)); h > 0; --h) {
        household_sizes.push_back(static_cast<int>(random.between(2, 3)));
      }
      for (int s = static_cast<int>(random.between(0, 2)); s > 0; --s) household_sizes.push_back(1);
      if (random.chance(50)) scenario.lines = static_cast<int>(random.between(1, 3));
      break;
  }

  int contact = 0;
  for (std::size_t h = 0; h < household_sizes.size(); ++h) {
    std::string number = std::to_string(h);
    std::string phone = "+3319900" + std::string(4 - number.size(), '0') + number;
    std::string household_zone;
    if (random.chance(50)) household_zone = random.chance(85) ? random.pick(kZones) : kUnknownZone;

    for (int member = 0; member < household_sizes[h]; ++member, ++contact) {
      ScenarioContact person;
      person.id = "C" + std::to_string(contact);
      person.phone = phone;
      person.zone_field = household_zone;
      for (int a = 0; a < 6; ++a) {
        person.script.push_back(random_attempt(random, scenario.custom_dispositions));
      }
      scenario.contacts.push_back(person);
    }
  }
  return scenario;
}

std::string format_duration(Seconds duration) {
  std::int64_t rest = duration.count();
  if (rest == 0) return "0s";

  std::string text;
  const std::pair<std::int64_t, char> kUnits[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (auto [size, unit] : kUnits) {
    if (rest < size) continue;
    text += std::to_string(rest / size) + unit;
    rest %= size;
  }
  return text;
}

std::string format_instant(Instant t, const std::string& zone) {
  return date::format("%FT%TZ", t) + " (" + common::format_local_iso(t, zone_named(zone)) + " " +
         zone + ")";
}

bool is_final_disposition(const Scenario& scenario, const std::string& name) {
  if (name == "completed") return true;
  if (std::find(kFinalBuiltins.begin(), kFinalBuiltins.end(), name) != kFinalBuiltins.end()) {
    return true;
  }
  for (const CustomDisposition& custom : scenario.custom_dispositions) {
    if (custom.name == name) return custom.final;
  }
  return false;
}

std::string campaign_source(const Scenario& scenario) {
  std::ostringstream out;
  for (const UserCalendar& user : scenario.calendar.users) {
    out << "calendar " << user.name << " {\n  base " << user.base << "\n";
    for (const auto& [day, add] : user.entries) {
      out << "  " << (add ? "add " : "remove ") << common::format_date(day) << "\n";
    }
    out << "}\n";
  }

  out << "campaign property {\n";
  out << "  timezone \"" << scenario.zone << "\"\n";
  if (!scenario.calendar.used.empty()) out << "  calendar " << scenario.calendar.used << "\n";
  out << "  source roster {\n    id text key\n    phone phone\n    tz text optional\n  }\n";
  out << "  timezone from tz\n";

  if (!scenario.custom_dispositions.empty()) {
    out << "  dispositions {\n";
    for (const CustomDisposition& custom : scenario.custom_dispositions) {
      out << "    " << custom.name << (custom.final ? " final" : "") << "\n";
    }
    out << "  }\n";
  }

  out << "  hours {\n";
  for (const WeekdayLine& line : scenario.hours.weekdays) {
    out << "    " << kWeekdayNames[line.first];
    if (line.last != line.first) out << "-" << kWeekdayNames[line.last];
    out << " " << format_rule(line.rule) << "\n";
  }
  if (scenario.hours.holiday) out << "    holiday " << format_rule(*scenario.hours.holiday) << "\n";
  for (const auto& [day, rule] : scenario.hours.dates) {
    out << "    " << common::format_date(day) << " " << format_rule(rule) << "\n";
  }
  out << "  }\n";

  out << "  retry {\n";
  out << "    attempts " << scenario.retry.attempts << " within "
      << format_duration(scenario.retry.within) << "\n";
  for (const auto& [name, line] : scenario.retry.on) {
    out << "    on " << name << " " << format_line(line) << "\n";
  }
  if (scenario.retry.otherwise)
    out << "    otherwise " << format_line(*scenario.retry.otherwise) << "\n";
  out << "  }\n}\n";
  return out.str();
}

std::string describe_scenario(const Scenario& scenario) {
  static const char* const kFamilies[] = {"agreement", "few lines", "shared numbers"};
  std::ostringstream out;
  out << "seed " << scenario.seed << " (" << kFamilies[static_cast<int>(scenario.family)]
      << " family; rerun with VIGIE_PROPERTY_SEED=" << scenario.seed << ")\n";
  out << "activation " << format_instant(scenario.start, scenario.zone) << "\n";
  out << "lines " << (scenario.lines ? std::to_string(*scenario.lines) : "unlimited") << "\n";
  out << campaign_source(scenario);
  for (const ScenarioContact& contact : scenario.contacts) {
    out << contact.id << " phone " << contact.phone << " tz '" << contact.zone_field << "':";
    for (const ScriptedAttempt& attempt : contact.script) {
      out << " " << attempt.disposition << "/" << format_duration(attempt.duration);
      if (attempt.callback_after) {
        out << "/callback " << (attempt.callback_after->count() < 0 ? "-" : "+")
            << format_duration(Seconds{std::abs(attempt.callback_after->count())});
      }
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace vigie::property
