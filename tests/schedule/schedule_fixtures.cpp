#include "schedule/schedule_fixtures.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

namespace vigie::test {
namespace {

// Seconds since midnight of "HH:MM".
common::TimeOfDay parse_clock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') {
    throw std::invalid_argument("invalid time '" + std::string(text) +
                                "' in test data; expected HH:MM");
  }
  int hours = (text[0] - '0') * 10 + (text[1] - '0');
  int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  return hours * 3600 + minutes * 60;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<ir::Disposition> builtin_dispositions() {
  struct Row {
    const char* name;
    bool final;
  };
  const Row rows[] = {
      {"completed", false}, {"partial", false}, {"no_answer", false},  {"busy", false},
      {"voicemail", false}, {"failed", false},  {"callback", false},   {"wrong_number", true},
      {"refused", true},    {"deceased", true}, {"unreachable", true},
  };
  std::vector<ir::Disposition> dispositions;
  for (const Row& row : rows) {
    dispositions.push_back(ir::Disposition{row.name, row.name, row.final, /*builtin=*/true});
  }
  return dispositions;
}

ir::DayHours day(std::string_view intervals) {
  ir::DayHours hours;
  intervals = trim(intervals);
  if (intervals.empty() || intervals == "closed") return hours;

  while (!intervals.empty()) {
    std::size_t comma = intervals.find(',');
    std::string_view item = trim(intervals.substr(0, comma));
    intervals = comma == std::string_view::npos ? std::string_view{} : intervals.substr(comma + 1);

    std::size_t dash = item.find('-');
    hours.intervals.push_back(
        ir::Interval{parse_clock(item.substr(0, dash)), parse_clock(item.substr(dash + 1))});
  }
  return hours;
}

ir::Hours weekly_hours(std::string_view weekdays, std::string_view weekend) {
  ir::Hours hours;
  for (int i = 0; i < 5; ++i) hours.weekdays[i] = day(weekdays);
  for (int i = 5; i < 7; ++i) hours.weekdays[i] = day(weekend);
  return hours;
}

ir::Hours paris_hours() {
  ir::Hours hours = weekly_hours("09:00-19:00", "10:00-19:00");
  hours.name = "paris_hours";
  hours.holiday = day("10:00-19:00");
  return hours;
}

ir::RetryAction after(common::Seconds delay) {
  return ir::RetryAction{ir::RetryAction::Kind::retry, delay};
}

ir::RetryAction stop() {
  return ir::RetryAction{ir::RetryAction::Kind::stop, {}};
}

ir::RetryPolicy standard_retry() {
  using std::chrono::hours;
  using std::chrono::minutes;

  ir::RetryPolicy policy;
  policy.name = "standard_48h";
  policy.attempts = 4;
  policy.within = hours{48};
  policy.on.resize(ir::kBuiltinDispositionCount);
  policy.on[ir::kNoAnswer] = after(hours{2});
  policy.on[ir::kBusy] = after(minutes{30});
  policy.on[ir::kVoicemail] = after(hours{3});
  policy.on[ir::kFailed] = after(minutes{15});
  policy.on[ir::kPartial] = after(hours{1});
  policy.on[ir::kWrongNumber] = stop();
  policy.on[ir::kRefused] = stop();
  policy.otherwise = after(hours{2});
  return policy;
}

ir::Campaign make_campaign(const ir::RetryPolicy& retry) {
  ir::Campaign campaign;
  campaign.name = "test_campaign";
  campaign.timezone = "Europe/Paris";
  campaign.calendar.name = "fr_metropole";
  campaign.calendar.base = ir::BuiltinCalendar::fr_metropole;
  campaign.hours = paris_hours();
  campaign.retry = retry;
  campaign.dispositions = builtin_dispositions();
  campaign.retry.on.resize(campaign.dispositions.size());
  return campaign;
}

void set_retry(ir::Campaign& campaign, std::string_view disposition, ir::RetryAction action) {
  std::int32_t index = campaign.disposition_index(disposition);
  REQUIRE(index >= 0);
  campaign.retry.on.resize(campaign.dispositions.size());
  campaign.retry.on[index] = action;
}

const date::time_zone* zone(std::string_view name) {
  const date::time_zone* found = common::find_zone(name);
  REQUIRE(found != nullptr);
  return found;
}

common::Instant local(const date::time_zone* zone, std::string_view text) {
  std::optional<common::LocalTime> wall_clock = common::parse_local_datetime(text);
  REQUIRE(wall_clock.has_value());
  return common::to_instant(*wall_clock, zone);
}

std::string local_text(common::Instant t, const date::time_zone* zone) {
  return common::format_local_iso(t, zone);
}

common::Date civil(std::string_view text) {
  std::optional<common::Date> parsed = common::parse_iso_date(text);
  REQUIRE(parsed.has_value());
  return *parsed;
}

}  // namespace vigie::test
