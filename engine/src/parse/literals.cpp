#include "parse/literals.hpp"

#include <cctype>
#include <charconv>
#include <limits>

namespace vigie::parse {
namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

const char* const kMonthNames[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};

// Parses the digits of `text` into `out`; false when there are none or the
// value overflows.
bool parse_digits(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

int two_digits(std::string_view text, std::size_t at) {
  return (text[at] - '0') * 10 + (text[at + 1] - '0');
}

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

// Position of each duration unit in the required order, or -1.
int unit_rank(char unit) {
  switch (unit) {
    case 'd':
      return 0;
    case 'h':
      return 1;
    case 'm':
      return 2;
    case 's':
      return 3;
    default:
      return -1;
  }
}

std::int64_t unit_seconds(char unit) {
  static const std::int64_t kSeconds[] = {86400, 3600, 60, 1};
  return kSeconds[unit_rank(unit)];
}

}  // namespace

Decoded<DateParts> decode_date(std::string_view text) {
  // The lexer guarantees the shape DDDD-DD-DD.
  DateParts date{std::stoi(std::string(text.substr(0, 4))), two_digits(text, 5),
                 two_digits(text, 8)};

  if (date.year < 1) return "invalid date " + quoted(text) + "; years start at 0001";
  if (date.month < 1 || date.month > 12) {
    return "invalid date " + quoted(text) + "; months go from 01 to 12";
  }
  int last_day = days_in_month(date.year, date.month);
  if (date.day < 1 || date.day > last_day) {
    return "invalid date " + quoted(text) + "; " + kMonthNames[date.month - 1] + " " +
           std::to_string(date.year) + " has " + std::to_string(last_day) + " days";
  }
  return date;
}

Decoded<int> decode_time(std::string_view text, bool allow_end_of_day) {
  // The lexer guarantees the shape DD:DD.
  int hours = two_digits(text, 0);
  int minutes = two_digits(text, 3);

  if (hours == 24 && minutes == 0) {
    if (allow_end_of_day) return 24 * 3600;
    return "invalid time '24:00' here; 24:00 may only end an interval, use 00:00 for midnight";
  }
  if (hours == 24) {
    return "invalid time " + quoted(text) +
           "; after 23:59 the only time is 24:00, the end of a day";
  }
  if (hours > 23) return "invalid time " + quoted(text) + "; hours go from 00 to 23";
  if (minutes > 59) return "invalid time " + quoted(text) + "; minutes go from 00 to 59";
  return hours * 3600 + minutes * 60;
}

Decoded<DateTimeParts> decode_datetime(std::string_view text) {
  // The lexer guarantees the shape DDDD-DD-DDTDD:DD.
  auto date = decode_date(text.substr(0, 10));
  if (auto* error = std::get_if<std::string>(&date)) return *error;
  auto time = decode_time(text.substr(11), /*allow_end_of_day=*/false);
  if (auto* error = std::get_if<std::string>(&time)) return *error;
  return DateTimeParts{std::get<DateParts>(date), std::get<int>(time)};
}

Decoded<std::int64_t> decode_duration(std::string_view text) {
  std::int64_t total = 0;
  int previous_rank = -1;
  std::size_t at = 0;

  while (at < text.size()) {
    std::size_t digits_end = at;
    while (digits_end < text.size() && std::isdigit(static_cast<unsigned char>(text[digits_end]))) {
      ++digits_end;
    }
    if (digits_end >= text.size()) return describe_bad_number(text);
    std::int64_t count = 0;
    char unit = text[digits_end];
    int rank = unit_rank(unit);
    if (rank < 0) return describe_bad_number(text);
    if (rank <= previous_rank) {
      return "invalid duration " + quoted(text) +
             "; write each unit once, from days to seconds, as in 1d2h30m";
    }
    if (!parse_digits(text.substr(at, digits_end - at), count) ||
        count > (kMaxInt - total) / unit_seconds(unit)) {
      return "duration " + quoted(text) + " is too long";
    }
    total += count * unit_seconds(unit);
    previous_rank = rank;
    at = digits_end + 1;
  }
  return total;
}

Decoded<std::int64_t> decode_int(std::string_view text) {
  std::int64_t value = 0;
  if (!parse_digits(text, value)) {
    return "number " + quoted(text) + " is too large; the largest is " + std::to_string(kMaxInt);
  }
  return value;
}

Decoded<double> decode_decimal(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return "number " + quoted(text) + " is out of range";
  }
  return value;
}

Decoded<double> decode_percent(std::string_view text) {
  auto number = decode_decimal(text.substr(0, text.size() - 1));
  if (auto* error = std::get_if<std::string>(&number)) return *error;
  return std::get<double>(number) / 100.0;
}

DecodedString decode_string(std::string_view text) {
  DecodedString result;
  std::uint32_t code_points = 1;  // the opening quote

  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    char c = text[i];
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++code_points;
    if (c != '\\') {
      result.value += c;
      continue;
    }

    char escaped = text[++i];
    if (escaped == '"' || escaped == '\\') {
      result.value += escaped;
    } else if (escaped == 'n') {
      result.value += '\n';
    } else if (result.error.empty()) {
      // Report the first bad escape only; the rest of the text still decodes.
      std::string shown = "\\";
      shown += escaped;
      result.error = "unknown escape '" + shown +
                     "' in text; the escapes are \\\" (quote), \\\\ (backslash) and \\n (new line)";
      result.error_offset = code_points - 1;
      result.error_length = 2;
    }
    if ((static_cast<unsigned char>(escaped) & 0xC0) != 0x80) ++code_points;
  }
  return result;
}

std::string describe_bad_number(std::string_view text) {
  std::size_t digits_end = 0;
  while (digits_end < text.size() && std::isdigit(static_cast<unsigned char>(text[digits_end]))) {
    ++digits_end;
  }

  if (digits_end < text.size() && text[digits_end] == '.') {
    return "invalid duration " + quoted(text) +
           "; durations use whole numbers of d, h, m or s, as in 1h30m";
  }
  bool ends_with_digit = std::isdigit(static_cast<unsigned char>(text.back())) != 0;
  bool units_only = true;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && unit_rank(c) < 0) units_only = false;
  }
  if (units_only && ends_with_digit) {
    return "invalid duration " + quoted(text) +
           "; every number needs a unit d, h, m or s, as in 2h30m";
  }
  return "invalid duration " + quoted(text) + "; the units are d, h, m and s, as in 2h30m";
}

}  // namespace vigie::parse
