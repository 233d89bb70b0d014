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

ImportResult rows(int count) {
  ImportResult import;
  for (int i = 0; i < count; ++i) {
    Row row;
    row.row_number = static_cast<std::size_t>(i + 2);
    row.values = {std::string("C") + std::to_string(i), std::string("+33199000000"),
                  std::int64_t{i}};
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
  void attempt(const runtime::AttemptEvent& event) override { attempts.push_back(event); }
  void outcome(const runtime::OutcomeEvent& event) override {
    outcomes[event.contact] = event.outcome;
    routes += event.routes.size();
  }
  std::vector<runtime::AttemptEvent> attempts;
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
