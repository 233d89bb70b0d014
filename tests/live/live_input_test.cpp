// Tests of the live engine's checks on what agents and operators give it:
// callback times, submissions that contradict themselves, the register
// read at construction and at cycle starts, and the downgrade flag.

#include <catch2/catch.hpp>

#include "live_fixture.hpp"
#include "runtime/run.hpp"

using namespace vigie;
using namespace vigie::live_test;

namespace {

PersonSubmission callback_at(const std::string& contact_id, LocalDateTime local) {
  PersonSubmission entry = person(contact_id, "callback");
  entry.callback_local = local;
  return entry;
}

// The message of the RunError thrown by `action`, or empty when none is.
template <typename Action>
std::string run_error(Action&& action) {
  try {
    action();
  } catch (const runtime::RunError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("live callback outside the window is rejected", "[live]") {
  fs::path dir = fresh_dir("callback-window");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  // The retry window ends 48h after the start, on 26 June at 10:00 in Paris.
  const std::vector<std::pair<LocalDateTime, std::string>> late = {
      {{{9999, 12, 31}, 23, 59, 0}, "9999-12-31T23:59"},
      {{{2100, 1, 1}, 10, 0, 0}, "2100-01-01T10:00"},
      {{{2019, 6, 26}, 10, 0, 0}, "2019-06-26T10:00"},
  };
  for (const auto& [local, text] : late) {
    auto [kind, message] = rejection(live, "a1", submission(held, {callback_at("L01", local)}));
    CHECK(kind == LiveError::Kind::invalid);
    CHECK(contains(message, "contact L01: the callback time " + text));
    CHECK(contains(message,
                   "at or after the end of this cycle's retry window, "
                   "2019-06-26T10:00:00+02:00 in the person's zone"));
    CHECK(contains(message,
                   "choose a time before 2019-06-26T10:00:00+02:00 (Europe/Paris), or record "
                   "no_answer"));
  }

  const std::vector<std::pair<LocalDateTime, std::string>> past = {
      {{{0, 1, 1}, 10, 0, 0}, "0000-01-01T10:00"},
      {{{2019, 6, 24}, 9, 59, 0}, "2019-06-24T09:59"},
  };
  for (const auto& [local, text] : past) {
    auto [kind, message] = rejection(live, "a1", submission(held, {callback_at("L01", local)}));
    CHECK(kind == LiveError::Kind::invalid);
    CHECK(contains(message, "contact L01: the callback time " + text + " is already past"));
    CHECK(contains(message, "it is 2019-06-24T10:01:00+02:00 for the person"));
  }
  CHECK(stored_attempts(options) == 0);
  REQUIRE(live.current("a1", kStart + kMinute));

  // The minute that has just begun is accepted: the agent types minutes.
  std::vector<runtime::PersonDecision> decisions = live.submit(
      "a1", submission(held, {callback_at("L01", {{2019, 6, 24}, 10, 0, 0})}), kStart + kMinute);
  REQUIRE(decisions.size() == 1);
  CHECK_FALSE(decisions[0].final);
  CHECK(stored_attempts(options) == 1);
  fs::remove_all(dir);
}

TEST_CASE("live callback before the window end is kept", "[live]") {
  fs::path dir = fresh_dir("callback-last");
  LiveCampaign live(vague_options(dir));
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  std::vector<runtime::PersonDecision> decisions = live.submit(
      "a1", submission(held, {callback_at("L01", {{2019, 6, 26}, 9, 59, 0})}), kStart + kMinute);
  REQUIRE(decisions.size() == 1);
  CHECK_FALSE(decisions[0].final);
  CHECK(decisions[0].next_attempt == paris("2019-06-26T09:59"));
  fs::remove_all(dir);
}

TEST_CASE("live line disposition covers the whole number", "[live]") {
  fs::path dir = fresh_dir("line-mixed");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  take(live, "a1", kStart);
  Handout shared = take(live, "a2", kStart);
  REQUIRE(people(shared) == std::vector<std::string>{"L02", "L03"});

  auto dialled_line = rejection(
      live, "a2", submission(shared, {person("L02", "no_answer"), person("L03", "refused")}));
  CHECK(dialled_line.first == LiveError::Kind::invalid);
  CHECK(contains(dialled_line.second,
                 "contact L02 is recorded as no_answer, a line disposition that applies to "
                 "everyone on the number, but contact L03 is recorded as refused"));

  auto member_line =
      rejection(live, "a2", submission(shared, {person("L02", "refused"), person("L03", "busy")}));
  CHECK(member_line.first == LiveError::Kind::invalid);
  CHECK(contains(member_line.second, "contact L03 is recorded as busy"));
  CHECK(contains(member_line.second, "contact L02 is recorded as refused"));

  auto two_lines = rejection(
      live, "a2", submission(shared, {person("L02", "no_answer"), person("L03", "busy")}));
  CHECK(two_lines.first == LiveError::Kind::invalid);
  CHECK(stored_attempts(options) == 0);

  // The same line disposition for both is what the call was.
  std::vector<runtime::PersonDecision> decisions = live.submit(
      "a2", submission(shared, {person("L02", "busy"), person("L03", "busy")}), kStart + kMinute);
  REQUIRE(decisions.size() == 2);
  CHECK(decisions[1].disposition == "busy");
  fs::remove_all(dir);
}

TEST_CASE("live answers need someone who answered", "[live]") {
  fs::path dir = fresh_dir("line-answers");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  for (const char* line : {"no_answer", "busy", "voicemail", "failed", "wrong_number"}) {
    auto [kind, message] =
        rejection(live, "a1", submission(held, {person("L01", line, {{"alone", {"yes"}}})}));
    CHECK(kind == LiveError::Kind::invalid);
    CHECK(contains(message, std::string("contact L01: answers were given with disposition '") +
                                line + "', which means nobody answered"));
  }
  CHECK(stored_attempts(options) == 0);
  fs::remove_all(dir);
}

TEST_CASE("live question answered twice is rejected", "[live]") {
  fs::path dir = fresh_dir("twice");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  std::vector<Answer> twice = full_answers("yes", "no");
  twice.push_back({"alone", {"no"}});
  auto [kind, message] =
      rejection(live, "a1", submission(held, {person("L01", "completed", twice)}));
  CHECK(kind == LiveError::Kind::invalid);
  CHECK(contains(message, "contact L01: question 'alone' is answered twice"));
  CHECK(stored_attempts(options) == 0);

  std::string settled;
  CHECK(error_kind([&] { live.settle("a1", held.token, "L01", twice, kStart + kMinute); },
                   &settled) == LiveError::Kind::invalid);
  CHECK(contains(settled, "contact L01: question 'alone' is answered twice"));
  fs::remove_all(dir);
}

TEST_CASE("live unreadable register fails at construction", "[live]") {
  fs::path dir = fresh_dir("no-register");
  const std::string missing = (dir / "missing.csv").string();
  LiveOptions options = vague_options(dir, missing);

  std::string message = run_error([&] { LiveCampaign live(options); });
  CHECK(contains(message, "cannot read the register of campaign 'vague'"));
  CHECK(contains(message, missing));
  CHECK(contains(message, "fix the source's path"));

  // A campaign without a trigger never reads its register.
  options.campaign_path = "tests/live/data/untriggered.vigie";
  CHECK(run_error([&] { LiveCampaign live(options); }).empty());
  fs::remove_all(dir);
}

TEST_CASE("live failed cycle start is reported and retried", "[live]") {
  fs::path dir = fresh_dir("start-retry");
  const fs::path roster = dir / "roster.csv";
  fs::copy_file("tests/live/data/live.csv", roster);
  LiveCampaign live(vague_options(dir, roster.string()));
  fs::remove(roster);

  std::string message = run_error([&] { live.apply_alert(canicule(3), kStart); });
  CHECK(contains(message, "cannot start cycle 1 of campaign 'vague'"));
  CHECK(contains(message, roster.string()));
  runtime::LiveStatus status = live.status(kStart);
  CHECK(status.trigger_holds);
  CHECK(status.cycles.empty());
  REQUIRE(status.cycle_start_error);
  CHECK(*status.cycle_start_error == message);

  // tick() neither throws nor reads the register again before the delay.
  CHECK_NOTHROW(live.tick(kStart + kSecond));
  fs::copy_file("tests/live/data/live.csv", roster);
  CHECK_NOTHROW(live.tick(kStart + 14 * kSecond));
  CHECK(live.status(kStart + 14 * kSecond).cycles.empty());

  live.tick(kStart + 15 * kSecond);
  status = live.status(kStart + 15 * kSecond);
  REQUIRE(status.cycles.size() == 1);
  CHECK(status.cycles[0].started == kStart + 15 * kSecond);
  CHECK_FALSE(status.cycle_start_error);
  fs::remove_all(dir);
}

TEST_CASE("live failed start is forgotten when the alert ends", "[live]") {
  fs::path dir = fresh_dir("start-ended");
  const fs::path roster = dir / "roster.csv";
  fs::copy_file("tests/live/data/live.csv", roster);
  LiveCampaign live(vague_options(dir, roster.string()));
  fs::remove(roster);

  CHECK_FALSE(run_error([&] { live.apply_alert(canicule(3), kStart); }).empty());
  CHECK(live.apply_alert(canicule(0, false), kStart + kMinute) == std::nullopt);
  CHECK_FALSE(live.status(kStart + kMinute).cycle_start_error);
  CHECK_NOTHROW(live.tick(kStart + kHour));
  CHECK(live.status(kStart + kHour).cycles.empty());
  fs::remove_all(dir);
}

TEST_CASE("live complete questionnaire is not downgraded", "[live]") {
  fs::path dir = fresh_dir("not-downgraded");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout held = take(live, "a1", kStart);

  std::vector<runtime::PersonDecision> decisions =
      live.submit("a1", submission(held, {person("L01", "completed", full_answers("no", "no"))}),
                  kStart + kMinute);
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0].disposition == "completed");
  CHECK_FALSE(decisions[0].downgraded);
  CHECK(decisions[0].outcome == "completed");

  // The required `health` is missing: recorded as partial, flagged.
  Handout next = take(live, "a1", kStart + kMinute);
  REQUIRE(people(next) == std::vector<std::string>{"L02", "L03"});
  decisions = live.submit("a1",
                          submission(next, {person("L02", "completed", {{"alone", {"no"}}}),
                                            person("L03", "completed", full_answers("no", "no"))}),
                          kStart + 2 * kMinute);
  REQUIRE(decisions.size() == 2);
  CHECK(decisions[0].disposition == "partial");
  CHECK(decisions[0].downgraded);
  CHECK(decisions[1].disposition == "completed");
  CHECK_FALSE(decisions[1].downgraded);
  std::vector<store::AttemptRecord> attempts = open_store(options.store_url)->attempts(1);
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[1].disposition == "partial");
  fs::remove_all(dir);
}
