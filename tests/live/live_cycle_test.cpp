// Tests of the live engine's cycles: alerts and the trigger, recontact,
// closing a cycle, and the register read again at each cycle start.

#include <catch2/catch.hpp>

#include "live_fixture.hpp"

using namespace vigie;
using namespace vigie::live_test;

namespace {

// Hands out every contact due at `now` and submits `disposition` for each
// person; returns the contact ids in the order they were handed.
std::vector<std::string> submit_all_due(LiveCampaign& live, common::Instant now,
                                        const std::string& disposition = "refused") {
  std::vector<std::string> handed;
  for (;;) {
    runtime::NextResult next = live.next("agent", now);
    if (next.status != NextStatus::handed) break;
    std::vector<PersonSubmission> entries;
    for (const std::string& id : people(*next.handout)) {
      entries.push_back(person(id, disposition));
      handed.push_back(id);
    }
    live.submit("agent", submission(*next.handout, entries), now);
  }
  return handed;
}

// Decides every contact of cycle 1 started at kStart as refused.
void refuse_everyone(LiveCampaign& live) {
  submit_all_due(live, kStart);
  submit_all_due(live, kNoumeaOpening);
}

}  // namespace

TEST_CASE("live alert meeting the trigger starts cycle 1", "[live]") {
  fs::path dir = fresh_dir("trigger");
  LiveCampaign live(vague_options(dir));

  CHECK(live.next("agent", kStart).status == NextStatus::no_active_cycle);
  CHECK_FALSE(live.apply_alert(canicule(2), kStart));
  CHECK_FALSE(live.apply_alert({"inondation", 5, true, std::nullopt}, kStart));
  CHECK(live.status(kStart).cycles.empty());

  CHECK(live.apply_alert(canicule(3), kStart) == 1);
  runtime::LiveStatus status = live.status(kStart);
  REQUIRE(status.cycles.size() == 1);
  CHECK(status.trigger_holds);
  CHECK(status.cycles[0].started == kStart);
  CHECK(status.cycles[0].window_end == kStart + std::chrono::hours{48});
  CHECK(status.cycles[0].start_deadline == kStart + std::chrono::hours{4});
  CHECK(status.cycles[0].contacts == 9);  // L10 is 44, outside the audience
  CHECK_FALSE(status.cycles[0].ended);

  // A new level while the trigger holds is not a new alert.
  CHECK_FALSE(live.apply_alert(canicule(4), kStart + std::chrono::hours{1}));
  CHECK(live.status(kStart).cycles.size() == 1);
  fs::remove_all(dir);
}

TEST_CASE("live campaign without trigger never starts", "[live]") {
  fs::path dir = fresh_dir("no-trigger");
  LiveOptions options = vague_options(dir);
  options.campaign_path = "tests/live/data/untriggered.vigie";
  LiveCampaign live(options);

  CHECK_FALSE(live.apply_alert(canicule(5), kStart));
  CHECK_FALSE(live.apply_alert({"untriggered", 5, true, std::nullopt}, kStart));
  live.tick(kStart + std::chrono::hours{72});
  CHECK(live.status(kStart).cycles.empty());
  CHECK(live.next("agent", kStart).status == NextStatus::no_active_cycle);
  fs::remove_all(dir);
}

TEST_CASE("live cycle closes when every contact is decided", "[live]") {
  fs::path dir = fresh_dir("close");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);

  std::vector<std::string> handed = submit_all_due(live, kStart);
  CHECK(handed == std::vector<std::string>{"L01", "L02", "L03", "L04", "L05", "L06", "L07", "L08"});
  runtime::NextResult waiting = live.next("agent", kStart);
  REQUIRE(waiting.status == NextStatus::nothing_due);
  CHECK(waiting.next_due == kNoumeaOpening);
  CHECK_FALSE(live.status(kStart).cycles[0].ended);

  CHECK(submit_all_due(live, kNoumeaOpening) == std::vector<std::string>{"L09"});
  runtime::CycleStatus cycle = live.status(kNoumeaOpening).cycles[0];
  CHECK(cycle.decided == 9);
  CHECK(cycle.ended == kNoumeaOpening);
  CHECK(cycle.outcomes == std::map<std::string, std::size_t>{{"refused", 9}});
  CHECK(live.next("agent", kNoumeaOpening).status == NextStatus::no_active_cycle);

  auto store = open_store(options.store_url);
  std::vector<store::CycleRecord> cycles = store->cycles();
  REQUIRE(cycles.size() == 1);
  CHECK(cycles[0].ended == kNoumeaOpening);
  fs::remove_all(dir);
}

TEST_CASE("live recontact starts the next cycle", "[live]") {
  fs::path dir = fresh_dir("recontact");
  LiveCampaign live(vague_options(dir));
  live.apply_alert(canicule(3), kStart);
  refuse_everyone(live);
  CHECK(live.status(kStart).next_cycle_at == kStart + std::chrono::hours{48});

  live.tick(kStart + std::chrono::hours{47} + std::chrono::minutes{59});
  CHECK(live.status(kStart).cycles.size() == 1);
  live.tick(kStart + std::chrono::hours{48});
  runtime::LiveStatus status = live.status(kStart + std::chrono::hours{48});
  REQUIRE(status.cycles.size() == 2);
  CHECK(status.cycles[1].cycle == 2);
  CHECK(status.cycles[1].started == kStart + std::chrono::hours{48});
  CHECK(take(live, "agent", kStart + std::chrono::hours{48}).cycle == 2);
  fs::remove_all(dir);
}

TEST_CASE("live ended alert starts no further cycle", "[live]") {
  for (bool ended : {true, false}) {
    fs::path dir = fresh_dir("ended");
    LiveCampaign live(vague_options(dir));
    live.apply_alert(canicule(3), kStart);
    // Ended, or still active but below the trigger.
    CHECK_FALSE(live.apply_alert(canicule(ended ? 3 : 2, !ended), kStart + std::chrono::hours{1}));
    CHECK_FALSE(live.status(kStart).trigger_holds);

    // The cycle under way completes.
    refuse_everyone(live);
    CHECK(live.status(kNoumeaOpening).cycles[0].decided == 9);
    live.tick(kStart + std::chrono::hours{50});
    CHECK(live.status(kStart).cycles.size() == 1);
    CHECK_FALSE(live.status(kStart).next_cycle_at);

    // Raised again, the alert starts a cycle at once.
    common::Instant raised = kStart + std::chrono::hours{51};
    CHECK(live.apply_alert(canicule(3), raised) == 2);
    CHECK(live.status(raised).cycles[1].started == raised);
    fs::remove_all(dir);
  }
}

TEST_CASE("live next cycle waits for the previous one to end", "[live]") {
  fs::path dir = fresh_dir("wait");
  LiveOptions options = vague_options(dir);
  options.hold_timeout = std::chrono::hours{24};
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);

  // L01 stays held by one agent while the others are decided.
  Handout held = take(live, "slow", kStart);
  REQUIRE(people(held) == std::vector<std::string>{"L01"});
  refuse_everyone(live);
  live.heartbeat("slow", held.token, kStart + std::chrono::hours{23});
  live.heartbeat("slow", held.token, kStart + std::chrono::hours{46});

  live.tick(kStart + std::chrono::hours{48});
  runtime::LiveStatus status = live.status(kStart + std::chrono::hours{48});
  CHECK(status.cycles.size() == 1);
  CHECK(status.cycles[0].held == 1);

  common::Instant late = kStart + std::chrono::hours{48} + std::chrono::minutes{30};
  std::vector<runtime::PersonDecision> decisions =
      live.submit("slow", submission(held, {person("L01", "refused")}), late);
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0].final);
  CHECK(live.status(late).cycles[0].ended == late);
  live.tick(late);
  status = live.status(late);
  REQUIRE(status.cycles.size() == 2);
  CHECK(status.cycles[1].started == late);
  fs::remove_all(dir);
}

TEST_CASE("live register is read again without the deceased", "[live]") {
  fs::path dir = fresh_dir("register");
  fs::copy_file("tests/live/data/live.csv", dir / "roster.csv");
  LiveCampaign live(vague_options(dir, (dir / "roster.csv").string()));
  live.apply_alert(canicule(3), kStart);

  Handout first = take(live, "agent", kStart);
  REQUIRE(people(first) == std::vector<std::string>{"L01"});
  live.submit("agent", submission(first, {person("L01", "deceased")}), kStart);
  refuse_everyone(live);
  REQUIRE(live.status(kStart).cycles[0].ended);

  std::ofstream(dir / "roster.csv", std::ios::app) << "L11;01 99 00 00 11;1929-01-01;\n";
  common::Instant second = kStart + std::chrono::hours{48};
  live.tick(second);
  runtime::LiveStatus status = live.status(second);
  REQUIRE(status.cycles.size() == 2);
  CHECK(status.cycles[1].contacts == 9);  // L01 left out, L11 added
  CHECK(people(take(live, "agent", second)) == std::vector<std::string>{"L11"});
  CHECK(error_kind([&] { live.person(2, "L01"); }) == LiveError::Kind::not_found);
  CHECK(live.person(1, "L01").previous_outcomes ==
        std::vector<std::pair<int, std::string>>{{1, "deceased"}});
  fs::remove_all(dir);
}
