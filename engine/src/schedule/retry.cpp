#include "schedule/retry.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace vigie::schedule {
namespace {

NextStep final_step(std::int32_t outcome) {
  return NextStep{/*final=*/true, outcome, {}};
}

// The retry line that applies to `disposition`: its own `on` line, else
// `otherwise`. Kind::unset when neither exists.
const ir::RetryAction& action_for(const ir::RetryPolicy& policy, std::int32_t disposition) {
  auto index = static_cast<std::size_t>(disposition);
  if (index < policy.on.size() && policy.on[index].kind != ir::RetryAction::Kind::unset) {
    return policy.on[index];
  }
  return policy.otherwise;
}

// The earliest instant the next attempt may start, before calling hours.
common::Instant earliest_retry(const ir::Campaign& campaign, const ir::RetryAction& action,
                               std::int32_t disposition, common::Instant ended_at,
                               std::optional<common::Instant> callback_at) {
  // The time the person asked for wins over any delay, but never schedules
  // a call before the attempt that asked for it has ended.
  if (disposition == ir::kCallback && callback_at) return std::max(*callback_at, ended_at);

  // A callback with no time, no `on callback` line and no `otherwise` is
  // retried at the next opening: the person asked to be called again.
  if (disposition == ir::kCallback && action.kind == ir::RetryAction::Kind::unset) return ended_at;

  if (action.kind != ir::RetryAction::Kind::retry) {
    // The checker rejects a non-final disposition with neither an `on` line
    // nor `otherwise`, so this is a campaign built outside the checker.
    throw std::invalid_argument("retry policy '" + campaign.retry.name +
                                "' has no `on` line and no `otherwise` for disposition '" +
                                campaign.dispositions[disposition].name + "'");
  }
  return ended_at + action.delay;
}

}  // namespace

NextStep next_step(const ir::Campaign& campaign, const CallingHours& hours,
                   const CycleWindow& window, int attempts_made, std::int32_t disposition,
                   common::Instant ended_at, std::optional<common::Instant> callback_at) {
  if (disposition < 0 || static_cast<std::size_t>(disposition) >= campaign.dispositions.size() ||
      disposition == ir::kUnreachable) {
    throw std::out_of_range("disposition index " + std::to_string(disposition) +
                            " is not a disposition an attempt can report");
  }

  // A finished questionnaire and final dispositions end the cycle with that
  // outcome, and so does a disposition whose retry line is `stop`.
  if (disposition == ir::kCompleted || campaign.dispositions[disposition].final) {
    return final_step(disposition);
  }
  const ir::RetryAction& action = action_for(campaign.retry, disposition);
  // A callback time is honoured even under `otherwise stop`; only an
  // explicit `on callback stop` ends the cycle.
  auto index = static_cast<std::size_t>(disposition);
  bool own_line = index < campaign.retry.on.size() &&
                  campaign.retry.on[index].kind != ir::RetryAction::Kind::unset;
  bool asked_time = disposition == ir::kCallback && callback_at.has_value() && !own_line;
  if (action.kind == ir::RetryAction::Kind::stop && !asked_time) return final_step(disposition);

  if (attempts_made >= campaign.retry.attempts) return final_step(ir::kUnreachable);

  common::Instant earliest = earliest_retry(campaign, action, disposition, ended_at, callback_at);
  if (earliest >= window.end) return final_step(ir::kUnreachable);

  std::optional<common::Instant> next = hours.next_open(earliest);
  if (!next || *next >= window.end) return final_step(ir::kUnreachable);
  return NextStep{/*final=*/false, /*outcome=*/-1, *next};
}

common::Instant requested_callback(common::LocalTime requested, const date::time_zone* zone,
                                   common::Instant request_made_at) {
  common::Instant earliest = zone->to_sys(requested, date::choose::earliest);
  common::Instant latest = zone->to_sys(requested, date::choose::latest);

  // A request made during the repeated hour for a time that already went by
  // once means its second occurrence, which is still ahead.
  if (earliest < request_made_at && latest >= request_made_at) return latest;
  return earliest;
}

std::optional<common::Instant> first_attempt(const CallingHours& hours, const CycleWindow& window) {
  if (window.start >= window.end) return std::nullopt;

  std::optional<common::Instant> first = hours.next_open(window.start);
  if (!first || *first >= window.end) return std::nullopt;
  return first;
}

}  // namespace vigie::schedule
