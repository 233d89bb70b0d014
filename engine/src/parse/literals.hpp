#pragma once
// Decoding of literal token text into values. Each decoder returns the value
// or an error message a campaign designer can act on; the caller attaches
// the token's position. No ANTLR type appears here, so these are unit-tested
// on plain strings.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace vigie::parse {

// An error message, or a decoded value.
template <typename T>
using Decoded = std::variant<T, std::string>;

struct DateParts {
  int year = 0;
  int month = 0;
  int day = 0;
};

struct DateTimeParts {
  DateParts date;
  int seconds_of_day = 0;
};

// A string literal's text with its escapes decoded. On a bad escape,
// `error` is set and `error_offset` is the escape's offset in code points
// from the opening quote.
struct DecodedString {
  std::string value;
  std::string error;
  std::uint32_t error_offset = 0;
  std::uint32_t error_length = 0;
};

// `2019-06-24`: checks the month and the day against the month's length.
Decoded<DateParts> decode_date(std::string_view text);

// `09:00` -> seconds since midnight. `24:00` is accepted (86400) only when
// `allow_end_of_day` is true, as the end of an interval.
Decoded<int> decode_time(std::string_view text, bool allow_end_of_day);

// `2019-06-24T10:00`.
Decoded<DateTimeParts> decode_datetime(std::string_view text);

// `2h30m` -> seconds. Units d h m s, each at most once, largest first.
Decoded<std::int64_t> decode_duration(std::string_view text);

// `42`; rejects values that do not fit in 64 bits.
Decoded<std::int64_t> decode_int(std::string_view text);

// `3.5`.
Decoded<double> decode_decimal(std::string_view text);

// `65%` -> 0.65.
Decoded<double> decode_percent(std::string_view text);

// `"..."` including the quotes; escapes \" \\ \n.
DecodedString decode_string(std::string_view text);

// The message for a BAD_NUMBER token: a number glued to letters that do not
// form a duration, such as `5y`, `2h30` or `1.5h`.
std::string describe_bad_number(std::string_view text);

}  // namespace vigie::parse
