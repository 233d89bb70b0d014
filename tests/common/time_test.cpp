#include <catch2/catch.hpp>

#include "common/time.hpp"

using namespace vigie::common;
using namespace std::chrono_literals;

namespace {
const date::time_zone* paris() {
  return find_zone("Europe/Paris");
}
}  // namespace

TEST_CASE("weekday_index numbers Monday as 0", "[time]") {
  CHECK(weekday_index(*parse_iso_date("2019-06-24")) == 0);  // Monday
  CHECK(weekday_index(*parse_iso_date("2019-06-30")) == 6);  // Sunday
}

TEST_CASE("parse_iso_date rejects impossible dates", "[time]") {
  CHECK(parse_iso_date("2019-02-29") == std::nullopt);
  CHECK(parse_iso_date("2020-02-29").has_value());
  CHECK(parse_iso_date("2019-13-01") == std::nullopt);
  CHECK(parse_iso_date("19-06-24") == std::nullopt);
}

TEST_CASE("format_local_iso shows the offset of the day", "[time]") {
  auto summer = to_instant(*parse_local_datetime("2019-06-24T09:00"), paris());
  auto winter = to_instant(*parse_local_datetime("2019-12-24T09:00"), paris());
  CHECK(format_local_iso(summer, paris()) == "2019-06-24T09:00:00+02:00");
  CHECK(format_local_iso(winter, paris()) == "2019-12-24T09:00:00+01:00");
  CHECK(format_local_iso(summer, find_zone("America/Guadeloupe")) == "2019-06-24T03:00:00-04:00");
}

TEST_CASE("to_instant resolves gaps and repeated local times", "[time]") {
  // 2019-03-31 02:30 does not exist in Paris: the first instant after the gap is 03:00 CEST.
  auto gap = to_instant(*parse_local_datetime("2019-03-31T02:30"), paris());
  CHECK(format_local_iso(gap, paris()) == "2019-03-31T03:00:00+02:00");

  // 2019-10-27 02:30 occurs twice: the earlier one (CEST) is taken.
  auto twice = to_instant(*parse_local_datetime("2019-10-27T02:30"), paris());
  CHECK(format_local_iso(twice, paris()) == "2019-10-27T02:30:00+02:00");
}

TEST_CASE("find_zone returns null for unknown names", "[time]") {
  CHECK(find_zone("Europe/Paris") != nullptr);
  CHECK(find_zone("Europe/Pariss") == nullptr);
}

TEST_CASE("parse_duration reads language durations", "[common][time]") {
  const std::pair<const char*, Seconds> valid[] = {
      {"6m", 6min}, {"90s", 90s}, {"1h30m", 90min}, {"2d", 48h}, {"1d2h3m4s", 93784s}};
  for (const auto& [text, expected] : valid) {
    INFO(text);
    REQUIRE(parse_duration(text));
    CHECK(*parse_duration(text) == expected);
  }
  for (const char* text :
       {"", "6", "m", "6x", "0m", "30s2m", "1h1h", "-5m", "6 m", "9999999999s"}) {
    INFO(text);
    CHECK_FALSE(parse_duration(text));
  }
}

TEST_CASE("format_duration writes durations for people", "[common][time]") {
  CHECK(format_duration(45s) == "45 s");
  CHECK(format_duration(6min) == "6 min");
  CHECK(format_duration(5min + 30s) == "5 min 30 s");
  CHECK(format_duration(2h + 5min) == "2 h 05");
  CHECK(format_duration(27h) == "1 j 03 h");
}

TEST_CASE("parse_utc_iso reads store instants strictly", "[time]") {
  auto instant = parse_utc_iso("2019-06-24T07:00:05Z");
  REQUIRE(instant.has_value());
  CHECK(*instant == to_instant(*parse_local_datetime("2019-06-24T09:00:05"), paris()));

  CHECK_FALSE(parse_utc_iso("2019-06-24T07:00:05").has_value());
  CHECK_FALSE(parse_utc_iso("2019-06-24T07:00Z").has_value());
  CHECK_FALSE(parse_utc_iso("2019-02-30T07:00:05Z").has_value());
  CHECK_FALSE(parse_utc_iso("2019-06-24 07:00:05Z").has_value());
  CHECK_FALSE(parse_utc_iso("").has_value());
}
