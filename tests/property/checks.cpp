#include "property/checks.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "property/reference.hpp"

namespace vigie::property {
namespace {

// The open minutes of every zone the scenario's contacts use, over the
// cycle's window.
class ZoneHours {
 public:
  explicit ZoneHours(const Scenario& scenario) : scenario_(scenario) {}

  const OpenMinutes& of(const ScenarioContact& contact) {
    const date::time_zone* zone = reference_zone(scenario_, contact);
    auto it = hours_.find(zone);
    if (it == hours_.end()) {
      auto hours =
          std::make_unique<OpenMinutes>(scenario_, zone, scenario_.start, window_end(scenario_));
      it = hours_.emplace(zone, std::move(hours)).first;
    }
    return *it->second;
  }

 private:
  const Scenario& scenario_;
  std::map<const date::time_zone*, std::unique_ptr<OpenMinutes>> hours_;
};

std::vector<EngineAttempt> attempts_of(const EngineRun& run, const std::string& contact) {
  std::vector<EngineAttempt> attempts;
  for (const EngineAttempt& attempt : run.attempts) {
    if (attempt.contact == contact) attempts.push_back(attempt);
  }
  std::stable_sort(
      attempts.begin(), attempts.end(),
      [](const EngineAttempt& a, const EngineAttempt& b) { return a.start < b.start; });
  return attempts;
}

std::string when(const Scenario& scenario, Instant t) {
  return format_instant(t, scenario.zone);
}

void check_contact(const Scenario& scenario, const ScenarioContact& contact,
                   const OpenMinutes& hours, const EngineRun& run,
                   std::vector<std::string>& problems) {
  const std::string& id = contact.id;
  std::vector<EngineAttempt> attempts = attempts_of(run, id);
  Instant end_of_window = window_end(scenario);

  if (static_cast<int>(attempts.size()) > scenario.retry.attempts) {
    problems.push_back(id + ": " + std::to_string(attempts.size()) + " attempts, cap " +
                       std::to_string(scenario.retry.attempts));
  }

  for (std::size_t k = 0; k < attempts.size(); ++k) {
    const EngineAttempt& attempt = attempts[k];
    std::string label = id + " attempt " + std::to_string(attempt.attempt);
    if (attempt.attempt != static_cast<int>(k) + 1) {
      problems.push_back(label + ": is the contact's attempt number " + std::to_string(k + 1));
    }
    if (attempt.start < scenario.start) {
      problems.push_back(label + ": starts before the cycle, at " + when(scenario, attempt.start));
    }
    if (attempt.start >= end_of_window) {
      problems.push_back(label + ": starts at " + when(scenario, attempt.start) +
                         ", at or after the window end " + when(scenario, end_of_window));
    }
    if (!hours.is_open(attempt.start) && attempt.start < end_of_window) {
      problems.push_back(label + ": starts outside calling hours, at " +
                         when(scenario, attempt.start));
    }
    if (k == 0) continue;

    const EngineAttempt& previous = attempts[k - 1];
    Decision decision = decide_after_attempt(scenario, previous.disposition, previous.attempt,
                                             previous.end, previous.callback_at);
    if (decision.kind != Decision::Kind::retry) {
      problems.push_back(label + ": follows attempt " + std::to_string(previous.attempt) + " (" +
                         previous.disposition + "), which ended the cycle");
    } else if (attempt.start < decision.earliest) {
      problems.push_back(label + ": starts at " + when(scenario, attempt.start) +
                         ", before the earliest retry " + when(scenario, decision.earliest) +
                         " after " + previous.disposition);
    }
  }

  auto outcomes = run.outcomes.find(id);
  if (outcomes == run.outcomes.end() || outcomes->second.size() != 1) {
    problems.push_back(
        id + ": " + std::to_string(outcomes == run.outcomes.end() ? 0 : outcomes->second.size()) +
        " outcomes instead of one");
    return;
  }
  const EngineOutcome& outcome = outcomes->second.front();
  if (outcome.attempts != static_cast<int>(attempts.size())) {
    problems.push_back(id + ": the outcome counts " + std::to_string(outcome.attempts) +
                       " attempts, the sink saw " + std::to_string(attempts.size()));
  }

  // The outcome follows from the last attempt: the disposition that ended
  // the cycle, else unreachable (cap, window or hours ran out).
  std::string expected = "unreachable";
  if (!attempts.empty()) {
    const EngineAttempt& last = attempts.back();
    Decision decision =
        decide_after_attempt(scenario, last.disposition, last.attempt, last.end, last.callback_at);
    if (decision.kind == Decision::Kind::final) expected = decision.outcome;
  }
  if (outcome.outcome != expected) {
    problems.push_back(id + ": outcome " + outcome.outcome + ", the last attempt gives " +
                       expected);
  }
}

void check_numbers(const Scenario& scenario, const EngineRun& run,
                   std::vector<std::string>& problems) {
  std::map<std::string, std::string> phone_of;
  for (const ScenarioContact& contact : scenario.contacts) phone_of[contact.id] = contact.phone;

  for (std::size_t a = 0; a < run.attempts.size(); ++a) {
    for (std::size_t b = a + 1; b < run.attempts.size(); ++b) {
      const EngineAttempt& first = run.attempts[a];
      const EngineAttempt& second = run.attempts[b];
      if (phone_of[first.contact] != phone_of[second.contact]) continue;
      bool same_call = first.start == second.start && first.end == second.end;
      bool disjoint = first.end <= second.start || second.end <= first.start;
      if (same_call || disjoint) continue;
      problems.push_back(first.contact + " attempt " + std::to_string(first.attempt) + " [" +
                         when(scenario, first.start) + ", " + when(scenario, first.end) +
                         ") overlaps " + second.contact + " attempt " +
                         std::to_string(second.attempt) + " [" + when(scenario, second.start) +
                         ", " + when(scenario, second.end) + ") on one number");
    }
  }
}

void check_lines(const Scenario& scenario, const EngineRun& run,
                 std::vector<std::string>& problems) {
  if (!scenario.lines) return;

  // Members of a household offered in one call share one line, so a call is
  // a distinct (number, start, end).
  std::map<std::string, std::string> phone_of;
  for (const ScenarioContact& contact : scenario.contacts) phone_of[contact.id] = contact.phone;
  std::set<std::tuple<Instant, Instant, std::string>> calls;
  for (const EngineAttempt& attempt : run.attempts) {
    calls.insert({attempt.start, attempt.end, phone_of[attempt.contact]});
  }

  // A call occupies its line over [start, end), so a call ending at an
  // instant frees the line before a call starting at that instant takes it.
  std::vector<std::pair<Instant, int>> changes;
  for (const auto& [start, end, phone] : calls) {
    changes.push_back({start, +1});
    changes.push_back({end, -1});
  }
  std::sort(changes.begin(), changes.end());
  int busy = 0;
  for (const auto& [at, change] : changes) {
    busy += change;
    if (busy > *scenario.lines) {
      problems.push_back(std::to_string(busy) + " calls in progress at " + when(scenario, at) +
                         " with " + std::to_string(*scenario.lines) + " lines");
      return;
    }
  }
}

}  // namespace

std::vector<std::string> compare_with_reference(const Scenario& scenario, const EngineRun& run) {
  std::vector<std::string> problems;
  if (!run.error.empty()) return {run.error};

  ZoneHours zone_hours(scenario);
  for (const ScenarioContact& contact : scenario.contacts) {
    ExpectedContact expected = reference_schedule(scenario, contact, zone_hours.of(contact));
    std::vector<EngineAttempt> actual = attempts_of(run, contact.id);

    std::size_t common = std::min(expected.starts.size(), actual.size());
    for (std::size_t k = 0; k < common; ++k) {
      const ScriptedAttempt& scripted = contact.script[k];
      std::string label = contact.id + " attempt " + std::to_string(k + 1);
      if (actual[k].start != expected.starts[k]) {
        problems.push_back(label + ": starts at " + when(scenario, actual[k].start) +
                           ", reference " + when(scenario, expected.starts[k]));
      }
      if (actual[k].end - actual[k].start != scripted.duration) {
        problems.push_back(label + ": lasts " + format_duration(actual[k].end - actual[k].start) +
                           ", scripted " + format_duration(scripted.duration));
      }
      if (actual[k].disposition != scripted.disposition) {
        problems.push_back(label + ": recorded as " + actual[k].disposition + ", scripted " +
                           scripted.disposition);
      }
    }
    if (actual.size() != expected.starts.size()) {
      problems.push_back(contact.id + ": " + std::to_string(actual.size()) +
                         " attempts, reference " + std::to_string(expected.starts.size()));
    }

    auto outcomes = run.outcomes.find(contact.id);
    std::string outcome = outcomes == run.outcomes.end() || outcomes->second.empty()
                              ? std::string("<none>")
                              : outcomes->second.front().outcome;
    if (outcome != expected.outcome) {
      problems.push_back(contact.id + ": outcome " + outcome + ", reference " + expected.outcome);
    }
  }
  return problems;
}

std::vector<std::string> check_invariants(const Scenario& scenario, const EngineRun& run) {
  if (!run.error.empty()) return {run.error};

  std::vector<std::string> problems;
  for (const std::string& request : run.unscripted_requests) {
    problems.push_back("the engine asked the dialer for " + request + ", past the cap");
  }

  ZoneHours zone_hours(scenario);
  for (const ScenarioContact& contact : scenario.contacts) {
    check_contact(scenario, contact, zone_hours.of(contact), run, problems);
  }
  check_numbers(scenario, run, problems);
  check_lines(scenario, run, problems);
  return problems;
}

}  // namespace vigie::property
