// Tests of the live engine's settle and submit: checks made before
// anything is stored, the one-shot rules (downgrade, line dispositions,
// callbacks), scores and routes.

#include <catch2/catch.hpp>

#include "live_fixture.hpp"

using namespace vigie;
using namespace vigie::live_test;

TEST_CASE("live submit rejects an unknown disposition", "[live]") {
  fs::path dir = fresh_dir("disposition");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  for (const char* name : {"gone", "unreachable"}) {
    auto [kind, message] = rejection(live, "a1", submission(held, {person("L01", name)}));
    CHECK(kind == LiveError::Kind::invalid);
    CHECK(contains(message, std::string("unknown disposition '") + name + "'"));
    CHECK(contains(message,
                   "completed, partial, no_answer, busy, voicemail, failed, callback, "
                   "wrong_number, refused, deceased, away"));
  }
  CHECK(stored_attempts(options) == 0);
  REQUIRE(live.current("a1", kStart + kMinute));
  fs::remove_all(dir);
}

TEST_CASE("live submit rejects answers that do not fit", "[live]") {
  fs::path dir = fresh_dir("answers");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  const std::vector<std::pair<Answer, std::string>> cases = {
      {{"mood", {"good"}},
       "unknown question 'mood'; the script asks alone, health, symptoms, temp"},
      {{"alone", {"maybe"}}, "the answer 'maybe' does not fit question 'alone'; give yes or no"},
      {{"temp", {"50"}},
       "the answer '50' does not fit question 'temp'; give a whole number "
       "from 10 to 45"},
      {{"symptoms", {"fever"}},
       "the answer 'fever' does not fit question 'symptoms'; give any "
       "of fatigue, confusion"},
      {{"alone", {}}, "the answer no value does not fit question 'alone'"},
      {{"intro", {"x"}}, "'intro' is a `say` step, which takes no answer"},
  };
  for (const auto& [answer, expected] : cases) {
    auto [kind, message] =
        rejection(live, "a1", submission(held, {person("L01", "completed", {answer})}));
    CHECK(kind == LiveError::Kind::invalid);
    CHECK(contains(message, "contact L01: " + expected));
  }
  CHECK(stored_attempts(options) == 0);
  fs::remove_all(dir);
}

TEST_CASE("live submit checks the people of the hold", "[live]") {
  fs::path dir = fresh_dir("people");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  take(live, "a1", kStart);
  Handout shared = take(live, "a2", kStart);
  REQUIRE(people(shared) == std::vector<std::string>{"L02", "L03"});

  auto outsider = rejection(live, "a2", submission(shared, {person("L01", "refused")}));
  CHECK(outsider.first == LiveError::Kind::invalid);
  CHECK(contains(outsider.second, "contact L01 is not in this hold, which covers L02, L03"));
  auto twice = rejection(live, "a2",
                         submission(shared, {person("L02", "refused"), person("L02", "refused")}));
  CHECK(contains(twice.second, "contact L02 is given twice"));
  auto dialled = rejection(live, "a2", submission(shared, {person("L03", "refused")}));
  CHECK(contains(dialled.second, "the dialled contact L02 is missing"));
  auto member = rejection(live, "a2", submission(shared, {person("L02", "refused")}));
  CHECK(member.first == LiveError::Kind::invalid);
  CHECK(contains(member.second, "contact L03 shares the number"));
  CHECK(stored_attempts(options) == 0);

  // A line disposition for the dialled person applies to everyone on the number.
  std::vector<runtime::PersonDecision> decisions =
      live.submit("a2", submission(shared, {person("L02", "no_answer")}), kStart + kMinute);
  REQUIRE(decisions.size() == 2);
  for (const runtime::PersonDecision& decision : decisions) {
    CHECK(decision.disposition == "no_answer");
    CHECK_FALSE(decision.final);
    CHECK(decision.next_attempt == kStart + kMinute + 2 * kHour);
  }
  CHECK(decisions[1].contact_id == "L03");
  CHECK(stored_attempts(options) == 2);
  fs::remove_all(dir);
}

TEST_CASE("live submit downgrades an incomplete completion", "[live]") {
  fs::path dir = fresh_dir("downgrade");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  std::vector<runtime::PersonDecision> decisions = live.submit(
      "a1", submission(held, {person("L01", "completed", {{"alone", {"yes"}}})}), kStart + kMinute);
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0].disposition == "partial");
  CHECK(decisions[0].downgraded);
  CHECK_FALSE(decisions[0].final);
  CHECK(decisions[0].next_attempt == kStart + kMinute + kHour);
  std::vector<store::AttemptRecord> attempts = open_store(options.store_url)->attempts(1);
  REQUIRE(attempts.size() == 1);
  CHECK(attempts[0].disposition == "partial");
  fs::remove_all(dir);
}

TEST_CASE("live submit scores and fires routes", "[live]") {
  fs::path dir = fresh_dir("routes");
  LiveOptions options = vague_options(dir);
  options.hold_timeout = kHour;
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout urgent = take(live, "a1", kStart);
  Handout shared = take(live, "a2", kStart);

  std::vector<runtime::PersonDecision> decisions = live.submit(
      "a1",
      submission(urgent, {person("L01", "completed", full_answers("yes", "yes", {"confusion"}))},
                 std::chrono::seconds{300}),
      kStart + 6 * kMinute);
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0].final);
  CHECK(decisions[0].outcome == "completed");
  CHECK(decisions[0].routes == std::vector<std::string>{"urgence"});
  CHECK_FALSE(decisions[0].downgraded);

  // The talk time is counted once, on the first person who talked.
  decisions = live.submit(
      "a2",
      submission(shared,
                 {person("L02", "refused"), person("L03", "completed", full_answers("no", "no"))},
                 std::chrono::seconds{200}),
      kStart + 5 * kMinute);
  REQUIRE(decisions.size() == 2);
  CHECK(decisions[0].outcome == "refused");
  CHECK(decisions[1].outcome == "completed");
  CHECK(decisions[1].routes.empty());

  auto store = open_store(options.store_url);
  std::vector<store::AttemptRecord> attempts = store->attempts(1);
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[0].talk_seconds == 300);
  CHECK(attempts[0].answers == std::vector<std::pair<std::string, std::string>>{
                                   {"alone", "yes"}, {"health", "yes"}, {"symptoms", "confusion"}});
  CHECK(attempts[1].talk_seconds == 200);  // L02, refused after talking
  CHECK(attempts[2].talk_seconds == 0);
  std::optional<store::OutcomeRecord> outcome = store->stored_outcome(1, "L01");
  REQUIRE(outcome);
  CHECK(outcome->useful);
  CHECK(outcome->decided_at == kStart + 6 * kMinute);
  CHECK(outcome->timezone == "Europe/Paris");
  REQUIRE(outcome->routes.size() == 1);
  CHECK(outcome->routes[0].due == kStart + 66 * kMinute);

  runtime::CycleStatus cycle = live.status(kStart).cycles[0];
  CHECK(cycle.useful == 2);
  CHECK(cycle.routes == std::map<std::string, std::size_t>{{"urgence", 1}});
  CHECK(cycle.first_call_at == kStart);
  fs::remove_all(dir);
}

TEST_CASE("live submit resolves callback times", "[live]") {
  fs::path dir = fresh_dir("callback");
  LiveCampaign live(vague_options(dir));
  live.apply_alert(canicule(3), kStart);
  Handout first = take(live, "a1", kStart);
  Handout shared = take(live, "a2", kStart);

  PersonSubmission wrong = person("L01", "refused");
  wrong.callback_local = LocalDateTime{{2019, 6, 24}, 15, 30, 0};
  auto mismatch = rejection(live, "a1", submission(first, {wrong}));
  CHECK(mismatch.first == LiveError::Kind::invalid);
  CHECK(contains(mismatch.second, "a callback time goes with the callback disposition"));
  PersonSubmission bad = person("L01", "callback");
  bad.callback_local = LocalDateTime{{2019, 6, 31}, 15, 30, 0};
  CHECK(rejection(live, "a1", submission(first, {bad})).first == LiveError::Kind::invalid);

  PersonSubmission asked = person("L01", "callback");
  asked.callback_local = LocalDateTime{{2019, 6, 24}, 15, 30, 0};
  std::vector<runtime::PersonDecision> decisions =
      live.submit("a1", submission(first, {asked}), kStart + kMinute);
  CHECK(decisions[0].next_attempt == paris("2019-06-24T15:30"));

  // Without a time, `otherwise after 1h` retries the callback.
  decisions =
      live.submit("a2", submission(shared, {person("L02", "callback"), person("L03", "refused")}),
                  kStart + kMinute);
  CHECK(decisions[0].next_attempt == kStart + kMinute + kHour);
  fs::remove_all(dir);
}

TEST_CASE("live callback needs a time where the policy stops", "[live]") {
  fs::path dir = fresh_dir("strict");
  LiveOptions options = vague_options(dir);
  options.campaign_path = "tests/live/data/strict.vigie";
  LiveCampaign live(options);
  REQUIRE(live.apply_alert({"orage", 1, true, std::nullopt}, kStart) == 1);
  Handout held = take(live, "a1", kStart);

  auto rejected =
      rejection(live, "a1", submission(held, {person(held.people[0].contact_id, "callback")}));
  CHECK(rejected.first == LiveError::Kind::invalid);
  CHECK(contains(rejected.second, "give callback_local"));

  PersonSubmission asked = person(held.people[0].contact_id, "callback");
  asked.callback_local = LocalDateTime{{2019, 6, 24}, 18, 0, 0};
  std::vector<runtime::PersonDecision> decisions =
      live.submit("a1", submission(held, {asked}), kStart + kMinute);
  CHECK_FALSE(decisions[0].final);
  CHECK(decisions[0].next_attempt == paris("2019-06-24T18:00"));
  fs::remove_all(dir);
}

TEST_CASE("live settle clears answers that no longer apply", "[live]") {
  fs::path dir = fresh_dir("settle");
  LiveCampaign live(vague_options(dir));
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  runtime::SettleResult first =
      live.settle("a1", held.token, "L01", full_answers("yes", "yes", {"confusion"}), kStart);
  CHECK(first.complete);
  CHECK(first.cleared.empty());
  REQUIRE(first.questions.size() == 5);
  CHECK(first.questions[0].id == "intro");
  CHECK_FALSE(first.questions[0].answered);
  CHECK(first.questions[3].id == "symptoms");
  CHECK(first.questions[3].applies);
  CHECK(first.questions[3].answered);

  std::vector<Answer> changed = full_answers("yes", "no");
  changed.push_back({"symptoms", {"confusion"}});
  runtime::SettleResult second = live.settle("a1", held.token, "L01", changed, kStart + kMinute);
  CHECK(second.cleared == std::vector<std::string>{"symptoms"});
  CHECK_FALSE(second.questions[3].applies);
  CHECK_FALSE(second.questions[3].answered);
  CHECK(second.complete);
  REQUIRE(second.answers.size() == 2);
  CHECK(second.answers[0].question == "alone");
  CHECK(second.answers[1].question == "health");
  CHECK(second.answers[1].values == std::vector<std::string>{"no"});

  runtime::SettleResult partial =
      live.settle("a1", held.token, "L01", {{"alone", {"no"}}}, kStart + kMinute);
  CHECK_FALSE(partial.complete);

  CHECK(error_kind([&] {
          live.settle("a1", held.token, "L01", {{"alone", {"oui"}}}, kStart + kMinute);
        }) == LiveError::Kind::invalid);
  CHECK(error_kind([&] { live.settle("a1", held.token, "L02", {}, kStart + kMinute); }) ==
        LiveError::Kind::invalid);
  // Settling counts as activity on the hold.
  CHECK(live.current("a1", kStart + 2 * kMinute)->expires_at == kStart + 4 * kMinute);
  fs::remove_all(dir);
}

TEST_CASE("live answers accumulate over a cycle", "[live]") {
  fs::path dir = fresh_dir("accumulate");
  LiveOptions options = vague_options(dir);
  options.hold_timeout = kHour;
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout first = take(live, "a1", kStart);
  live.submit("a1", submission(first, {person("L01", "partial", {{"alone", {"yes"}}})}), kStart);

  Handout second = take(live, "a1", kStart + kHour);
  REQUIRE(people(second) == std::vector<std::string>{"L01"});
  runtime::SettleResult earlier = live.settle("a1", second.token, "L01", {}, kStart + kHour);
  REQUIRE(earlier.answers.size() == 1);
  CHECK(earlier.answers[0].question == "alone");
  CHECK_FALSE(earlier.complete);

  std::vector<runtime::PersonDecision> decisions =
      live.submit("a1", submission(second, {person("L01", "completed", {{"health", {"no"}}})}),
                  kStart + kHour + 5 * kMinute);
  CHECK(decisions[0].outcome == "completed");
  std::vector<store::AttemptRecord> attempts = open_store(options.store_url)->attempts(1);
  REQUIRE(attempts.size() == 2);
  CHECK(attempts[1].answers ==
        std::vector<std::pair<std::string, std::string>>{{"alone", "yes"}, {"health", "no"}});
  fs::remove_all(dir);
}
