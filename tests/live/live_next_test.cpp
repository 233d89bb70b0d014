// Tests of the live engine's hand-out: the dial queue's order, calling
// hours in each contact's zone, shared phone numbers and the window end.

#include <catch2/catch.hpp>

#include "live_fixture.hpp"

using namespace vigie;
using namespace vigie::live_test;

namespace {

// Refuses every contact due at `now` except those in `keep`, which get
// `kept_disposition`.
void decide_due(LiveCampaign& live, common::Instant now, const std::set<std::string>& keep = {},
                const std::string& kept_disposition = "no_answer") {
  for (;;) {
    runtime::NextResult next = live.next("helper", now);
    if (next.status != NextStatus::handed) return;
    std::vector<PersonSubmission> entries;
    for (const std::string& id : people(*next.handout)) {
      entries.push_back(person(id, keep.count(id) != 0 ? kept_disposition : "refused"));
    }
    live.submit("helper", submission(*next.handout, entries), now);
  }
}

}  // namespace

TEST_CASE("live next follows priority and shares numbers", "[live]") {
  fs::path dir = fresh_dir("order");
  LiveCampaign live(vague_options(dir));
  live.apply_alert(canicule(3), kStart);

  Handout first = take(live, "a1", kStart);
  REQUIRE(people(first) == std::vector<std::string>{"L01"});
  const runtime::PersonRecord& l01 = first.people[0];
  CHECK(l01.phone == "+33199000001");
  CHECK(l01.attempt == 1);
  CHECK(l01.timezone == "Europe/Paris");
  CHECK(l01.fields ==
        std::vector<std::pair<std::string, std::string>>{
            {"id", "L01"}, {"phone", "+33199000001"}, {"birth", "1930-01-01"}, {"tz", ""}});
  CHECK(first.cycle == 1);
  CHECK(first.campaign == "vague");
  CHECK(first.agent == "a1");
  CHECK(first.taken_at == kStart);
  CHECK(first.expires_at == kStart + std::chrono::minutes{2});

  // L02 and L03 share a number: one hand-out, the dialled person first.
  Handout shared = take(live, "a2", kStart);
  CHECK(people(shared) == std::vector<std::string>{"L02", "L03"});
  CHECK(shared.people[1].attempt == 1);

  runtime::NextResult again = live.next("a1", kStart + kMinute);
  REQUIRE(again.status == NextStatus::already_holding);
  CHECK(again.handout->token == first.token);
  CHECK(people(*again.handout) == std::vector<std::string>{"L01"});
  CHECK(again.handout->expires_at == kStart + kMinute + std::chrono::minutes{2});
  CHECK(live.status(kStart).cycles[0].held == 3);

  // L09 (99 years old) comes first by priority, but Nouméa is closed now.
  CHECK(people(take(live, "a3", kStart)) == std::vector<std::string>{"L04"});
  fs::remove_all(dir);
}

TEST_CASE("live next never holds a shared number twice", "[live]") {
  fs::path dir = fresh_dir("household");
  LiveOptions options = vague_options(dir);
  options.hold_timeout = 2 * kHour;
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);

  Handout shared;
  for (;;) {
    Handout handout = take(live, "a0", kStart);
    if (people(handout).front() == "L02") {
      shared = handout;
      break;
    }
    live.submit("a0", submission(handout, {person(handout.people[0].contact_id, "refused")}),
                kStart);
  }
  decide_due(live, kStart);
  // L02 is retried in 1 hour, L03 at the 2 hours it asked for.
  PersonSubmission later = person("L03", "callback");
  later.callback_local = LocalDateTime{{2019, 6, 24}, 12, 0, 0};
  live.submit("a0", submission(shared, {person("L02", "partial", {{"alone", {"yes"}}}), later}),
              kStart);

  Handout l02 = take(live, "a1", kStart + kHour);
  CHECK(people(l02) == std::vector<std::string>{"L02"});
  CHECK(l02.people[0].attempt == 2);

  // L03 is due while L02 is held on the same number: it waits.
  runtime::NextResult waiting = live.next("a2", kStart + 2 * kHour);
  CHECK(waiting.status == NextStatus::nothing_due);
  live.submit("a1", submission(l02, {person("L02", "refused")}), kStart + 2 * kHour);

  Handout l03 = take(live, "a2", kStart + 2 * kHour);
  CHECK(people(l03) == std::vector<std::string>{"L03"});
  CHECK(l03.people[0].attempt == 2);
  fs::remove_all(dir);
}

TEST_CASE("live contact due in closed hours rolls forward", "[live]") {
  fs::path dir = fresh_dir("closed");
  LiveCampaign live(vague_options(dir));
  live.apply_alert(canicule(3), kStart);
  // L04's second attempt is due at 18:00, but nobody asks before 19:30.
  decide_due(live, paris("2019-06-24T16:00"), {"L04"});

  runtime::NextResult evening = live.next("agent", paris("2019-06-24T19:30"));
  REQUIRE(evening.status == NextStatus::nothing_due);
  CHECK(evening.next_due == kNoumeaOpening);

  decide_due(live, kNoumeaOpening);  // L09, in Nouméa's morning
  runtime::NextResult night = live.next("agent", kNoumeaOpening);
  REQUIRE(night.status == NextStatus::nothing_due);
  CHECK(night.next_due == paris("2019-06-25T09:00"));

  Handout morning = take(live, "agent", paris("2019-06-25T09:00"));
  CHECK(people(morning) == std::vector<std::string>{"L04"});
  CHECK(morning.people[0].attempt == 2);
  CHECK(morning.people[0].previous_attempts.size() == 1);
  CHECK(morning.people[0].previous_attempts[0].disposition == "no_answer");
  CHECK(morning.people[0].previous_attempts[0].start == paris("2019-06-24T16:00"));
  fs::remove_all(dir);
}

TEST_CASE("live contact found past the window is unreachable", "[live]") {
  fs::path dir = fresh_dir("window");
  LiveCampaign live(vague_options(dir));
  // Raised on Monday evening: calls start on Tuesday at 09:00 and the
  // window ends on Wednesday at 20:00, in closed hours.
  const common::Instant raised = paris("2019-06-24T20:00");
  live.apply_alert(canicule(3), raised);
  CHECK(live.next("agent", raised).next_due == kNoumeaOpening);

  decide_due(live, paris("2019-06-25T09:00"), {"L05"});
  Handout l05 = take(live, "agent", paris("2019-06-26T17:30"));
  REQUIRE(people(l05) == std::vector<std::string>{"L05"});
  live.submit("agent", submission(l05, {person("L05", "partial")}), paris("2019-06-26T17:30"));

  // Due at 18:30, found at 19:30: the next opening is past the window.
  CHECK(live.next("agent", paris("2019-06-26T19:30")).status == NextStatus::no_active_cycle);
  runtime::CycleStatus cycle = live.status(raised).cycles[0];
  CHECK(cycle.outcomes == std::map<std::string, std::size_t>{{"refused", 8}, {"unreachable", 1}});
  CHECK(cycle.ended == paris("2019-06-26T19:30"));
  std::vector<runtime::DeskAlert> desk = live.desk({}, false);
  REQUIRE(desk.size() == 1);
  CHECK(desk[0].route == "visite");
  CHECK(desk[0].contact_id == "L05");
  CHECK(desk[0].fired_at == paris("2019-06-26T19:30"));
  CHECK(desk[0].due == paris("2019-06-26T23:30"));
  CHECK(desk[0].due_local == "2019-06-26T23:30:00+02:00");
  fs::remove_all(dir);
}

TEST_CASE("live window end decides waiting contacts", "[live]") {
  fs::path dir = fresh_dir("window-tick");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  decide_due(live, kStart, {"L06"});
  decide_due(live, kNoumeaOpening);

  live.tick(kStart + 47 * kHour);
  CHECK(live.status(kStart).cycles[0].decided == 8);
  live.tick(kStart + 48 * kHour);
  runtime::CycleStatus cycle = live.status(kStart).cycles[0];
  CHECK(cycle.decided == 9);
  CHECK(cycle.ended == kStart + 48 * kHour);

  auto store = open_store(options.store_url);
  std::optional<store::OutcomeRecord> outcome = store->stored_outcome(1, "L06");
  REQUIRE(outcome);
  CHECK(outcome->outcome == "unreachable");
  CHECK(outcome->attempts == 1);
  CHECK(outcome->decided_at == kStart + 48 * kHour);
  fs::remove_all(dir);
}

TEST_CASE("live next stops during shutdown", "[live]") {
  fs::path dir = fresh_dir("shutdown");
  LiveCampaign live(vague_options(dir));
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);
  Handout shared = take(live, "a2", kStart);

  live.begin_shutdown();
  CHECK(live.next("a3", kStart).status == NextStatus::stopping);
  // Open holds may still be submitted during the grace period.
  CHECK(live.submit("a1", submission(held, {person("L01", "refused")}), kStart + kMinute).size() ==
        1);

  // The rest are recorded as failed calls.
  CHECK(live.release_all(kStart + 2 * kMinute) == 1);
  auto store = open_store((dir / "vague.db").string());
  std::vector<store::AttemptRecord> attempts = store->attempts(1);
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[1].contact_id == "L02");
  CHECK(attempts[1].disposition == "failed");
  CHECK(attempts[1].start == kStart);
  CHECK(attempts[1].end == kStart + 2 * kMinute);
  CHECK(attempts[2].contact_id == "L03");
  CHECK(attempts[2].disposition == "failed");
  CHECK(live.status(kStart).cycles[0].held == 0);
  fs::remove_all(dir);
}
