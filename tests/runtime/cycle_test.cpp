// The cycle runner with a scripted in-test dialer: lines, priority,
// window and outcomes.

#include <catch2/catch.hpp>

#include <functional>
#include <map>

#include "check/compiler.hpp"
#include "runtime/cycle.hpp"
#include "runtime/roster.hpp"

using namespace vigie;
using namespace std::chrono_literals;

namespace {

const char* kCampaign = R"(
campaign t {
  timezone "Europe/Paris"
  calendar fr_metropole
  source s {
    id    text key
    phone phone
    rank  int
  }
  priority rank
  hours {
    mon-fri 09:00-19:00
  }
  retry {
    attempts 4 within 6h
    on no_answer after 2h
    on refused stop
    otherwise after 1h
  }
  script {
    ask ok "Ça va ?" yes_no
  }
  route alarm "Alerte" {
    when ok == no
    notify team within 1h
  }
}
)";

struct Compiled {
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module;
};

std::unique_ptr<Compiled> compile() {
  auto compiled = std::make_unique<Compiled>();
  compiled->module =
      check::compile_text("t.vigie", kCampaign, compiled->sources, compiled->diagnostics);
  REQUIRE_FALSE(compiled->diagnostics.has_errors());
  REQUIRE(compiled->module.campaigns.size() == 1);
  return compiled;
}

// `count` contacts C0, C1... with rank i. Contacts i and j share a number
// when phones[i] == phones[j]; by default every number differs.
ImportResult rows(int count, std::vector<int> phones = {}) {
  ImportResult import;
  for (int i = 0; i < count; ++i) {
    int phone = phones.empty() ? i : phones[static_cast<std::size_t>(i)];
    Row row;
    row.row_number = static_cast<std::size_t>(i + 2);
    row.values = {std::string("C") + std::to_string(i),
                  std::string("+33199") + std::to_string(100000 + phone), std::int64_t{i}};
    import.rows.push_back(row);
  }
  return import;
}

// A dialer whose results come from a function of the request.
class ScriptedDialer final : public Dialer {
 public:
  explicit ScriptedDialer(std::function<CallResult(const CallRequest&)> answer)
      : answer_(std::move(answer)) {}
  CallResult call(const CallRequest& request) override {
    requests.push_back(request);
    return answer_(request);
  }
  std::vector<CallRequest> requests;

 private:
  std::function<CallResult(const CallRequest&)> answer_;
};

class RecordingSink final : public runtime::CycleSink {
 public:
  void attempt(const runtime::AttemptEvent& event) override {
    attempts.push_back(event);
    // The event's answers are a view valid only during the call.
    const common::Value& ok = event.answers[0];
    ok_answers.push_back(ok.kind == common::ValueKind::option ? ok.index : -1);
  }
  void outcome(const runtime::OutcomeEvent& event) override {
    outcomes[event.contact] = event.outcome;
    routes += event.routes.size();
  }
  std::vector<runtime::AttemptEvent> attempts;
  std::vector<std::int32_t> ok_answers;  // per attempt: 0 yes, 1 no, -1 missing
  std::map<std::size_t, std::int32_t> outcomes;
  std::size_t routes = 0;
};

common::Instant monday_at(const char* local) {
  return common::to_instant(*common::parse_local_datetime(local),
                            common::find_zone("Europe/Paris"));
}

CallResult completed(std::chrono::seconds duration, const char* ok) {
  CallResult result;
  result.disposition = "completed";
  result.duration = duration;
  result.talk = duration;
  result.answers = {{"ok", {ok}}};
  return result;
}

struct Fixture {
  std::unique_ptr<Compiled> compiled = compile();
  const ir::Campaign& campaign = compiled->module.campaigns.front();
  eval::CompiledCampaign program{campaign};
};

}  // namespace

TEST_CASE("cycle runner never uses more lines than given", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(10), common::find_zone("Europe/Paris"), start,
                         1);
  ScriptedDialer dialer([](const CallRequest&) { return completed(10min, "yes"); });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  auto stats =
      runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, 2}, clock, sink);

  REQUIRE(sink.attempts.size() == 10);
  CHECK(stats.useful == 10);
  for (const auto& a : sink.attempts) {
    int overlapping = 0;
    for (const auto& b : sink.attempts) {
      if (b.start <= a.start && a.start < b.end) ++overlapping;
    }
    CHECK(overlapping <= 2);
  }
  // Ten 10-minute calls on two lines end 50 minutes after the start.
  CHECK(stats.end == start + 50min);
}

TEST_CASE("cycle runner calls higher priority first", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(5), common::find_zone("Europe/Paris"), start,
                         1);
  ScriptedDialer dialer([](const CallRequest&) { return completed(5min, "yes"); });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, 1}, clock, sink);

  REQUIRE(dialer.requests.size() == 5);
  CHECK(dialer.requests[0].contact_id == "C4");
  CHECK(dialer.requests[1].contact_id == "C3");
  CHECK(dialer.requests[4].contact_id == "C0");
}

TEST_CASE("cycle runner ends unanswered contacts unreachable at the window", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(1), common::find_zone("Europe/Paris"), start,
                         1);
  ScriptedDialer dialer([](const CallRequest&) {
    CallResult result;
    result.disposition = "no_answer";
    result.duration = 30s;
    return result;
  });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  auto stats =
      runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, 1}, clock, sink);

  // 10:00, 12:00:30, 14:01:00; the next (16:01:30) is past the 6-hour window.
  REQUIRE(sink.attempts.size() == 3);
  CHECK(sink.attempts[1].start == start + 2h + 30s);
  CHECK(sink.attempts[2].start == start + 4h + 60s);
  CHECK(sink.outcomes.at(0) == ir::kUnreachable);
  CHECK(stats.outcomes.at("unreachable") == 1);
}

TEST_CASE("cycle runner fires routes from the answers", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(4), common::find_zone("Europe/Paris"), start,
                         1);
  ScriptedDialer dialer([](const CallRequest& request) {
    return completed(3min, request.contact_id == "C1" || request.contact_id == "C2" ? "no" : "yes");
  });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  auto stats = runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, std::nullopt},
                                  clock, sink);

  CHECK(sink.routes == 2);
  CHECK(stats.routes.at("alarm") == 2);
}

TEST_CASE("cycle runner downgrades an incomplete completion to partial", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(1), common::find_zone("Europe/Paris"), start,
                         1);
  ScriptedDialer dialer([](const CallRequest& request) {
    CallResult result = completed(3min, "yes");
    if (request.attempt == 1) result.answers.clear();
    return result;
  });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  auto stats =
      runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, 1}, clock, sink);

  REQUIRE(sink.attempts.size() == 2);
  CHECK(sink.attempts[0].disposition == ir::kPartial);
  CHECK(sink.attempts[1].disposition == ir::kCompleted);
  CHECK(stats.downgraded_completions == 1);
}

TEST_CASE("cycle runner rejects an unknown disposition from the dialer", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(1), common::find_zone("Europe/Paris"), start,
                         1);
  ScriptedDialer dialer([](const CallRequest&) {
    CallResult result;
    result.disposition = "maybe";
    result.duration = 30s;
    return result;
  });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  CHECK_THROWS_WITH(
      runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, 1}, clock, sink),
      Catch::Contains("unknown disposition 'maybe'"));
}

TEST_CASE("roster rejects duplicate keys naming both rows", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  ImportResult import = rows(3);
  import.rows[2].values[0] = std::string("C0");

  runtime::Roster roster(f.campaign, f.program, import, common::find_zone("Europe/Paris"), start,
                         1);

  CHECK(roster.size() == 2);
  REQUIRE(roster.rejected().size() == 1);
  CHECK(roster.rejected()[0].row_number == 4);
  CHECK(roster.rejected()[0].reason.find("row 2") != std::string::npos);
}

TEST_CASE("cycle runner offers a shared number's due contacts in one call", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  // C0 and C1 are a couple on one landline; C2 has their own number.
  runtime::Roster roster(f.campaign, f.program, rows(3, {7, 7, 8}),
                         common::find_zone("Europe/Paris"), start, 1);
  ScriptedDialer dialer([](const CallRequest& request) {
    CallResult result = completed(4min, "yes");
    for (const HouseholdMember& member : request.household) {
      result.household.push_back({member.contact_id, "completed", 3min, {{"ok", {"no"}}}, {}, {}});
      result.duration += 3min;
    }
    return result;
  });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  auto stats = runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, std::nullopt},
                                  clock, sink);

  // Two calls: the couple's (one line) and C2's.
  REQUIRE(dialer.requests.size() == 2);
  const CallRequest& shared =
      dialer.requests[0].household.empty() ? dialer.requests[1] : dialer.requests[0];
  CHECK(shared.contact_id == "C1");  // the higher priority is dialled
  REQUIRE(shared.household.size() == 1);
  CHECK(shared.household[0].contact_id == "C0");
  CHECK(shared.household[0].attempt == 1);
  CHECK(stats.shared_calls == 1);

  // Each keeps their own answers: only C0 answered `no`, so only C0 fires.
  REQUIRE(sink.attempts.size() == 3);
  CHECK(stats.routes.at("alarm") == 1);
  CHECK(sink.routes == 1);
  for (std::size_t a = 0; a < sink.attempts.size(); ++a) {
    const auto& attempt = sink.attempts[a];
    if (attempt.contact == 2) continue;
    CHECK(attempt.start == start);
    CHECK(attempt.end == start + 7min);
    CHECK(sink.ok_answers[a] == (attempt.contact == 0 ? 1 : 0));
  }
}

TEST_CASE("cycle runner gives an unanswered line's disposition to the household", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(2, {5, 5}), common::find_zone("Europe/Paris"),
                         start, 1);
  ScriptedDialer dialer([](const CallRequest&) {
    CallResult result;
    result.disposition = "no_answer";
    result.duration = 30s;
    return result;
  });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, std::nullopt}, clock, sink);

  // Three shared calls (10:00, 12:00:30, 14:01:00), each an attempt for both.
  CHECK(dialer.requests.size() == 3);
  REQUIRE(sink.attempts.size() == 6);
  for (const auto& attempt : sink.attempts) CHECK(attempt.disposition == ir::kNoAnswer);
  CHECK(sink.outcomes.at(0) == ir::kUnreachable);
  CHECK(sink.outcomes.at(1) == ir::kUnreachable);
}

TEST_CASE("cycle runner rejects an answered shared call without the member's result", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(2, {5, 5}), common::find_zone("Europe/Paris"),
                         start, 1);
  ScriptedDialer dialer([](const CallRequest&) { return completed(2min, "yes"); });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  CHECK_THROWS_WITH(
      runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, 1}, clock, sink),
      Catch::Contains("no result for contact C0, who shares the number"));
}

TEST_CASE("cycle runner never dials a number twice at once", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(2, {5, 5}), common::find_zone("Europe/Paris"),
                         start, 1);
  // First call (both): C1 is partial (retry after 1h), C0 asks to be called
  // back at 11:15. C1's second call, alone at 11:05, lasts 20 minutes: C0
  // becomes due during it and must wait for its end.
  ScriptedDialer dialer([&](const CallRequest& request) {
    if (request.attempt == 1) {
      CallResult result;
      result.disposition = "partial";
      result.duration = 5min;
      result.talk = 4min;
      PersonResult c0{"C0", "callback", 1min, {}, monday_at("2019-06-24T11:15"), {}};
      result.household.push_back(c0);
      return result;
    }
    return completed(request.contact_id == "C1" ? 20min : 2min, "yes");
  });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, std::nullopt}, clock, sink);

  REQUIRE(dialer.requests.size() == 3);
  CHECK(dialer.requests[1].contact_id == "C1");
  CHECK(dialer.requests[1].household.empty());
  CHECK(dialer.requests[1].start == start + 1h + 5min);
  CHECK(dialer.requests[2].contact_id == "C0");
  CHECK(dialer.requests[2].start == start + 1h + 25min);
  for (const auto& a : sink.attempts) {
    for (const auto& b : sink.attempts) {
      bool same_call = a.start == b.start && a.end == b.end;
      CHECK((same_call || a.end <= b.start || b.end <= a.start));
    }
  }
  CHECK(sink.outcomes.at(0) == ir::kCompleted);
  CHECK(sink.outcomes.at(1) == ir::kCompleted);
}

TEST_CASE("cycle runner reports how soon contacts were first attempted", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(8), common::find_zone("Europe/Paris"), start,
                         1);
  ScriptedDialer dialer([](const CallRequest&) { return completed(1h, "yes"); });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  auto stats =
      runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, 1}, clock, sink);

  // One line, one-hour calls: first attempts at 10:00, 11:00 ... 15:00; the
  // 6-hour window ends at 16:00, so two contacts are never attempted.
  CHECK(stats.attempted == 6);
  CHECK(stats.attempted_within[0] == 5);  // 10:00 to 14:00
  CHECK(stats.attempted_within[1] == 6);
  CHECK(stats.attempted_within[2] == 6);
  REQUIRE(stats.first_call_at);
  CHECK(*stats.first_call_at == start);
}

TEST_CASE("cycle runner reads a callback's local time in the contact's zone", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(1), common::find_zone("Europe/Paris"), start,
                         1);
  ScriptedDialer dialer([](const CallRequest& request) {
    if (request.attempt > 1) return completed(2min, "yes");
    CallResult result;
    result.disposition = "callback";
    result.duration = 1min;
    result.talk = 1min;
    result.callback_local = LocalDateTime{{2019, 6, 24}, 15, 30, 0};
    return result;
  });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, 1}, clock, sink);

  REQUIRE(sink.attempts.size() == 2);
  CHECK(sink.attempts[0].callback_at == monday_at("2019-06-24T15:30"));
  CHECK(sink.attempts[1].start == monday_at("2019-06-24T15:30"));
}

TEST_CASE("cycle runner rejects an impossible local callback time", "[runtime]") {
  Fixture f;
  common::Instant start = monday_at("2019-06-24T10:00");
  runtime::Roster roster(f.campaign, f.program, rows(1), common::find_zone("Europe/Paris"), start,
                         1);
  ScriptedDialer dialer([](const CallRequest&) {
    CallResult result;
    result.disposition = "callback";
    result.duration = 1min;
    result.callback_local = LocalDateTime{{2019, 2, 30}, 10, 0, 0};
    return result;
  });
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  CHECK_THROWS_WITH(
      runtime::run_cycle(f.campaign, f.program, roster, dialer, {1, start, 1}, clock, sink),
      Catch::Contains("invalid callback time for contact C0, attempt 1"));
}
