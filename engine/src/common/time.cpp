#include "common/time.hpp"

#include <charconv>
#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace vigie::common {
namespace {

// Parses exactly `length` ASCII digits at `text[pos]`.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t length) {
  if (pos + length > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + length; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

int weekday_index(Date day) {
  // date::weekday counts Sunday as 0; the language counts Monday as 0.
  unsigned c_encoding = date::weekday(day).c_encoding();
  return static_cast<int>((c_encoding + 6) % 7);
}

std::string format_local_iso(Instant t, const date::time_zone* zone) {
  date::sys_info info = zone->get_info(t);
  LocalTime local{t.time_since_epoch() + info.offset};
  std::string text = date::format("%Y-%m-%dT%H:%M:%S", local);

  auto offset = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  char sign = offset < 0 ? '-' : '+';
  if (offset < 0) offset = -offset;
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", sign, static_cast<int>(offset / 60),
                static_cast<int>(offset % 60));
  return text + buffer;
}

std::string format_date(Date day) {
  return date::format("%Y-%m-%d", day);
}

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = digits(text, 0, 4);
  auto month = digits(text, 5, 2);
  auto day = digits(text, 8, 2);
  if (!year || !month || !day) return std::nullopt;

  date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                           date::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  return Date{ymd};
}

std::optional<LocalTime> parse_local_datetime(std::string_view text) {
  if (text.size() != 16 && text.size() != 19) return std::nullopt;
  auto day = parse_iso_date(text.substr(0, 10));
  if (!day || text[10] != 'T' || text[13] != ':') return std::nullopt;

  auto hour = digits(text, 11, 2);
  auto minute = digits(text, 14, 2);
  int second = 0;
  if (text.size() == 19) {
    auto parsed = text[16] == ':' ? digits(text, 17, 2) : std::nullopt;
    if (!parsed) return std::nullopt;
    second = *parsed;
  }
  if (!hour || !minute || *hour > 23 || *minute > 59 || second > 59) return std::nullopt;

  auto since_midnight =
      std::chrono::hours{*hour} + std::chrono::minutes{*minute} + std::chrono::seconds{second};
  return LocalTime{day->time_since_epoch() + since_midnight};
}

Instant to_instant(LocalTime local, const date::time_zone* zone) {
  // choose::earliest gives the earlier instant of an ambiguous time and the
  // transition instant (first instant after the gap) of a nonexistent one.
  return zone->to_sys(local, date::choose::earliest);
}

std::optional<Seconds> parse_duration(std::string_view text) {
  static constexpr std::pair<char, std::int64_t> kUnits[] = {
      {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // units must come in decreasing order, once each
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 9) {
      number = number * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || i == text.size()) return std::nullopt;

    std::size_t unit = next_unit;
    while (unit < std::size(kUnits) && kUnits[unit].first != text[i]) ++unit;
    if (unit == std::size(kUnits)) return std::nullopt;
    total += number * kUnits[unit].second;
    next_unit = unit + 1;
    ++i;
  }
  if (total == 0) return std::nullopt;
  return Seconds{total};
}

std::string format_duration(Seconds duration) {
  std::int64_t s = duration.count();
  char buffer[48];
  if (s < 60) {
    std::snprintf(buffer, sizeof buffer, "%lld s", static_cast<long long>(s));
  } else if (s < 3600 && s % 60 != 0) {
    std::snprintf(buffer, sizeof buffer, "%lld min %02lld s", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else if (s < 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld min", static_cast<long long>(s / 60));
  } else if (s < 86400) {
    std::snprintf(buffer, sizeof buffer, "%lld h %02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld j %02lld h", static_cast<long long>(s / 86400),
                  static_cast<long long>(s % 86400 / 3600));
  }
  return buffer;
}

const date::time_zone* find_zone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

std::optional<Instant> parse_utc_iso(std::string_view text) {
  // date::parse with a %S field trips GCC 12's -Wmaybe-uninitialized in
  // Release builds, so the date and time go through the strict local parser.
  if (text.size() != 20 || text.back() != 'Z') return std::nullopt;
  const std::optional<LocalTime> wall = parse_local_datetime(text.substr(0, 19));
  if (!wall) return std::nullopt;
  return Instant{wall->time_since_epoch()};
}

}  // namespace vigie::common
