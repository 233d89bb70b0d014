#pragma once
// The store records and alerts of attempts and outcomes, built the same way
// by `vigie run`, `vigie work` and `vigie serve`, so that the three modes
// store, score and alert a contact alike.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/time.hpp"
#include "common/value.hpp"
#include "eval/evaluator.hpp"
#include "ir/campaign.hpp"
#include "runtime/roster.hpp"
#include "store/store.hpp"
#include "vigie/types.hpp"

namespace vigie::runtime {

// Returns whether a disposition concerns the line rather than one person
// (no_answer, busy, voicemail, failed, wrong_number), so that it applies
// to every contact on the number.
bool is_line_disposition(std::int32_t index);

// Returns a score or let value as a number: 0 when it is not numeric.
double number_of(const common::Value& value);

// Returns the register snapshot of a cycle for the store: each contact of
// the roster with every field in text form.
std::vector<store::ContactRecord> contact_records(const ir::Campaign& campaign,
                                                  const Roster& roster);

// Returns rejected register rows as store records.
std::vector<store::RejectedRecord> rejected_records(const std::vector<RejectedRow>& rows);

// Returns the given answers as (question id, text) pairs in script order,
// as the store keeps them. `answers` is indexed like the script.
std::vector<std::pair<std::string, std::string>> answer_texts(
    const ir::Campaign& campaign, std::span<const common::Value> answers);

// Builds the outcome record of a contact leaving a cycle from `results`,
// evaluated with that outcome: the scores in campaign order, and each
// fired route due `within` after `decided_at`. `zone` is the contact's.
store::OutcomeRecord outcome_record(const ir::Campaign& campaign, const eval::Results& results,
                                    int cycle, const std::string& contact_id, std::int32_t outcome,
                                    int attempts, common::Instant decided_at,
                                    const date::time_zone* zone);

// Builds the alert a notifier receives for route `fired` of `outcome`.
// The idempotency key is "campaign/cycle/route/contact_id". An outcome
// stored without its decision instant (by a store older than schema
// version 5) fired its routes `within` before their due time.
Alert make_alert(const ir::Campaign& campaign, const store::OutcomeRecord& outcome,
                 const store::FiredRoute& fired, const date::time_zone* zone);

// Returns the wall-clock time of a callback request, or nullopt when it is
// not a real date with hour 0-23, minute and second 0-59.
std::optional<common::LocalTime> callback_local_time(const LocalDateTime& local);

// Returns whether an alert at `level` meets the campaign's trigger.
bool trigger_met(const ir::Trigger& trigger, std::int64_t level);

}  // namespace vigie::runtime
