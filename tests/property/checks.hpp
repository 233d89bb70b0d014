#pragma once
// What the property tests assert on an engine run: agreement with the
// reference scheduler, and the scheduling invariants. Each function returns
// one line per violation, empty when everything holds.

#include <string>
#include <vector>

#include "property/engine_run.hpp"
#include "property/scenario.hpp"

namespace vigie::property {

// Compares every contact's attempt starts, durations, dispositions and
// outcome with the reference schedule. Only meaningful for contacts on
// distinct numbers and with unlimited lines.
std::vector<std::string> compare_with_reference(const Scenario& scenario, const EngineRun& run);

// Checks the scheduling invariants. For every contact:
//  - each attempt starts in an open interval of the contact's zone, at or
//    after the cycle start and before the window end;
//  - each attempt starts no sooner than the delay or callback time that the
//    previous attempt set, and never after an attempt that ended the cycle;
//  - attempts are numbered 1..n, with n at most the cap;
//  - there is one outcome, consistent with the last attempt.
// Across contacts, two attempts on one number are the same call (same start
// and end) or do not overlap, and no more calls than lines are in progress.
std::vector<std::string> check_invariants(const Scenario& scenario, const EngineRun& run);

}  // namespace vigie::property
