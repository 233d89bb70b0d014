#include "store/record_check.hpp"

#include <set>
#include <sstream>
#include <string_view>

#include <date/date.h>

namespace vigie::store {

namespace {

// Returns the first name listed twice in `items`, read by `key_of`, or
// nullptr when every name is unique.
template <typename Item, typename KeyOf>
const std::string* find_duplicate(const std::vector<Item>& items, KeyOf key_of) {
  std::set<std::string_view> seen;
  for (const Item& item : items) {
    const std::string& key = key_of(item);
    if (!seen.insert(key).second) return &key;
  }
  return nullptr;
}

}  // namespace

std::string format_instant(common::Instant instant) {
  return date::format("%FT%TZ", instant);
}

common::Instant parse_instant(const std::string& text, const std::string& store) {
  const std::optional<common::Instant> instant = common::parse_utc_iso(text);
  if (!instant) {
    throw StoreError("cannot read " + store + ": the instant '" + text +
                     "' is not UTC ISO 8601 text; the store was written by another program");
  }
  return *instant;
}

std::string describe_attempt(const AttemptRecord& attempt) {
  return "attempt " + std::to_string(attempt.attempt) + " of contact '" + attempt.contact_id +
         "' in cycle " + std::to_string(attempt.cycle);
}

std::string describe_outcome(const OutcomeRecord& outcome) {
  return "the outcome of contact '" + outcome.contact_id + "' in cycle " +
         std::to_string(outcome.cycle);
}

void check_unique_contacts(const std::vector<ContactRecord>& contacts, int cycle,
                           const std::string& store) {
  const auto* id = find_duplicate(
      contacts, [](const ContactRecord& c) -> const std::string& { return c.contact_id; });
  if (id) {
    throw StoreError("cannot save the contacts of cycle " + std::to_string(cycle) + " in " + store +
                     ": contact '" + *id +
                     "' is listed twice; each contact id is unique in a register");
  }

  for (const ContactRecord& contact : contacts) {
    const auto* field = find_duplicate(
        contact.fields, [](const auto& pair) -> const std::string& { return pair.first; });
    if (!field) continue;
    throw StoreError("cannot save the contacts of cycle " + std::to_string(cycle) + " in " + store +
                     ": contact '" + contact.contact_id + "' lists field '" + *field + "' twice");
  }
}

void check_unique_answers(const AttemptRecord& attempt, const std::string& store) {
  const auto* question = find_duplicate(
      attempt.answers, [](const auto& pair) -> const std::string& { return pair.first; });
  if (!question) return;
  throw StoreError("cannot record " + describe_attempt(attempt) + " in " + store + ": question '" +
                   *question +
                   "' is answered twice; an attempt stores one "
                   "answer per question");
}

void check_unique_scores_and_routes(const OutcomeRecord& outcome, const std::string& store) {
  const auto* score = find_duplicate(
      outcome.scores, [](const auto& pair) -> const std::string& { return pair.first; });
  if (score) {
    throw StoreError("cannot record " + describe_outcome(outcome) + " in " + store + ": score '" +
                     *score + "' is listed twice");
  }

  const auto* route = find_duplicate(
      outcome.routes, [](const FiredRoute& fired) -> const std::string& { return fired.route; });
  if (route) {
    throw StoreError("cannot record " + describe_outcome(outcome) + " in " + store + ": route '" +
                     *route +
                     "' fires twice; a route alerts once per contact "
                     "and cycle");
  }
}

}  // namespace vigie::store
