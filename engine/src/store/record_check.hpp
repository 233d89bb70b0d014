#pragma once
// Checks on records before they are written, so that a record is either
// stored whole or rejected before any of its rows reaches the database.

#include <string>
#include <vector>

#include "common/time.hpp"
#include "store/store.hpp"

namespace vigie::store {

// Formats an instant as stored: UTC ISO 8601 text ("2019-06-24T07:00:00Z"),
// readable in any SQL shell, sortable as text, the same on every backend.
std::string format_instant(common::Instant instant);

// Parses an instant written by format_instant. Throws StoreError naming
// `store` for any other text.
common::Instant parse_instant(const std::string& text, const std::string& store);

// "attempt 2 of contact 'R000001' in cycle 1", for messages.
std::string describe_attempt(const AttemptRecord& attempt);
// "the outcome of contact 'R000001' in cycle 1", for messages.
std::string describe_outcome(const OutcomeRecord& outcome);

// Throw StoreError when a record lists the same key twice: a contact id in
// a register snapshot, a field in a contact, a question in an attempt, a
// score or a route in an outcome. `store` is the store's label.
void check_unique_contacts(const std::vector<ContactRecord>& contacts, int cycle,
                           const std::string& store);
void check_unique_answers(const AttemptRecord& attempt, const std::string& store);
void check_unique_scores_and_routes(const OutcomeRecord& outcome, const std::string& store);

}  // namespace vigie::store
