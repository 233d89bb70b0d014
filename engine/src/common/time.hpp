#pragma once
// Time types shared by every layer. Instants are UTC; local decisions go
// through date/tz (the system tz database).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>
#include <date/tz.h>

namespace vigie::common {

using Seconds = std::chrono::seconds;
// A UTC instant, to the second.
using Instant = date::sys_seconds;
// A civil date with no time zone.
using Date = date::sys_days;
// A wall-clock date and time with no time zone.
using LocalTime = date::local_seconds;

// Seconds since local midnight, 0..86400 (86400 is "24:00", an interval end).
using TimeOfDay = std::int32_t;

// Day of week with Monday = 0 ... Sunday = 6, as the language numbers them.
int weekday_index(Date day);

// Formats `t` in `zone` as ISO 8601 with offset, to the second:
// 2019-06-24T09:00:00+02:00.
std::string format_local_iso(Instant t, const date::time_zone* zone);

// Formats a date as YYYY-MM-DD.
std::string format_date(Date day);

// Parses YYYY-MM-DD strictly (real calendar date); nullopt otherwise.
std::optional<Date> parse_iso_date(std::string_view text);

// Parses YYYY-MM-DDTHH:MM (optionally :SS) as a wall-clock time.
std::optional<LocalTime> parse_local_datetime(std::string_view text);

// Parses UTC ISO 8601 text to the second, YYYY-MM-DDTHH:MM:SSZ, as the
// store and the service write instants; nullopt otherwise.
std::optional<Instant> parse_utc_iso(std::string_view text);

// Converts a wall-clock time to an instant in `zone`. A time inside a
// spring-forward gap maps to the first instant after the gap; an ambiguous
// time (autumn) maps to the earlier of its two instants.
Instant to_instant(LocalTime local, const date::time_zone* zone);

// Parses a duration written as in the language, one or more number-unit
// pairs with the units d, h, m and s in that order: 6m, 1h30m, 90s. Nullopt
// when malformed or zero.
std::optional<Seconds> parse_duration(std::string_view text);

// Formats a duration for people: 45 s, 6 min, 5 min 30 s, 2 h 05, 1 j 03 h (days in
// French, as the operators read them).
std::string format_duration(Seconds duration);

// Looks a zone up by IANA name; nullptr when unknown (never throws).
const date::time_zone* find_zone(std::string_view name);

}  // namespace vigie::common
