#include "schedule/retry.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>

#include "schedule/schedule_fixtures.hpp"

namespace vigie::schedule {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using test::local;
using test::local_text;

// A campaign with its resolved calendar and calling hours; CallingHours
// keeps pointers into the campaign, so this is neither copied nor moved.
struct Setup {
  ir::Campaign campaign;
  const date::time_zone* zone;
  HolidayCalendar holidays{campaign.calendar};
  CallingHours calling{campaign.hours, holidays, zone};

  explicit Setup(ir::Campaign campaign_in)
      : campaign(std::move(campaign_in)), zone(test::zone(campaign.timezone)) {}
  Setup(const Setup&) = delete;

  CycleWindow window(const char* start) const {
    common::Instant begin = local(zone, start);
    return CycleWindow{begin, begin + campaign.retry.within};
  }

  // "final OUTCOME" or the next attempt as local time.
  std::string describe(const NextStep& step) const {
    if (step.final) return "final " + campaign.dispositions[step.outcome].name;
    return local_text(step.next_attempt, zone);
  }
};

struct StepCase {
  const char* disposition;
  int attempts_made;
  const char* ended_at;     // local
  const char* callback_at;  // local, or nullptr
  const char* expected;
};

void check_steps(const Setup& setup, const CycleWindow& window,
                 const std::vector<StepCase>& cases) {
  for (const StepCase& c : cases) {
    CAPTURE(c.disposition, c.attempts_made, c.ended_at, c.callback_at ? c.callback_at : "-");
    std::int32_t disposition = setup.campaign.disposition_index(c.disposition);
    REQUIRE(disposition >= 0);

    std::optional<common::Instant> callback_at;
    if (c.callback_at) callback_at = local(setup.zone, c.callback_at);
    NextStep step = next_step(setup.campaign, setup.calling, window, c.attempts_made, disposition,
                              local(setup.zone, c.ended_at), callback_at);
    CHECK(setup.describe(step) == c.expected);
  }
}

TEST_CASE("next_step delays roll into hours", "[schedule][retry]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  CycleWindow window = paris.window("2019-06-24T10:00");  // Monday, ends Wednesday 10:00

  check_steps(paris, window,
              {
                  {"no_answer", 1, "2019-06-24T10:05", nullptr, "2019-06-24T12:05:00+02:00"},
                  {"no_answer", 1, "2019-06-24T18:00", nullptr, "2019-06-25T09:00:00+02:00"},
                  {"busy", 2, "2019-06-24T18:20", nullptr, "2019-06-24T18:50:00+02:00"},
                  {"busy", 2, "2019-06-24T18:30", nullptr, "2019-06-25T09:00:00+02:00"},
                  {"busy", 2, "2019-06-24T18:29:59", nullptr, "2019-06-24T18:59:59+02:00"},
                  {"voicemail", 1, "2019-06-24T16:30", nullptr, "2019-06-25T09:00:00+02:00"},
                  {"failed", 1, "2019-06-24T18:50", nullptr, "2019-06-25T09:00:00+02:00"},
                  {"partial", 1, "2019-06-24T11:00", nullptr, "2019-06-24T12:00:00+02:00"},
              });
}

TEST_CASE("next_step ends on final or stop", "[schedule][retry]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  CycleWindow window = paris.window("2019-06-24T10:00");

  check_steps(paris, window,
              {
                  {"completed", 1, "2019-06-24T11:00", nullptr, "final completed"},
                  {"wrong_number", 1, "2019-06-24T11:00", nullptr, "final wrong_number"},
                  {"deceased", 1, "2019-06-24T11:00", nullptr, "final deceased"},
                  // A final outcome wins over the cap.
                  {"refused", 4, "2019-06-24T11:00", nullptr, "final refused"},
              });

  // `stop` on a disposition that is not final makes it the outcome.
  test::set_retry(paris.campaign, "voicemail", test::stop());
  test::set_retry(paris.campaign, "refused", ir::RetryAction{});
  check_steps(paris, window,
              {
                  {"voicemail", 1, "2019-06-24T11:00", nullptr, "final voicemail"},
                  {"voicemail", 4, "2019-06-24T11:00", nullptr, "final voicemail"},
                  {"refused", 1, "2019-06-24T11:00", nullptr, "final refused"},
              });
}

TEST_CASE("next_step enforces the attempt cap", "[schedule][retry]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  CycleWindow window = paris.window("2019-06-24T10:00");

  check_steps(paris, window,
              {
                  {"no_answer", 3, "2019-06-24T11:00", nullptr, "2019-06-24T13:00:00+02:00"},
                  {"no_answer", 4, "2019-06-24T11:00", nullptr, "final unreachable"},
                  {"no_answer", 5, "2019-06-24T11:00", nullptr, "final unreachable"},
                  {"callback", 4, "2019-06-24T11:00", "2019-06-24T15:00", "final unreachable"},
              });
}

TEST_CASE("next_step falls back to otherwise", "[schedule][retry]") {
  ir::Campaign campaign = test::make_campaign(test::standard_retry());
  campaign.dispositions.push_back({"line_noise", "Line noise", /*final=*/false, false});
  campaign.dispositions.push_back({"hospitalized", "In hospital", /*final=*/true, false});
  campaign.retry.otherwise = test::after(minutes{45});
  Setup paris(std::move(campaign));
  CycleWindow window = paris.window("2019-06-24T10:00");

  check_steps(paris, window,
              {
                  {"line_noise", 1, "2019-06-24T11:00", nullptr, "2019-06-24T11:45:00+02:00"},
                  {"callback", 1, "2019-06-24T11:00", nullptr, "2019-06-24T11:45:00+02:00"},
                  {"hospitalized", 1, "2019-06-24T11:00", nullptr, "final hospitalized"},
              });

  test::set_retry(paris.campaign, "callback", test::after(hours{1}));
  check_steps(paris, window,
              {{"callback", 1, "2019-06-24T11:00", nullptr, "2019-06-24T12:00:00+02:00"}});
}

TEST_CASE("next_step schedules callbacks inside hours", "[schedule][retry]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  test::set_retry(paris.campaign, "callback", test::after(hours{1}));
  CycleWindow window = paris.window("2019-06-24T10:00");

  check_steps(
      paris, window,
      {
          {"callback", 1, "2019-06-24T11:00", "2019-06-24T20:00", "2019-06-25T09:00:00+02:00"},
          {"callback", 1, "2019-06-24T11:00", "2019-06-25T15:10", "2019-06-25T15:10:00+02:00"},
          // The requested time is earlier than the delay would give.
          {"callback", 1, "2019-06-24T11:00", "2019-06-24T11:20", "2019-06-24T11:20:00+02:00"},
          // Never before the attempt that asked for it ended.
          {"callback", 1, "2019-06-24T11:00", "2019-06-24T10:00", "2019-06-24T11:00:00+02:00"},
          {"callback", 1, "2019-06-24T11:00", "2019-06-26T11:00", "final unreachable"},
          {"callback", 1, "2019-06-24T11:00", "2019-06-25T19:30", "2019-06-26T09:00:00+02:00"},
      });
}

TEST_CASE("next_step unreachable after window", "[schedule][retry]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  CycleWindow window = paris.window("2019-06-24T10:00");  // ends 2019-06-26T10:00

  check_steps(paris, window,
              {
                  {"no_answer", 1, "2019-06-26T08:30", nullptr, "final unreachable"},
                  {"no_answer", 1, "2019-06-25T18:30", nullptr, "2019-06-26T09:00:00+02:00"},
                  {"voicemail", 1, "2019-06-26T06:00", nullptr, "2019-06-26T09:00:00+02:00"},
                  {"voicemail", 1, "2019-06-26T06:59:59", nullptr, "2019-06-26T09:59:59+02:00"},
                  {"voicemail", 1, "2019-06-26T07:00", nullptr, "final unreachable"},
              });

  // Friday evening: the roll forward to Saturday 10:00 meets the window end.
  Setup friday(test::make_campaign(test::standard_retry()));
  friday.campaign.retry.within = hours{24};
  check_steps(friday, friday.window("2019-06-28T10:00"),
              {
                  {"no_answer", 1, "2019-06-28T18:30", nullptr, "final unreachable"},
                  {"no_answer", 1, "2019-06-28T16:30", nullptr, "2019-06-28T18:30:00+02:00"},
              });
}

TEST_CASE("next_step delays are elapsed time", "[schedule][retry]") {
  ir::RetryPolicy policy;
  policy.attempts = 4;
  policy.within = hours{72};
  policy.otherwise = test::after(hours{20});
  ir::Campaign campaign = test::make_campaign(policy);
  campaign.hours = test::weekly_hours("09:00-19:00", "09:00-19:00");
  campaign.calendar.base = ir::BuiltinCalendar::none;

  Setup spring(campaign);
  check_steps(spring, spring.window("2019-03-30T09:00"),
              {
                  {"no_answer", 1, "2019-03-30T14:00", nullptr, "2019-03-31T11:00:00+02:00"},
                  {"no_answer", 1, "2019-03-30T22:30", nullptr, "2019-04-01T09:00:00+02:00"},
              });

  Setup autumn(campaign);
  check_steps(autumn, autumn.window("2019-10-26T09:00"),
              {
                  {"no_answer", 1, "2019-10-26T16:00", nullptr, "2019-10-27T11:00:00+01:00"},
                  {"no_answer", 1, "2019-10-26T23:30", nullptr, "2019-10-27T18:30:00+01:00"},
              });
}

TEST_CASE("first_attempt rolls start into hours", "[schedule][retry]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  struct Case {
    const char* start;
    common::Seconds within;
    const char* expected;
  };
  const Case cases[] = {
      {"2019-06-24T10:00", hours{48}, "2019-06-24T10:00:00+02:00"},
      {"2019-06-28T19:30", hours{48}, "2019-06-29T10:00:00+02:00"},
      {"2019-06-29T20:00", hours{12}, "none"},
      {"2019-06-29T20:00", hours{14}, "none"},  // the window ends as Sunday opens
      {"2019-06-29T20:00", hours{14} + common::Seconds{1}, "2019-06-30T10:00:00+02:00"},
      {"2019-06-24T10:00", hours{0}, "none"},
      // The clock goes back overnight: 14 elapsed hours from 20:00 CEST end at
      // 09:00 CET, before Sunday's 10:00 opening, and 15 hours end at 10:00 CET.
      {"2019-10-26T20:00", hours{14} + common::Seconds{1}, "none"},
      {"2019-10-26T20:00", hours{15}, "none"},
      {"2019-10-26T20:00", hours{15} + common::Seconds{1}, "2019-10-27T10:00:00+01:00"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.start, c.within.count());
    common::Instant start = local(paris.zone, c.start);
    std::optional<common::Instant> first =
        first_attempt(paris.calling, CycleWindow{start, start + c.within});
    CHECK((first ? local_text(*first, paris.zone) : "none") == c.expected);
  }
}

TEST_CASE("next_step cap holds under random dispositions", "[schedule][retry]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  test::set_retry(paris.campaign, "callback", test::after(hours{1}));
  std::mt19937 random(20190624);
  std::uniform_int_distribution<std::int32_t> pick_disposition(ir::kCompleted, ir::kDeceased);
  std::uniform_int_distribution<int> pick_minutes(0, 36 * 60);

  for (int contact = 0; contact < 2000; ++contact) {
    CycleWindow window = paris.window("2019-06-24T10:00");
    std::optional<common::Instant> start = first_attempt(paris.calling, window);
    REQUIRE(start.has_value());

    int attempts = 0;
    while (true) {
      ++attempts;
      REQUIRE(attempts <= paris.campaign.retry.attempts);

      std::int32_t disposition = pick_disposition(random);
      common::Instant ended_at = *start + minutes{3};
      std::optional<common::Instant> callback_at;
      if (disposition == ir::kCallback && random() % 2 == 0) {
        callback_at = window.start + minutes{pick_minutes(random)};
      }
      NextStep step = next_step(paris.campaign, paris.calling, window, attempts, disposition,
                                ended_at, callback_at);
      if (step.final) {
        bool ends_on_disposition =
            paris.campaign.dispositions[disposition].final || disposition == ir::kCompleted;
        if (ends_on_disposition) CHECK(step.outcome == disposition);
        if (!ends_on_disposition) CHECK(step.outcome == ir::kUnreachable);
        break;
      }
      CHECK(step.next_attempt >= ended_at);
      CHECK(step.next_attempt < window.end);
      CHECK(paris.calling.is_open(step.next_attempt));
      start = step.next_attempt;
    }
  }
}

TEST_CASE("next_step rejects invalid input", "[schedule][retry]") {
  Setup paris(test::make_campaign(test::standard_retry()));
  CycleWindow window = paris.window("2019-06-24T10:00");
  common::Instant ended_at = local(paris.zone, "2019-06-24T11:00");

  CHECK_THROWS_AS(
      next_step(paris.campaign, paris.calling, window, 1, ir::kUnreachable, ended_at, std::nullopt),
      std::out_of_range);
  CHECK_THROWS_AS(next_step(paris.campaign, paris.calling, window, 1, -1, ended_at, std::nullopt),
                  std::out_of_range);
  CHECK_THROWS_AS(next_step(paris.campaign, paris.calling, window, 1, 99, ended_at, std::nullopt),
                  std::out_of_range);

  paris.campaign.retry.otherwise = ir::RetryAction{};
  paris.campaign.retry.on[ir::kBusy] = ir::RetryAction{};
  CHECK_THROWS_WITH(
      next_step(paris.campaign, paris.calling, window, 1, ir::kBusy, ended_at, std::nullopt),
      "retry policy 'standard_48h' has no `on` line and no `otherwise` for disposition "
      "'busy'");
}

}  // namespace

TEST_CASE("next_step honours a callback time under otherwise stop", "[schedule][retry]") {
  ir::Campaign campaign = test::make_campaign(test::standard_retry());
  campaign.retry.otherwise = test::stop();
  Setup paris(std::move(campaign));
  CycleWindow window = paris.window("2019-06-24T10:00");

  check_steps(
      paris, window,
      {
          // The person gave a time: it is kept although `otherwise` stops.
          {"callback", 1, "2019-06-24T11:00", "2019-06-24T16:00", "2019-06-24T16:00:00+02:00"},
          // No time and `otherwise stop`: the cycle ends on callback.
          {"callback", 1, "2019-06-24T11:00", nullptr, "final callback"},
      });

  test::set_retry(paris.campaign, "callback", test::stop());
  check_steps(paris, window,
              {{"callback", 1, "2019-06-24T11:00", "2019-06-24T16:00", "final callback"}});
}

TEST_CASE("next_step retries a timeless callback at the next opening", "[schedule][retry]") {
  ir::Campaign campaign = test::make_campaign(test::standard_retry());
  campaign.retry.otherwise = ir::RetryAction{};
  Setup paris(std::move(campaign));
  CycleWindow window = paris.window("2019-06-24T10:00");

  check_steps(paris, window,
              {
                  {"callback", 1, "2019-06-24T11:00", nullptr, "2019-06-24T11:00:00+02:00"},
                  {"callback", 1, "2019-06-24T19:10", nullptr, "2019-06-25T09:00:00+02:00"},
              });
}

}  // namespace vigie::schedule
