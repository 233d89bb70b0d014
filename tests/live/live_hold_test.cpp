// Tests of the live engine's holds: tokens, heartbeats, another agent's
// token, and expiry recorded as a failed call.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

#include "live_fixture.hpp"

using namespace vigie;
using namespace vigie::live_test;

TEST_CASE("live hold tokens are random hex", "[live]") {
  fs::path dir = fresh_dir("tokens");
  LiveCampaign live(vague_options(dir));
  live.apply_alert(canicule(3), kStart);

  std::set<std::string> tokens;
  for (const char* agent : {"a1", "a2", "a3", "a4"}) {
    const std::string token = take(live, agent, kStart).token;
    CHECK(token.size() == 32);
    CHECK(std::all_of(token.begin(), token.end(),
                      [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }));
    tokens.insert(token);
  }
  CHECK(tokens.size() == 4);
  fs::remove_all(dir);
}

TEST_CASE("live hold belongs to its agent", "[live]") {
  fs::path dir = fresh_dir("owner");
  LiveCampaign live(vague_options(dir));
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  CHECK(live.heartbeat("a1", held.token, kStart + kMinute) == kStart + 3 * kMinute);
  CHECK(error_kind([&] { live.heartbeat("a2", held.token, kStart + kMinute); }) ==
        LiveError::Kind::forbidden);
  CHECK(error_kind([&] { live.settle("a2", held.token, "L01", {}, kStart + kMinute); }) ==
        LiveError::Kind::forbidden);
  CHECK(error_kind([&] {
          live.submit("a2", submission(held, {person("L01", "refused")}), kStart + kMinute);
        }) == LiveError::Kind::forbidden);
  CHECK(error_kind([&] { live.heartbeat("a1", std::string(32, '0'), kStart + kMinute); }) ==
        LiveError::Kind::not_found);

  std::optional<Handout> current = live.current("a1", kStart + 2 * kMinute);
  REQUIRE(current);
  CHECK(current->token == held.token);
  CHECK(current->expires_at == kStart + 4 * kMinute);
  CHECK_FALSE(live.current("a2", kStart + 2 * kMinute));
  fs::remove_all(dir);
}

TEST_CASE("live expired hold is recorded as failed", "[live]") {
  fs::path dir = fresh_dir("expiry");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  live.tick(kStart + 2 * kMinute - kSecond);
  CHECK(live.status(kStart).cycles[0].held == 1);
  live.tick(kStart + 2 * kMinute + 30 * kSecond);
  runtime::LiveStatus status = live.status(kStart + 3 * kMinute);
  CHECK(status.cycles[0].held == 0);
  CHECK(status.holds_expired == 1);
  CHECK(status.dispositions == std::map<std::string, std::size_t>{{"failed", 1}});

  auto store = open_store(options.store_url);
  std::vector<store::AttemptRecord> attempts = store->attempts(1);
  REQUIRE(attempts.size() == 1);
  CHECK(attempts[0].contact_id == "L01");
  CHECK(attempts[0].attempt == 1);
  CHECK(attempts[0].disposition == "failed");
  CHECK(attempts[0].start == kStart);
  CHECK(attempts[0].end == kStart + 2 * kMinute + 30 * kSecond);

  std::string message;
  CHECK(error_kind([&] {
          live.submit("a1", submission(held, {person("L01", "completed")}), kStart + 3 * kMinute);
        }) == LiveError::Kind::not_found);
  CHECK_FALSE(live.current("a1", kStart + 3 * kMinute));

  // `on failed after 15m`: L01 comes back after its retry delay.
  CHECK(people(take(live, "a2", kStart + 16 * kMinute)) == std::vector<std::string>{"L02", "L03"});
  Handout again = take(live, "a3", kStart + 18 * kMinute);
  CHECK(people(again) == std::vector<std::string>{"L01"});
  CHECK(again.people[0].attempt == 2);
  fs::remove_all(dir);
}

TEST_CASE("live hold found expired by its agent is released", "[live]") {
  fs::path dir = fresh_dir("expired-request");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout first = take(live, "a1", kStart);
  Handout second = take(live, "a2", kStart);

  std::string message;
  CHECK(error_kind(
            [&] {
              live.submit("a1", submission(first, {person("L01", "refused")}),
                          kStart + 5 * kMinute);
            },
            &message) == LiveError::Kind::not_found);
  CHECK(message.find("expired") != std::string::npos);
  CHECK_FALSE(live.current("a2", kStart + 5 * kMinute));

  auto store = open_store(options.store_url);
  std::vector<store::AttemptRecord> attempts = store->attempts(1);
  REQUIRE(attempts.size() == 3);
  for (const store::AttemptRecord& attempt : attempts) {
    CHECK(attempt.disposition == "failed");
    CHECK(attempt.end == kStart + 5 * kMinute);
  }
  CHECK(live.status(kStart).cycles[0].held == 0);
  fs::remove_all(dir);
}
