#pragma once
// The retry state machine of one contact in one cycle: what follows an
// attempt, under the campaign's retry policy and calling hours.

#include <cstdint>
#include <optional>

#include "common/time.hpp"
#include "ir/campaign.hpp"
#include "schedule/calling_hours.hpp"

namespace vigie::schedule {

struct CycleWindow {
  common::Instant start;  // cycle start (activation)
  common::Instant end;    // start + retry.within; attempts must start before it
};

// The next step for a contact after an attempt.
struct NextStep {
  bool final = false;              // the contact's cycle is over
  std::int32_t outcome = -1;       // when final: disposition index or ir::kUnreachable
  common::Instant next_attempt{};  // when not final: earliest start, already in open hours
};

// Decides what follows an attempt that ended at `ended_at` with
// `disposition`, after `attempts_made` attempts in this cycle (this one
// included). Applies, in order:
//  1. `completed`, a final disposition, or a disposition whose retry line
//     (`on`, else `otherwise`) is `stop`: the cycle ends with that outcome;
//  2. the hard cap (`attempts_made >= attempts`): ends as ir::kUnreachable;
//  3. the earliest start: for `callback` with `callback_at`, that time (never
//     before `ended_at`); otherwise `ended_at` plus the `on` or `otherwise`
//     delay, in elapsed seconds;
//  4. that start rolled forward into open hours; at or after `window.end`,
//     or nothing open, the cycle ends as ir::kUnreachable.
// Never returns a next attempt at or after `window.end`.
// Throws std::out_of_range for an index that is not an attempt disposition
// (negative, past the table, or ir::kUnreachable), and std::invalid_argument
// when the policy has no line for a non-final disposition, which the checker
// rejects.
NextStep next_step(const ir::Campaign& campaign, const CallingHours& hours,
                   const CycleWindow& window, int attempts_made, std::int32_t disposition,
                   common::Instant ended_at, std::optional<common::Instant> callback_at);

// The instant of a callback requested for the wall-clock time `requested` in
// the person's zone, during an attempt that ended at `request_made_at`. A
// time that occurs twice (clocks going back) resolves to its first
// occurrence at or after `request_made_at`, or to its first occurrence when
// both have passed. A time inside a spring-forward gap resolves to the first
// instant after the gap.
common::Instant requested_callback(common::LocalTime requested, const date::time_zone* zone,
                                   common::Instant request_made_at);

// The first attempt's time: the cycle start rolled into open hours, or
// nullopt when that falls at or after the window end.
std::optional<common::Instant> first_attempt(const CallingHours& hours, const CycleWindow& window);

}  // namespace vigie::schedule
