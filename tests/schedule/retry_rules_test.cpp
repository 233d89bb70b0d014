// The retry rules of next_step: never before the delay, rolled to the next
// opening, one attempt budget per contact and cycle, and callbacks inside
// hours, cap and window. The last case compares next_step with a reference
// written here from the language reference, on random inputs.

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "schedule/calendar.hpp"
#include "schedule/calling_hours.hpp"
#include "schedule/retry.hpp"
#include "schedule/schedule_fixtures.hpp"

namespace vigie::schedule {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using test::local;
using test::local_text;

// A campaign with its resolved calendar and calling hours in Europe/Paris.
// CallingHours keeps pointers into the campaign, so this is never copied.
struct Setup {
  ir::Campaign campaign;
  const date::time_zone* zone = test::zone("Europe/Paris");
  HolidayCalendar holidays{campaign.calendar};
  CallingHours calling{campaign.hours, holidays, zone};

  explicit Setup(ir::Campaign campaign_in) : campaign(std::move(campaign_in)) {}
  Setup(const Setup&) = delete;

  CycleWindow window(const char* local_start) const {
    common::Instant begin = local(zone, local_start);
    return CycleWindow{begin, begin + campaign.retry.within};
  }

  std::string describe(const NextStep& step) const {
    if (step.final) return "final " + campaign.dispositions[step.outcome].name;
    return local_text(step.next_attempt, zone);
  }

  std::string next(const CycleWindow& window, int attempts_made, const char* disposition,
                   const char* ended_at, const char* callback_local = nullptr) const {
    std::int32_t index = campaign.disposition_index(disposition);
    REQUIRE(index >= 0);
    std::optional<common::Instant> callback_at;
    if (callback_local) callback_at = local(zone, callback_local);
    return describe(next_step(campaign, calling, window, attempts_made, index,
                              local(zone, ended_at), callback_at));
  }
};

TEST_CASE("retry never starts before its delay", "[schedule][retry_rules]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  CycleWindow window = paris.window("2019-06-24T09:00");  // Monday

  // Attempts ending every 37 seconds through an afternoon: the retry is
  // exactly the delay later while that is open, and never earlier.
  common::Instant from = local(paris.zone, "2019-06-24T12:00");
  for (common::Instant ended = from; ended < from + hours{7}; ended += common::Seconds{37}) {
    NextStep step =
        next_step(paris.campaign, paris.calling, window, 1, ir::kBusy, ended, std::nullopt);
    REQUIRE_FALSE(step.final);
    CHECK(step.next_attempt >= ended + minutes{30});
    if (paris.calling.is_open(ended + minutes{30})) {
      CHECK(step.next_attempt == ended + minutes{30});
    }
  }
}

TEST_CASE("retry after closing rolls to next opening", "[schedule][retry_rules]") {
  ir::Campaign campaign = test::make_campaign(test::standard_retry());
  campaign.hours = test::weekly_hours("09:00-12:30, 14:00-19:00", "10:00-19:00");
  campaign.hours.holiday = test::day("10:00-19:00");
  campaign.retry.within = hours{96};
  Setup paris(std::move(campaign));

  struct Case {
    const char* window_start;
    const char* disposition;
    const char* ended_at;
    const char* expected;
  };
  const Case cases[] = {
      // Lunch break: 12:20 + 30 min is 12:50, so 14:00.
      {"2019-06-24T09:00", "busy", "2019-06-24T12:20", "2019-06-24T14:00:00+02:00"},
      // The last open second before the break still counts.
      {"2019-06-24T09:00", "busy", "2019-06-24T11:59:59", "2019-06-24T12:29:59+02:00"},
      // Evening: 18:45 + 30 min is 19:15, so the next morning at 09:00.
      {"2019-06-24T09:00", "busy", "2019-06-24T18:45", "2019-06-25T09:00:00+02:00"},
      // Friday evening to Saturday's 10:00 opening.
      {"2019-06-28T09:00", "no_answer", "2019-06-28T17:30", "2019-06-29T10:00:00+02:00"},
      // Thursday evening to the 1 November holiday's 10:00 opening.
      {"2019-10-31T09:00", "voicemail", "2019-10-31T16:30", "2019-11-01T10:00:00+01:00"},
      // A delay that ends overnight also waits for the opening.
      {"2019-06-24T09:00", "no_answer", "2019-06-24T23:30", "2019-06-25T09:00:00+02:00"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.disposition, c.ended_at);
    CHECK(paris.next(paris.window(c.window_start), 1, c.disposition, c.ended_at) == c.expected);
  }
}

TEST_CASE("attempt budget holds for every disposition", "[schedule][retry_rules]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  test::set_retry(paris.campaign, "callback", test::after(hours{1}));
  CycleWindow window = paris.window("2019-06-24T09:00");
  const int cap = paris.campaign.retry.attempts;

  for (std::int32_t disposition = 0; disposition < ir::kUnreachable; ++disposition) {
    const ir::Disposition& definition = paris.campaign.dispositions[disposition];
    bool ends_itself = definition.final || disposition == ir::kCompleted ||
                       disposition == ir::kWrongNumber || disposition == ir::kRefused;
    for (bool with_callback_time : {false, true}) {
      std::optional<common::Instant> callback_at;
      if (with_callback_time) callback_at = local(paris.zone, "2019-06-24T15:00");

      for (int attempts_made = 1; attempts_made <= cap + 1; ++attempts_made) {
        CAPTURE(definition.name, with_callback_time, attempts_made);
        NextStep step = next_step(paris.campaign, paris.calling, window, attempts_made, disposition,
                                  local(paris.zone, "2019-06-24T11:00"), callback_at);
        if (ends_itself) {
          CHECK(step.final);
          CHECK(step.outcome == disposition);
        } else if (attempts_made >= cap) {
          CHECK(step.final);
          CHECK(step.outcome == ir::kUnreachable);
        } else {
          CHECK_FALSE(step.final);
        }
      }
    }
  }
}

TEST_CASE("callback honoured inside hours, cap and window", "[schedule][retry_rules]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  test::set_retry(paris.campaign, "callback", test::after(hours{1}));
  CycleWindow window = paris.window("2019-06-24T10:00");  // ends Wednesday 10:00

  struct Case {
    int attempts_made;
    const char* ended_at;
    const char* callback_local;
    const char* expected;
  };
  const Case cases[] = {
      // Inside hours: exactly the requested time, also before the 1 h delay.
      {1, "2019-06-24T11:00", "2019-06-24T16:45", "2019-06-24T16:45:00+02:00"},
      {1, "2019-06-24T11:00", "2019-06-24T11:10", "2019-06-24T11:10:00+02:00"},
      {3, "2019-06-24T11:00", "2019-06-25T18:59:59", "2019-06-25T18:59:59+02:00"},
      // Outside hours: the next opening after the requested time.
      {1, "2019-06-24T11:00", "2019-06-24T21:00", "2019-06-25T09:00:00+02:00"},
      {1, "2019-06-24T11:00", "2019-06-25T07:30", "2019-06-25T09:00:00+02:00"},
      // The window: the last second before its end, then nothing.
      {1, "2019-06-24T11:00", "2019-06-26T09:59:59", "2019-06-26T09:59:59+02:00"},
      {1, "2019-06-24T11:00", "2019-06-26T10:00", "final unreachable"},
      {1, "2019-06-24T11:00", "2019-06-25T19:30", "2019-06-26T09:00:00+02:00"},
      {1, "2019-06-24T11:00", "2019-06-28T10:00", "final unreachable"},
      // The cap wins over a requested time.
      {4, "2019-06-24T11:00", "2019-06-24T16:45", "final unreachable"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.attempts_made, c.callback_local);
    CHECK(paris.next(window, c.attempts_made, "callback", c.ended_at, c.callback_local) ==
          c.expected);
  }
}

// The rules of the language reference, written again without the engine's
// helpers, for paris_hours() and the fr_metropole holidays of the autumn of
// 2019. No Paris clock change falls between 09:00 and 19:00, so every
// opening is a single instant.
class ReferenceRules {
 public:
  explicit ReferenceRules(const ir::Campaign& campaign)
      : campaign_(campaign), zone_(test::zone("Europe/Paris")) {}

  std::optional<common::Instant> next(const CycleWindow& window, int attempts_made,
                                      std::int32_t disposition, common::Instant ended_at,
                                      std::optional<common::Instant> callback_at) const {
    const std::string& name = campaign_.dispositions[disposition].name;
    if (name == "completed" || campaign_.dispositions[disposition].final) return std::nullopt;
    if (name == "wrong_number" || name == "refused") return std::nullopt;
    if (attempts_made >= campaign_.retry.attempts) return std::nullopt;

    common::Instant earliest = ended_at + delays_.at(name);
    if (name == "callback" && callback_at) earliest = std::max(*callback_at, ended_at);

    common::Instant start = next_open(earliest);
    if (start >= window.end) return std::nullopt;
    return start;
  }

 private:
  int opening_minute(date::local_days day) const {
    bool weekend = date::weekday{day} == date::Saturday || date::weekday{day} == date::Sunday;
    bool holiday = holidays_.count(common::format_date(common::Date{day.time_since_epoch()})) != 0;
    return weekend || holiday ? 10 * 60 : 9 * 60;
  }

  common::Instant next_open(common::Instant t) const {
    common::LocalTime local_time = zone_->to_local(t);
    date::local_days day = date::floor<date::days>(local_time);
    for (int offset = 0; offset < 8; ++offset) {
      date::local_days candidate_day = day + date::days{offset};
      common::Instant opens = zone_->to_sys(candidate_day + minutes{opening_minute(candidate_day)});
      common::Instant closes = zone_->to_sys(candidate_day + hours{19});
      if (t < opens) return opens;
      if (t < closes) return t;
    }
    FAIL("no opening within a week of the reference time");
    return t;
  }

  const ir::Campaign& campaign_;
  const date::time_zone* zone_;
  const std::set<std::string> holidays_ = {"2019-11-01", "2019-11-11"};
  const std::map<std::string, common::Seconds> delays_ = {
      {"partial", hours{1}},   {"no_answer", hours{2}}, {"busy", minutes{30}},
      {"voicemail", hours{3}}, {"failed", minutes{15}}, {"callback", hours{1}},
  };
};

TEST_CASE("next_step agrees with reference rules", "[schedule][retry_rules]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  test::set_retry(paris.campaign, "callback", test::after(hours{1}));
  ReferenceRules reference(paris.campaign);

  // Cycle starts from 21 October to 10 November 2019: the autumn clock
  // change and two holidays fall inside.
  std::mt19937 random(20191027);
  std::uniform_int_distribution<int> pick_start_minutes(0, 20 * 24 * 60);
  std::uniform_int_distribution<int> pick_offset_minutes(0, 50 * 60);
  std::uniform_int_distribution<std::int32_t> pick_disposition(ir::kCompleted, ir::kDeceased);
  std::uniform_int_distribution<int> pick_attempts(1, 5);
  common::Instant first_start = local(paris.zone, "2019-10-21T00:00");

  for (int i = 0; i < 20000; ++i) {
    common::Instant start = first_start + minutes{pick_start_minutes(random)};
    CycleWindow window{start, start + paris.campaign.retry.within};
    common::Instant ended_at = start + minutes{pick_offset_minutes(random)};
    std::int32_t disposition = pick_disposition(random);
    int attempts_made = pick_attempts(random);
    std::optional<common::Instant> callback_at;
    if (random() % 2 == 0) callback_at = ended_at + minutes{pick_offset_minutes(random) - 600};

    NextStep step = next_step(paris.campaign, paris.calling, window, attempts_made, disposition,
                              ended_at, callback_at);
    std::optional<common::Instant> expected =
        reference.next(window, attempts_made, disposition, ended_at, callback_at);
    if (step.final == expected.has_value() || (!step.final && step.next_attempt != *expected)) {
      FAIL_CHECK("start " << local_text(start, paris.zone) << ", ended "
                          << local_text(ended_at, paris.zone) << ", disposition "
                          << paris.campaign.dispositions[disposition].name << ", attempts "
                          << attempts_made << ": engine " << paris.describe(step) << ", reference "
                          << (expected ? local_text(*expected, paris.zone) : "final"));
    }
  }
}

}  // namespace
}  // namespace vigie::schedule
