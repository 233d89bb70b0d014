// Retry rules through the cycle runner, with a seeded dialer that mixes
// dispositions, call lengths and callback times. Each contact's attempts are
// checked against a reference of the campaign's hours written in this file.
// The checks: no attempt before its delay or outside hours, and a delay that
// ends after closing waits for the next opening. Each contact has one attempt
// budget, its attempts never overlap, and none starts at or after the window
// end.

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "check/compiler.hpp"
#include "runtime/cycle.hpp"
#include "runtime/roster.hpp"

using namespace vigie;
using namespace std::chrono_literals;

namespace {

const char* kCampaign = R"(
campaign retries {
  timezone "Europe/Paris"
  calendar fr_metropole
  source s {
    id    text key
    phone phone
  }
  hours {
    mon-fri 09:00-19:00
    sat-sun 10:00-19:00
    holiday 10:00-19:00
  }
  retry {
    attempts 4 within 48h
    on no_answer after 2h
    on busy after 30m
    on voicemail after 3h
    on failed after 15m
    on partial after 1h
    on callback after 1h
    on refused stop
    otherwise after 2h
  }
  script {
    ask ok "Ça va ?" yes_no
  }
}
)";

// The delay of each disposition in kCampaign's retry block.
const std::map<std::string, std::chrono::seconds> kDelays = {
    {"no_answer", 2h}, {"busy", 30min}, {"voicemail", 3h},
    {"failed", 15min}, {"partial", 1h}, {"callback", 1h},
};

// The public holidays of 2019 in fr_metropole that the cycles below meet.
const std::set<std::string> kHolidays2019 = {"2019-11-01", "2019-11-11", "2019-12-25"};

struct Compiled {
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module;
};

std::unique_ptr<Compiled> compile() {
  auto compiled = std::make_unique<Compiled>();
  compiled->module =
      check::compile_text("retries.vigie", kCampaign, compiled->sources, compiled->diagnostics);
  REQUIRE_FALSE(compiled->diagnostics.has_errors());
  REQUIRE(compiled->module.campaigns.size() == 1);
  return compiled;
}

ImportResult rows(int count) {
  ImportResult import;
  for (int i = 0; i < count; ++i) {
    Row row;
    row.row_number = static_cast<std::size_t>(i + 2);
    row.values = {"C" + std::to_string(i), "+331990" + std::to_string(10000 + i)};
    import.rows.push_back(row);
  }
  return import;
}

const date::time_zone* paris() {
  const date::time_zone* found = common::find_zone("Europe/Paris");
  REQUIRE(found != nullptr);
  return found;
}

common::Instant paris_time(const char* text) {
  std::optional<common::LocalTime> local = common::parse_local_datetime(text);
  REQUIRE(local.has_value());
  return common::to_instant(*local, paris());
}

// The reference hours: the local opening time of a date, as minutes after
// midnight, and 19:00 closing every day. No clock change in Europe/Paris
// falls between 09:00 and 19:00, so each bound maps to a single instant.
int opening_minute(date::local_days day) {
  bool weekend = date::weekday{day} == date::Saturday || date::weekday{day} == date::Sunday;
  std::string text = common::format_date(common::Date{day.time_since_epoch()});
  bool holiday = kHolidays2019.count(text) != 0;
  return weekend || holiday ? 10 * 60 : 9 * 60;
}

bool reference_open(common::Instant t) {
  common::LocalTime local = paris()->to_local(t);
  date::local_days day = date::floor<date::days>(local);
  auto minute = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
  return opening_minute(day) <= minute && minute < 19 * 60;
}

// The first instant >= t inside the reference hours.
common::Instant reference_next_open(common::Instant t) {
  if (reference_open(t)) return t;

  date::local_days day = date::floor<date::days>(paris()->to_local(t));
  for (int offset = 0; offset < 8; ++offset) {
    date::local_days candidate_day = day + date::days{offset};
    common::LocalTime opening = candidate_day + std::chrono::minutes{opening_minute(candidate_day)};
    common::Instant candidate = paris()->to_sys(opening);
    if (candidate >= t) return candidate;
  }
  FAIL("no opening within a week of the reference time");
  return t;
}

// A dialer drawing each attempt's result from a seeded generator keyed by
// contact and attempt, so the results do not depend on dispatch order.
class RandomDialer final : public Dialer {
 public:
  explicit RandomDialer(std::uint32_t seed) : seed_(seed) {}

  CallResult call(const CallRequest& request) override {
    std::seed_seq key{seed_, static_cast<std::uint32_t>(std::stoul(request.contact_id.substr(1))),
                      static_cast<std::uint32_t>(request.attempt)};
    std::mt19937 random(key);

    static const char* const kDispositions[] = {"no_answer", "busy",      "voicemail",
                                                "failed",    "partial",   "callback",
                                                "callback",  "completed", "refused"};
    std::uniform_int_distribution<std::size_t> pick(0, std::size(kDispositions) - 1);
    std::uniform_int_distribution<int> seconds(1, 15 * 60);
    std::uniform_int_distribution<int> callback_minutes(-60, 30 * 60);

    CallResult result;
    result.disposition = kDispositions[pick(random)];
    result.duration = std::chrono::seconds{seconds(random)};
    if (result.disposition == "completed" || result.disposition == "partial") {
      result.talk = result.duration;
    }
    if (result.disposition == "completed") result.answers = {{"ok", {"yes"}}};
    // Some callbacks give a time (possibly already past), others none.
    if (result.disposition == "callback" && random() % 3 != 0) {
      result.callback_at = request.start + std::chrono::minutes{callback_minutes(random)};
    }
    return result;
  }

 private:
  std::uint32_t seed_;
};

class RecordingSink final : public runtime::CycleSink {
 public:
  void attempt(const runtime::AttemptEvent& event) override {
    attempts[event.contact].push_back(event);
  }
  void outcome(const runtime::OutcomeEvent& event) override {
    ++outcome_count[event.contact];
    outcomes[event.contact] = event.outcome;
  }
  std::map<std::size_t, std::vector<runtime::AttemptEvent>> attempts;
  std::map<std::size_t, std::int32_t> outcomes;
  std::map<std::size_t, int> outcome_count;
};

// The earliest start the retry rules allow after `previous`.
common::Instant earliest_after(const ir::Campaign& campaign,
                               const runtime::AttemptEvent& previous) {
  const std::string& name = campaign.dispositions[previous.disposition].name;
  if (name == "callback" && previous.callback_at) {
    return std::max(*previous.callback_at, previous.end);
  }
  return previous.end + kDelays.at(name);
}

struct CycleCase {
  const char* start;  // Paris local time
  std::optional<int> lines;
  std::uint32_t seed;
};

void check_cycle(const CycleCase& c) {
  auto compiled = compile();
  const ir::Campaign& campaign = compiled->module.campaigns.front();
  eval::CompiledCampaign program{campaign};
  common::Instant start = paris_time(c.start);
  runtime::Roster roster(campaign, program, rows(300), paris(), start, 1);
  RandomDialer dialer(c.seed);
  RecordingSink sink;
  runtime::VirtualClock clock(start);

  runtime::CycleStats stats =
      runtime::run_cycle(campaign, program, roster, dialer, {1, start, c.lines}, clock, sink);
  common::Instant window_end = start + 48h;
  REQUIRE(stats.window_end == window_end);

  std::size_t attempts_seen = 0;
  for (std::size_t contact = 0; contact < roster.size(); ++contact) {
    CAPTURE(contact);
    REQUIRE(sink.outcome_count[contact] == 1);
    const std::vector<runtime::AttemptEvent>& attempts = sink.attempts[contact];
    attempts_seen += attempts.size();

    // One budget per contact and cycle, whatever the mix of results.
    CHECK(attempts.size() <= 4);
    if (attempts.empty()) {
      // Only busy lines can keep a contact from any attempt until the end.
      CHECK(c.lines.has_value());
      CHECK(sink.outcomes[contact] == ir::kUnreachable);
      continue;
    }
    if (!c.lines) CHECK(attempts.front().start == reference_next_open(start));

    for (std::size_t k = 0; k < attempts.size(); ++k) {
      const runtime::AttemptEvent& event = attempts[k];
      CAPTURE(k, common::format_local_iso(event.start, paris()));
      CHECK(event.attempt == static_cast<int>(k) + 1);
      CHECK(reference_open(event.start));
      CHECK(event.start < window_end);
      if (k == 0) continue;

      const runtime::AttemptEvent& previous = attempts[k - 1];
      CHECK(event.start >= previous.end);  // never two attempts at once
      common::Instant earliest = earliest_after(campaign, previous);
      CHECK(event.start >= earliest);
      // With a line always free, the attempt starts exactly at the first
      // open instant at or after its earliest start.
      if (!c.lines) CHECK(event.start == reference_next_open(earliest));
    }

    // The contact's last attempt decides whether the cycle ended correctly.
    const runtime::AttemptEvent& last = attempts.back();
    const std::string& last_name = campaign.dispositions[last.disposition].name;
    std::int32_t outcome = sink.outcomes[contact];
    if (last_name == "completed" || last_name == "refused") {
      CHECK(outcome == last.disposition);
    } else {
      CHECK(outcome == ir::kUnreachable);
      // Unreachable early only when the next allowed start is past the window.
      if (attempts.size() < 4 && !c.lines) {
        CHECK(reference_next_open(earliest_after(campaign, last)) >= window_end);
      }
    }
  }
  CHECK(stats.attempts == attempts_seen);
}

}  // namespace

TEST_CASE("cycle retries respect delay, hours and cap", "[runtime][retry]") {
  const CycleCase cases[] = {
      {"2019-06-24T10:00", std::nullopt, 1},  // an ordinary Monday
      {"2019-06-28T17:00", std::nullopt, 2},  // Friday evening into the weekend
      {"2019-10-25T17:00", std::nullopt, 3},  // across the autumn clock change
      {"2019-10-31T18:00", std::nullopt, 4},  // into the 1 November holiday
      {"2019-12-24T12:00", std::nullopt, 5},  // into Christmas
  };
  for (const CycleCase& c : cases) {
    CAPTURE(c.start, c.seed);
    check_cycle(c);
  }
}

TEST_CASE("cycle retries hold with few lines", "[runtime][retry]") {
  // Busy lines delay attempts, so starts are only bounded from below. A
  // contact whose line frees after closing waits for the next opening.
  const CycleCase cases[] = {
      {"2019-06-24T10:00", 3, 11},
      {"2019-10-25T17:00", 5, 12},
      {"2019-06-28T18:30", 2, 13},
  };
  for (const CycleCase& c : cases) {
    CAPTURE(c.start, c.seed, *c.lines);
    check_cycle(c);
  }
}
