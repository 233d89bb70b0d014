#pragma once
// Runs a scenario through the real engine: the campaign is compiled from
// .vigie text, the roster is built from in-memory rows, and run_cycle drives
// a test dialer that replays each contact's scripted attempts.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "property/scenario.hpp"

namespace vigie::property {

struct EngineAttempt {
  std::string contact;  // contact id
  int attempt = 0;
  Instant start{};
  Instant end{};
  std::string disposition;
  std::optional<Instant> callback_at;
};

struct EngineOutcome {
  std::string outcome;  // a disposition name or "unreachable"
  int attempts = 0;
};

struct EngineRun {
  // The compiler's diagnostics when the campaign did not compile, or the
  // exception the cycle threw; empty when the cycle ran to its end.
  std::string error;
  std::vector<EngineAttempt> attempts;  // in the order the sink received them
  std::map<std::string, std::vector<EngineOutcome>> outcomes;  // contact id -> outcomes
  // Requests for an attempt number past the script (the cap is at most 6).
  std::vector<std::string> unscripted_requests;
};

EngineRun run_engine(const Scenario& scenario);

}  // namespace vigie::property
