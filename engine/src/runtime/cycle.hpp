#pragma once
// Runs one cycle of a campaign on a virtual clock: a discrete-event
// simulation of `lines` call lines dialling the roster under the
// campaign's calling hours and retry policy.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "eval/evaluator.hpp"
#include "ir/campaign.hpp"
#include "runtime/clock.hpp"
#include "runtime/roster.hpp"
#include "vigie/plugin.hpp"

namespace vigie::runtime {

struct AttemptEvent {
  int cycle = 1;
  std::size_t contact = 0;  // index in the roster
  int attempt = 1;
  common::Instant start{};
  common::Instant end{};
  std::int32_t disposition = 0;
  std::int64_t talk_seconds = 0;
  std::optional<common::Instant> callback_at;
  std::span<const common::Value> answers;  // the contact's answers after this attempt
};

struct FiredRouteEvent {
  std::int32_t route = 0;
  common::Instant due{};
};

struct OutcomeEvent {
  int cycle = 1;
  std::size_t contact = 0;
  std::int32_t outcome = 0;  // disposition index, ir::kUnreachable included
  int attempts = 0;
  common::Instant decided_at{};
  const eval::Results* results = nullptr;  // lets, scores, routes, useful
  std::vector<FiredRouteEvent> routes;
};

// Receives what happens during a cycle, in simulated time order. The runner
// calls `attempt` before acting on the attempt's result and `outcome` before
// the contact leaves the cycle, so a sink that persists synchronously never
// loses a result that was acted upon.
class CycleSink {
 public:
  virtual ~CycleSink() = default;
  virtual void attempt(const AttemptEvent& event) = 0;
  virtual void outcome(const OutcomeEvent& event) = 0;
  virtual void progress(std::size_t done, std::size_t total, common::Instant now) {
    (void)done, (void)total, (void)now;
  }
};

struct CycleStats {
  int cycle = 1;
  common::Instant start{};
  common::Instant window_end{};
  common::Instant end{};  // when the last contact left the cycle
  std::size_t contacts = 0;
  std::size_t attempts = 0;
  std::map<std::string, std::size_t> outcomes;  // outcome name -> contacts
  std::map<std::string, std::size_t> routes;    // route name -> fired count
  std::size_t useful = 0;
  std::optional<common::Instant> first_call_at;
  // Service level: contacts whose first attempt started within 4, 12 and
  // 24 hours (elapsed) of the cycle start, and contacts attempted at all.
  static constexpr std::array<common::Seconds, 3> kServiceMarks{
      std::chrono::hours{4}, std::chrono::hours{12}, std::chrono::hours{24}};
  std::array<std::size_t, 3> attempted_within{};
  std::size_t attempted = 0;
  std::size_t shared_calls = 0;       // calls that reached two or more people on one number
  std::size_t answered_attempts = 0;  // attempts with talk time
  std::int64_t talk_seconds = 0;
  std::size_t ignored_answers = 0;         // reported answers that did not fit the script
  std::size_t downgraded_completions = 0;  // `completed` with an incomplete questionnaire
};

struct CycleSettings {
  int cycle = 1;
  common::Instant start{};
  // Call lines (agents); std::nullopt means as many as needed.
  std::optional<int> lines;
};

// Contacts whose normalised numbers are equal share a line: they are never
// dialled at the same time, and those due when one of them is dialled are
// offered in the same call (one line), each with their own attempt,
// answers and outcome.
//
// Runs one cycle to its end. `roster`, `campaign`, `compiled` and `dialer`
// must outlive the call. Throws PluginError when the dialer fails.
CycleStats run_cycle(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
                     const Roster& roster, Dialer& dialer, const CycleSettings& settings,
                     VirtualClock& clock, CycleSink& sink);

}  // namespace vigie::runtime
