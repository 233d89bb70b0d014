#include <catch2/catch.hpp>

#include <string>

#include "parse/literals.hpp"

using namespace vigie::parse;

namespace {

template <typename T>
std::string error_of(const Decoded<T>& decoded) {
  const std::string* message = std::get_if<std::string>(&decoded);
  return message ? *message : std::string();
}

}  // namespace

TEST_CASE("decode_date accepts real dates", "[literals]") {
  struct Case {
    const char* text;
    int year, month, day;
  };
  const Case cases[] = {
      {"2019-06-24", 2019, 6, 24},  {"2020-02-29", 2020, 2, 29}, {"2000-02-29", 2000, 2, 29},
      {"2019-12-31", 2019, 12, 31}, {"0001-01-01", 1, 1, 1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto decoded = decode_date(c.text);
    REQUIRE(error_of(decoded).empty());
    const DateParts& date = std::get<DateParts>(decoded);
    CHECK(date.year == c.year);
    CHECK(date.month == c.month);
    CHECK(date.day == c.day);
  }
}

TEST_CASE("decode_date rejects impossible dates", "[literals]") {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"2019-02-29", "invalid date '2019-02-29'; February 2019 has 28 days"},
      {"1900-02-29", "invalid date '1900-02-29'; February 1900 has 28 days"},
      {"2019-02-30", "invalid date '2019-02-30'; February 2019 has 28 days"},
      {"2019-04-31", "invalid date '2019-04-31'; April 2019 has 30 days"},
      {"2019-13-01", "invalid date '2019-13-01'; months go from 01 to 12"},
      {"2019-00-10", "invalid date '2019-00-10'; months go from 01 to 12"},
      {"2019-06-00", "invalid date '2019-06-00'; June 2019 has 30 days"},
      {"0000-01-01", "invalid date '0000-01-01'; years start at 0001"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(error_of(decode_date(c.text)) == c.message);
  }
}

TEST_CASE("decode_time handles the day's bounds", "[literals]") {
  CHECK(std::get<int>(decode_time("00:00", false)) == 0);
  CHECK(std::get<int>(decode_time("09:30", false)) == 9 * 3600 + 30 * 60);
  CHECK(std::get<int>(decode_time("23:59", false)) == 23 * 3600 + 59 * 60);
  CHECK(std::get<int>(decode_time("24:00", true)) == 86400);

  CHECK(error_of(decode_time("24:00", false)) ==
        "invalid time '24:00' here; 24:00 may only end an interval, use 00:00 for midnight");
  CHECK(error_of(decode_time("24:30", true)) ==
        "invalid time '24:30'; after 23:59 the only time is 24:00, the end of a day");
  CHECK(error_of(decode_time("25:00", true)) == "invalid time '25:00'; hours go from 00 to 23");
  CHECK(error_of(decode_time("09:60", true)) == "invalid time '09:60'; minutes go from 00 to 59");
}

TEST_CASE("decode_datetime combines date and time", "[literals]") {
  auto decoded = decode_datetime("2019-06-24T10:05");
  REQUIRE(error_of(decoded).empty());
  const DateTimeParts& parts = std::get<DateTimeParts>(decoded);
  CHECK(parts.date.year == 2019);
  CHECK(parts.date.month == 6);
  CHECK(parts.date.day == 24);
  CHECK(parts.seconds_of_day == 10 * 3600 + 5 * 60);

  CHECK(error_of(decode_datetime("2019-02-30T10:00")) ==
        "invalid date '2019-02-30'; February 2019 has 28 days");
  CHECK(error_of(decode_datetime("2019-06-24T24:00")) ==
        "invalid time '24:00' here; 24:00 may only end an interval, use 00:00 for midnight");
}

TEST_CASE("decode_duration sums its parts", "[literals]") {
  struct Case {
    const char* text;
    std::int64_t seconds;
  };
  const Case cases[] = {
      {"4h", 4 * 3600}, {"30m", 1800}, {"2h30m", 9000},     {"48h", 48 * 3600}, {"7d", 7 * 86400},
      {"0s", 0},        {"15s", 15},   {"1d2h3m4s", 93784}, {"120m", 120 * 60},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto decoded = decode_duration(c.text);
    REQUIRE(error_of(decoded).empty());
    CHECK(std::get<std::int64_t>(decoded) == c.seconds);
  }
}

TEST_CASE("decode_duration rejects repeated or unordered units", "[literals]") {
  CHECK(error_of(decode_duration("30m2h")) ==
        "invalid duration '30m2h'; write each unit once, from days to seconds, as in 1d2h30m");
  CHECK(error_of(decode_duration("2h2h")) ==
        "invalid duration '2h2h'; write each unit once, from days to seconds, as in 1d2h30m");
  CHECK(error_of(decode_duration("99999999999999999d")) ==
        "duration '99999999999999999d' is too long");
}

TEST_CASE("describe_bad_number explains the unit mistake", "[literals]") {
  CHECK(describe_bad_number("2w") ==
        "invalid duration '2w'; the units are d, h, m and s, as in 2h30m");
  CHECK(describe_bad_number("1.5h") ==
        "invalid duration '1.5h'; durations use whole numbers of d, h, m or s, as in 1h30m");
  CHECK(describe_bad_number("2h30") ==
        "invalid duration '2h30'; every number needs a unit d, h, m or s, as in 2h30m");
}

TEST_CASE("decode_int and decode_percent", "[literals]") {
  CHECK(std::get<std::int64_t>(decode_int("42")) == 42);
  CHECK(std::get<std::int64_t>(decode_int("9223372036854775807")) == INT64_MAX);
  CHECK(error_of(decode_int("9223372036854775808")) ==
        "number '9223372036854775808' is too large; the largest is 9223372036854775807");

  CHECK(std::get<double>(decode_percent("65%")) == Approx(0.65));
  CHECK(std::get<double>(decode_percent("12.5%")) == Approx(0.125));
  CHECK(std::get<double>(decode_percent("150%")) == Approx(1.5));
  CHECK(std::get<double>(decode_decimal("3.5")) == Approx(3.5));
}

TEST_CASE("decode_string decodes escapes and reports bad ones", "[literals]") {
  struct Case {
    const char* text;
    const char* value;
  };
  const Case cases[] = {
      {R"("plain")", "plain"},
      {R"("say \"hello\"")", "say \"hello\""},
      {R"("back\\slash")", "back\\slash"},
      {R"("two\nlines")", "two\nlines"},
      {"\"Hospitalisé(e) — niveau 3\"", "Hospitalisé(e) — niveau 3"},
      {R"("")", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    DecodedString decoded = decode_string(c.text);
    CHECK(decoded.error.empty());
    CHECK(decoded.value == c.value);
  }

  // The offset counts code points from the opening quote: "é" is one.
  DecodedString bad = decode_string("\"été\\tici\"");
  CHECK(bad.error ==
        "unknown escape '\\t' in text; the escapes are \\\" (quote), \\\\ (backslash) and \\n "
        "(new line)");
  CHECK(bad.error_offset == 4);
  CHECK(bad.error_length == 2);
}
