// LiveCampaign: reading the state of a campaign back from its store when
// the service starts again. Closed cycles give the counts, the history
// shown to agents, the deceased and the alert desk. The open cycle is
// rebuilt from its stored register snapshot, and each undecided contact is
// queued where the retry policy puts it after its last stored attempt.

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>

#include <spdlog/spdlog.h>

#include "runtime/answers.hpp"
#include "runtime/live_impl.hpp"
#include "runtime/records.hpp"

namespace vigie::runtime {

namespace {

// Reads back a field value from the text form the snapshot stores
// (value_text): nullopt when the text is not of the field's type.
std::optional<FieldValue> field_value(const ir::Field& field, const std::string& text) {
  if (text.empty()) return FieldValue{};
  switch (field.type) {
    case ir::FieldType::text:
    case ir::FieldType::phone:
      return FieldValue{text};
    case ir::FieldType::integer: {
      std::int64_t number = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
      return FieldValue{number};
    }
    case ir::FieldType::decimal: {
      char* end = nullptr;
      const double number = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size()) return std::nullopt;
      return FieldValue{number};
    }
    case ir::FieldType::boolean:
      if (text == "true") return FieldValue{true};
      if (text == "false") return FieldValue{false};
      return std::nullopt;
    case ir::FieldType::date: {
      std::optional<common::Date> day = common::parse_iso_date(text);
      if (!day) return std::nullopt;
      date::year_month_day ymd{*day};
      return FieldValue{CivilDate{static_cast<int>(ymd.year()),
                                  static_cast<int>(static_cast<unsigned>(ymd.month())),
                                  static_cast<int>(static_cast<unsigned>(ymd.day()))}};
    }
  }
  return std::nullopt;
}

// Turns a stored register snapshot back into the rows a source returns.
ImportResult snapshot_rows(const ir::Campaign& campaign,
                           const std::vector<store::ContactRecord>& contacts,
                           const std::string& store_label) {
  ImportResult import;
  import.rows.reserve(contacts.size());
  for (const store::ContactRecord& contact : contacts) {
    std::map<std::string, const std::string*> texts;
    for (const auto& [name, value] : contact.fields) texts.emplace(name, &value);

    Row row;
    row.row_number = contact.row_number;
    for (const ir::Field& field : campaign.fields) {
      auto it = texts.find(field.name);
      std::optional<FieldValue> value =
          it == texts.end() ? FieldValue{} : field_value(field, *it->second);
      if (!value) {
        throw RunError("the store " + store_label + " contains a value of field '" + field.name +
                       "' for contact " + contact.contact_id +
                       " that is not of the field's type; the campaign's fields changed since "
                       "the cycle started, so give the changed campaign a new store");
      }
      row.values.push_back(std::move(*value));
    }
    import.rows.push_back(std::move(row));
  }
  return import;
}

// Scores in the campaign's order, as alerts and exports list them.
void sort_scores(const ir::Campaign& campaign, store::OutcomeRecord& outcome) {
  std::stable_sort(outcome.scores.begin(), outcome.scores.end(), [&](const auto& a, const auto& b) {
    return campaign.score_index(a.first) < campaign.score_index(b.first);
  });
}

DeskState desk_state(const std::string& text) {
  if (text == "acknowledged") return DeskState::acknowledged;
  if (text == "closed") return DeskState::closed;
  return DeskState::open;
}

}  // namespace

void LiveCampaign::Impl::restore() {
  std::vector<store::CycleRecord> records = store->cycles();
  std::map<std::pair<int, std::string>, store::OutcomeRecord> fired;  // outcomes with routes
  std::vector<store::AttemptRecord> last_attempts;
  std::vector<store::OutcomeRecord> last_outcomes;

  // Cycle 0 is the register snapshot of `vigie import`, not a cycle.
  records.erase(std::remove_if(records.begin(), records.end(),
                               [](const store::CycleRecord& record) { return record.cycle < 1; }),
                records.end());
  for (const store::CycleRecord& record : records) {
    std::vector<store::AttemptRecord> attempts = store->attempts(record.cycle);
    std::vector<store::OutcomeRecord> outcomes = store->outcomes(record.cycle);
    for (store::OutcomeRecord& outcome : outcomes) sort_scores(*campaign, outcome);

    CycleStatus status;
    status.cycle = record.cycle;
    status.started = record.started;
    status.window_end = record.started + campaign->retry.within;
    status.ended = record.ended;
    if (campaign->start_within) status.start_deadline = record.started + *campaign->start_within;
    restore_history(attempts, outcomes, status);
    // A closed cycle decided every contact.
    if (record.ended) status.contacts = outcomes.size();
    cycles.push_back(status);
    last_attempts = std::move(attempts);
    last_outcomes = outcomes;

    for (store::OutcomeRecord& outcome : outcomes) {
      if (outcome.routes.empty()) continue;
      fired.emplace(std::make_pair(outcome.cycle, outcome.contact_id), std::move(outcome));
    }
  }

  for (const store::DeskRecord& record : store->desk_records()) {
    auto it = fired.find({record.cycle, record.contact_id});
    if (it == fired.end()) continue;
    const store::OutcomeRecord& outcome = it->second;
    const store::FiredRoute route{record.route, record.notifier, record.due};
    const date::time_zone* contact_zone = zone_named(outcome.timezone);

    DeskAlert alert = desk_alert_of(outcome, route, contact_zone);
    alert.state = desk_state(record.state);
    alert.acknowledged_by = record.acknowledged_by;
    alert.acknowledged_at = record.acknowledged_at;
    alert.closed_by = record.closed_by;
    alert.closed_at = record.closed_at;
    add_desk_alert(alert);
    if (record.delivered) continue;
    std::lock_guard lock(outbox_mutex);
    outbox[{record.cycle, record.route, record.contact_id}] =
        make_alert(*campaign, outcome, route, contact_zone);
  }

  if (!records.empty() && !records.back().ended) {
    restore_open_cycle(records.back(), last_attempts, last_outcomes);
  }
  if (!records.empty()) {
    spdlog::info("campaign {} resumed from {}: {} cycles, {} alerts waiting for delivery",
                 campaign->name, store_label, records.size(), outbox.size());
  }
}

// Adds a stored cycle's attempts and outcomes to the history shown to
// agents and to the cycle's counts.
void LiveCampaign::Impl::restore_history(const std::vector<store::AttemptRecord>& attempts,
                                         const std::vector<store::OutcomeRecord>& outcomes,
                                         CycleStatus& status) {
  for (const store::AttemptRecord& attempt : attempts) count_attempt(attempt, status);
  for (const store::OutcomeRecord& outcome : outcomes) count_outcome(outcome, status);
}

// Rebuilds the open cycle: its roster from the stored snapshot, each
// decided contact done, and each other contact queued after its last
// stored attempt with the answers stored with it.
void LiveCampaign::Impl::restore_open_cycle(const store::CycleRecord& record,
                                            const std::vector<store::AttemptRecord>& attempts,
                                            const std::vector<store::OutcomeRecord>& outcomes) {
  std::vector<store::ContactRecord> snapshot = store->contacts(record.cycle);
  ImportResult import = snapshot_rows(*campaign, snapshot, store_label);
  auto roster =
      std::make_unique<Roster>(*campaign, *compiled, import, zone, record.started, record.cycle);
  if (roster->size() != snapshot.size()) {
    spdlog::warn(
        "cycle {} of campaign {}: {} of the {} stored contacts are outside the campaign's "
        "audience now; they are left out of the resumed cycle",
        record.cycle, campaign->name, snapshot.size() - roster->size(), snapshot.size());
  }

  CycleStatus& status = cycles.back();
  status.contacts = roster->size();
  open = std::make_unique<OpenCycle>();
  OpenCycle& cycle = *open;
  cycle.cycle = record.cycle;
  cycle.start = record.started;
  cycle.window = {record.started, record.started + campaign->retry.within};
  cycle.roster = std::move(roster);
  group_numbers(cycle);

  // The stored outcomes were counted with the history; mark them done.
  for (const store::OutcomeRecord& outcome : outcomes) {
    auto it = cycle.index.find(outcome.contact_id);
    if (it == cycle.index.end()) continue;
    cycle.state[it->second] = ContactState::done;
    const Instant decided_at = outcome.decided_at.value_or(cycle.start);
    if (!cycle.last_decision || decided_at > *cycle.last_decision) {
      cycle.last_decision = decided_at;
    }
  }

  // Attempts come by contact, then attempt number: the last one of each
  // contact wins.
  std::vector<const store::AttemptRecord*> last(cycle.roster->size(), nullptr);
  for (const store::AttemptRecord& attempt : attempts) {
    auto it = cycle.index.find(attempt.contact_id);
    if (it == cycle.index.end()) continue;
    last[it->second] = &attempt;
    cycle.attempts[it->second] = std::max(cycle.attempts[it->second], attempt.attempt);
  }

  std::vector<std::size_t> without_hours;
  std::vector<std::pair<std::size_t, store::OutcomeRecord>> decisions;
  for (std::size_t i = 0; i < cycle.roster->size(); ++i) {
    if (cycle.state[i] == ContactState::done) continue;
    const schedule::CallingHours& hours = hours_for(cycle.roster->contact(i).zone);
    const store::AttemptRecord* previous = last[i];
    if (previous == nullptr) {
      std::optional<Instant> first = schedule::first_attempt(hours, cycle.window);
      if (first) {
        queue(i, *first);
      } else {
        without_hours.push_back(i);
      }
      continue;
    }

    std::vector<Answer> stored;
    for (const auto& [question, text] : previous->answers) {
      stored.push_back(answer_from_text(question, text));
    }
    apply_answers(*campaign, stored, answers_of(cycle, i));
    const std::int32_t disposition = campaign->disposition_index(previous->disposition);
    if (disposition < 0 || disposition == ir::kUnreachable) {
      throw RunError("the store " + store_label + " contains attempt " +
                     std::to_string(previous->attempt) + " of contact " + previous->contact_id +
                     " with the disposition '" + previous->disposition + "', which campaign '" +
                     campaign->name + "' does not declare; give the changed campaign a new store");
    }
    schedule::NextStep step =
        schedule::next_step(*campaign, hours, cycle.window, previous->attempt, disposition,
                            previous->end, previous->callback_at);
    if (step.final) {
      decisions.emplace_back(i, plan_decision(i, step.outcome, previous->end));
    } else {
      queue(i, step.next_attempt);
    }
  }
  commit({}, decisions);
  decide_unattempted(without_hours, cycle.start);
  spdlog::info("cycle {} of campaign {} resumed: {} contacts, {} decided", cycle.cycle,
               campaign->name, status.contacts, status.decided);
  // The process may have stopped between the last outcome and the end of
  // the cycle.
  close_cycle_if_done();
}

void LiveCampaign::Impl::add_desk_alert(const DeskAlert& alert) {
  desk_index[{alert.cycle, alert.route, alert.contact_id}] = desk.size();
  desk.push_back(alert);
}

const date::time_zone* LiveCampaign::Impl::zone_named(const std::string& name) const {
  const date::time_zone* found = name.empty() ? nullptr : common::find_zone(name);
  return found != nullptr ? found : zone;
}

// The zone of a contact from its stored fields: its `timezone from` field,
// else the campaign's zone, as the roster resolves it.
const date::time_zone* LiveCampaign::Impl::zone_of_fields(
    const std::vector<std::pair<std::string, std::string>>& fields) const {
  if (campaign->timezone_field < 0) return zone;
  const std::string& name =
      campaign->fields[static_cast<std::size_t>(campaign->timezone_field)].name;
  for (const auto& [field, value] : fields) {
    if (field == name) return zone_named(value);
  }
  return zone;
}

}  // namespace vigie::runtime
