// LiveCampaign: the alert desk of the intervention teams, alert delivery,
// supervision counts, person records and CSV exports. Deliveries and
// exports use the second store connection, never the lock that agents'
// requests take.

#include <algorithm>
#include <ostream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "runtime/live_impl.hpp"
#include "runtime/records.hpp"
#include "runtime/report.hpp"

namespace vigie::runtime {

namespace {

// Agents who made a request within this delay count as active.
constexpr common::Seconds kActiveAgentWindow = std::chrono::minutes{5};

const char* state_text(DeskState state) {
  switch (state) {
    case DeskState::open:
      return "open";
    case DeskState::acknowledged:
      return "acknowledged";
    case DeskState::closed:
      return "closed";
  }
  return "open";
}

std::string instant_text(Instant instant) {
  return date::format("%FT%TZ", instant);
}

std::string number_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

}  // namespace

DeskAlert LiveCampaign::Impl::desk_alert_of(const store::OutcomeRecord& outcome,
                                            const store::FiredRoute& fired,
                                            const date::time_zone* contact_zone) const {
  const Alert alert = make_alert(*campaign, outcome, fired, contact_zone);
  DeskAlert desk_alert;
  desk_alert.campaign = campaign->name;
  desk_alert.cycle = outcome.cycle;
  desk_alert.route = fired.route;
  desk_alert.route_title = alert.route_title;
  desk_alert.contact_id = outcome.contact_id;
  desk_alert.fired_at = alert.fired_at;
  desk_alert.due = fired.due;
  desk_alert.due_local = alert.due_local;
  desk_alert.scores = outcome.scores;
  return desk_alert;
}

std::vector<DeskAlert> LiveCampaign::desk(const std::set<std::string>& routes,
                                          bool include_closed) const {
  std::vector<DeskAlert> alerts;
  {
    std::lock_guard lock(impl_->mutex);
    for (const DeskAlert& alert : impl_->desk) {
      if (!routes.empty() && routes.count(alert.route) == 0) continue;
      if (!include_closed && alert.state == DeskState::closed) continue;
      alerts.push_back(alert);
    }
  }
  // In the order they fired, the same before and after a restart.
  std::sort(alerts.begin(), alerts.end(), [](const DeskAlert& a, const DeskAlert& b) {
    return std::tie(a.cycle, a.fired_at, a.route, a.contact_id) <
           std::tie(b.cycle, b.fired_at, b.route, b.contact_id);
  });
  return alerts;
}

void LiveCampaign::acknowledge(int cycle, const std::string& route, const std::string& contact_id,
                               const std::string& user, common::Instant now) {
  std::lock_guard lock(impl_->mutex);
  impl_->set_desk_state(cycle, route, contact_id, DeskState::acknowledged, user, now);
}

void LiveCampaign::close(int cycle, const std::string& route, const std::string& contact_id,
                         const std::string& user, common::Instant now) {
  std::lock_guard lock(impl_->mutex);
  impl_->set_desk_state(cycle, route, contact_id, DeskState::closed, user, now);
}

// Moves an alert forward on the desk: open -> acknowledged -> closed, or
// open -> closed. The store is written before the desk changes.
void LiveCampaign::Impl::set_desk_state(int cycle, const std::string& route,
                                        const std::string& contact_id, DeskState state,
                                        const std::string& user, Instant now) {
  if (user.empty()) {
    throw LiveError(LiveError::Kind::invalid, "the user name is empty; name who acts on the alert");
  }
  auto it = desk_index.find({cycle, route, contact_id});
  if (it == desk_index.end()) {
    throw LiveError(LiveError::Kind::not_found,
                    "no alert of route '" + route + "' for contact " + contact_id + " in cycle " +
                        std::to_string(cycle) + " of campaign '" + campaign->name + "'");
  }
  DeskAlert& alert = desk[it->second];
  if (alert.state == DeskState::closed) {
    throw LiveError(LiveError::Kind::conflict, "the alert was closed by " + alert.closed_by +
                                                   " at " + instant_text(*alert.closed_at));
  }
  if (state == DeskState::acknowledged && alert.state == DeskState::acknowledged) {
    throw LiveError(LiveError::Kind::conflict, "the alert was acknowledged by " +
                                                   alert.acknowledged_by + " at " +
                                                   instant_text(*alert.acknowledged_at));
  }

  DeskAlert changed = alert;
  changed.state = state;
  if (state == DeskState::acknowledged) {
    changed.acknowledged_by = user;
    changed.acknowledged_at = now;
  } else {
    changed.closed_by = user;
    changed.closed_at = now;
  }
  store::DeskRecord record;
  record.cycle = cycle;
  record.route = route;
  record.contact_id = contact_id;
  record.state = state_text(state);
  record.acknowledged_by = changed.acknowledged_by;
  record.acknowledged_at = changed.acknowledged_at;
  record.closed_by = changed.closed_by;
  record.closed_at = changed.closed_at;
  store->set_desk_state(record);
  alert = std::move(changed);
}

PersonRecord LiveCampaign::person(int cycle, const std::string& contact_id) const {
  const Impl& impl = *impl_;
  PersonHistory history;
  {
    std::lock_guard lock(impl.mutex);
    if (impl.open && impl.open->cycle == cycle) {
      auto it = impl.open->index.find(contact_id);
      if (it != impl.open->index.end()) return impl.person_record(*impl.open, it->second);
    }
    if (auto it = impl.history.find(contact_id); it != impl.history.end()) history = it->second;
  }

  // A closed cycle: the person as the snapshot of that cycle stored them.
  std::optional<store::ContactRecord> stored;
  if (cycle >= 1) {
    std::lock_guard lock(impl.aux_mutex);
    stored = impl.aux_store->stored_contact(cycle, contact_id);
  }
  if (!stored) {
    throw LiveError(LiveError::Kind::not_found, "no contact " + contact_id + " in cycle " +
                                                    std::to_string(cycle) + " of campaign '" +
                                                    impl.campaign->name + "'");
  }

  PersonRecord record;
  record.contact_id = stored->contact_id;
  record.phone = stored->phone;
  record.timezone = std::string(impl.zone_of_fields(stored->fields)->name());
  record.attempt = static_cast<int>(
      std::count_if(history.attempts.begin(), history.attempts.end(),
                    [&](const PreviousAttempt& attempt) { return attempt.cycle == cycle; }));
  for (const ir::Field& field : impl.campaign->fields) {
    auto value = std::find_if(stored->fields.begin(), stored->fields.end(),
                              [&](const auto& entry) { return entry.first == field.name; });
    record.fields.emplace_back(field.name,
                               value != stored->fields.end() ? value->second : std::string());
  }
  record.previous_attempts = std::move(history.attempts);
  record.previous_outcomes = std::move(history.outcomes);
  return record;
}

// Delivers every alert of the outbox. A notifier that fails is not called
// again in this pass: with an endpoint down, each call would wait for its
// own retries. Failed alerts stay in the outbox for the next pass.
std::pair<std::size_t, std::size_t> LiveCampaign::deliver_alerts() {
  Impl& impl = *impl_;
  std::lock_guard delivering(impl.delivery_mutex);
  std::vector<std::pair<AlertKey, Alert>> pending;
  {
    std::lock_guard lock(impl.outbox_mutex);
    pending.assign(impl.outbox.begin(), impl.outbox.end());
  }

  std::set<std::string> down;
  std::size_t delivered = 0;
  std::size_t failed = 0;
  for (const auto& [key, alert] : pending) {
    if (down.count(alert.notifier) != 0) {
      ++failed;
      continue;
    }
    try {
      impl.plugins->notifier(alert.notifier).notify(alert);
    } catch (const std::exception& error) {
      ++failed;
      down.insert(alert.notifier);
      // The message names the notifier and the endpoint, never the person.
      spdlog::warn("campaign {}: notifier {} failed ({}); its alerts stay in the outbox",
                   impl.campaign->name, alert.notifier, error.what());
      std::lock_guard lock(impl.aux_mutex);
      impl.aux_store->mark_failed_delivery(alert.cycle, alert.route, alert.contact_id);
      continue;
    }
    {
      std::lock_guard lock(impl.aux_mutex);
      impl.aux_store->mark_delivered(alert.cycle, alert.route, alert.contact_id);
    }
    std::lock_guard lock(impl.outbox_mutex);
    impl.outbox.erase(key);
    ++delivered;
  }
  if (delivered > 0) impl.plugins->flush_notifiers();
  return {delivered, failed};
}

LiveStatus LiveCampaign::status(common::Instant now) const {
  const Impl& impl = *impl_;
  const ir::Campaign& campaign = *impl.campaign;
  LiveStatus status;
  status.campaign = campaign.name;
  status.title = campaign.title;
  status.timezone = campaign.timezone;
  if (campaign.target) status.target = campaign.target->value;
  status.start_within = campaign.start_within;
  status.recontact_every = campaign.recontact_every;
  status.trigger = campaign.trigger;

  std::lock_guard lock(impl.mutex);
  status.trigger_holds = impl.trigger_holds;
  if (impl.start_failure) status.cycle_start_error = impl.start_failure->message;
  if (impl.trigger_holds && campaign.recontact_every && !impl.cycles.empty()) {
    status.next_cycle_at = impl.cycles.back().started + *campaign.recontact_every;
  }
  status.cycles = impl.cycles;
  for (const auto& [agent, seen] : impl.agents_seen) {
    if (seen + kActiveAgentWindow >= now) ++status.agents_active;
  }
  const auto& recent = impl.recent_attempts;
  auto first = std::upper_bound(recent.begin(), recent.end(), now - std::chrono::hours{1});
  auto last = std::upper_bound(recent.begin(), recent.end(), now);
  status.attempts_last_hour = first < last ? static_cast<std::size_t>(last - first) : 0;
  status.dispositions = impl.dispositions;
  status.holds_expired = impl.holds_expired;
  std::lock_guard outbox_lock(impl.outbox_mutex);
  status.outbox_pending = impl.outbox.size();
  return status;
}

void LiveCampaign::export_csv(ExportKind kind, int cycle, std::ostream& out) const {
  {
    std::lock_guard lock(impl_->mutex);
    if (cycle < 1 || static_cast<std::size_t>(cycle) > impl_->cycles.size()) {
      throw LiveError(LiveError::Kind::not_found, "campaign '" + impl_->campaign->name +
                                                      "' has no cycle " + std::to_string(cycle) +
                                                      "; it has " +
                                                      std::to_string(impl_->cycles.size()));
    }
  }

  std::lock_guard lock(impl_->aux_mutex);
  switch (kind) {
    case ExportKind::attempts:
      impl_->write_attempts(cycle, out);
      break;
    case ExportKind::outcomes:
      impl_->write_outcomes(cycle, out);
      break;
    case ExportKind::escalations:
      impl_->write_escalations(cycle, out);
      break;
  }
}

// attempts.csv as `vigie run` writes it: ordered by start, then contact
// and attempt, times with each contact's offset.
void LiveCampaign::Impl::write_attempts(int cycle, std::ostream& out) const {
  std::map<std::string, const date::time_zone*> zones;
  for (const store::ContactRecord& contact : aux_store->contacts(cycle)) {
    zones.emplace(contact.contact_id, zone_of_fields(contact.fields));
  }
  std::vector<store::AttemptRecord> attempts = aux_store->attempts(cycle);
  std::sort(attempts.begin(), attempts.end(), [](const auto& a, const auto& b) {
    return std::tie(a.start, a.contact_id, a.attempt) < std::tie(b.start, b.contact_id, b.attempt);
  });

  out << kAttemptsCsvHeader << '\n';
  for (const store::AttemptRecord& attempt : attempts) {
    auto it = zones.find(attempt.contact_id);
    out << attempts_csv_row(attempt, it != zones.end() ? it->second : zone) << '\n';
  }
}

// One row per contact of the cycle in register order; contacts still
// undecided have an empty outcome, usefulness and decision time.
void LiveCampaign::Impl::write_outcomes(int cycle, std::ostream& out) const {
  std::map<std::string, int> attempts;
  for (const store::AttemptRecord& attempt : aux_store->attempts(cycle)) {
    attempts[attempt.contact_id] = std::max(attempts[attempt.contact_id], attempt.attempt);
  }
  std::map<std::string, store::OutcomeRecord> outcomes;
  for (store::OutcomeRecord& outcome : aux_store->outcomes(cycle)) {
    outcomes.emplace(outcome.contact_id, std::move(outcome));
  }

  out << "cycle,contact_id,outcome,attempts,useful,decided_at";
  for (const ir::Score& score : campaign->scores) out << ',' << csv_field(score.name);
  out << '\n';
  for (const store::ContactRecord& contact : aux_store->contacts(cycle)) {
    out << cycle << ',' << csv_field(contact.contact_id) << ',';
    auto outcome = outcomes.find(contact.contact_id);
    if (outcome == outcomes.end()) {
      out << ',' << attempts[contact.contact_id] << ",,";
      for (std::size_t s = 0; s < campaign->scores.size(); ++s) out << ',';
      out << '\n';
      continue;
    }
    const store::OutcomeRecord& record = outcome->second;
    out << record.outcome << ',' << record.attempts << ',' << (record.useful ? "true" : "false")
        << ','
        << (record.decided_at
                ? common::format_local_iso(*record.decided_at, zone_of_fields(contact.fields))
                : std::string());
    for (const ir::Score& score : campaign->scores) {
      auto value = std::find_if(record.scores.begin(), record.scores.end(),
                                [&](const auto& entry) { return entry.first == score.name; });
      out << ',' << (value != record.scores.end() ? number_text(value->second) : std::string());
    }
    out << '\n';
  }
}

// escalations.csv as `vigie run` writes it: one row per fired route,
// ordered by due time, route and contact.
void LiveCampaign::Impl::write_escalations(int cycle, std::ostream& out) const {
  struct Row {
    Instant due;
    std::string route;
    std::string contact_id;
    std::string line;
  };
  std::vector<Row> rows;
  for (store::OutcomeRecord& outcome : aux_store->outcomes(cycle)) {
    std::vector<std::pair<std::string, double>> scores;
    for (const ir::Score& score : campaign->scores) {
      auto value = std::find_if(outcome.scores.begin(), outcome.scores.end(),
                                [&](const auto& entry) { return entry.first == score.name; });
      scores.emplace_back(score.name, value != outcome.scores.end() ? value->second : 0.0);
    }
    const date::time_zone* contact_zone = zone_named(outcome.timezone);
    for (const store::FiredRoute& fired : outcome.routes) {
      rows.push_back(
          {fired.due, fired.route, outcome.contact_id,
           escalations_csv_row(cycle, fired.route, outcome.contact_id,
                               common::format_local_iso(fired.due, contact_zone), scores)});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.due, a.route, a.contact_id) < std::tie(b.due, b.route, b.contact_id);
  });

  out << escalations_csv_header(*campaign) << '\n';
  for (const Row& row : rows) out << row.line << '\n';
}

}  // namespace vigie::runtime
