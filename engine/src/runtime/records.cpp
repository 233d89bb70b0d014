#include "runtime/records.hpp"

#include "runtime/answers.hpp"

namespace vigie::runtime {

bool is_line_disposition(std::int32_t index) {
  return index == ir::kNoAnswer || index == ir::kBusy || index == ir::kVoicemail ||
         index == ir::kFailed || index == ir::kWrongNumber;
}

double number_of(const common::Value& value) {
  if (value.kind == common::ValueKind::integer) return static_cast<double>(value.integer);
  if (value.kind == common::ValueKind::decimal) return value.decimal;
  return 0;
}

std::vector<store::ContactRecord> contact_records(const ir::Campaign& campaign,
                                                  const Roster& roster) {
  std::vector<store::ContactRecord> contacts;
  contacts.reserve(roster.size());
  for (std::size_t i = 0; i < roster.size(); ++i) {
    store::ContactRecord record{
        roster.contact(i).id, roster.contact(i).row_number, roster.contact(i).phone, {}};
    for (std::size_t f = 0; f < campaign.fields.size(); ++f) {
      record.fields.emplace_back(campaign.fields[f].name, roster.field_text(i, f));
    }
    contacts.push_back(std::move(record));
  }
  return contacts;
}

std::vector<store::RejectedRecord> rejected_records(const std::vector<RejectedRow>& rows) {
  std::vector<store::RejectedRecord> records;
  records.reserve(rows.size());
  for (const RejectedRow& row : rows) {
    records.push_back({row.row_number, row.field, row.value, row.reason});
  }
  return records;
}

std::vector<std::pair<std::string, std::string>> answer_texts(
    const ir::Campaign& campaign, std::span<const common::Value> answers) {
  std::vector<std::pair<std::string, std::string>> texts;
  for (std::size_t q = 0; q < campaign.questions.size() && q < answers.size(); ++q) {
    if (answers[q].is_missing()) continue;
    texts.emplace_back(campaign.questions[q].id, answer_text(campaign.questions[q], answers[q]));
  }
  return texts;
}

store::OutcomeRecord outcome_record(const ir::Campaign& campaign, const eval::Results& results,
                                    int cycle, const std::string& contact_id, std::int32_t outcome,
                                    int attempts, common::Instant decided_at,
                                    const date::time_zone* zone) {
  store::OutcomeRecord record;
  record.cycle = cycle;
  record.contact_id = contact_id;
  record.outcome = campaign.dispositions[static_cast<std::size_t>(outcome)].name;
  record.useful = results.useful;
  record.attempts = attempts;
  record.decided_at = decided_at;
  if (zone != nullptr) record.timezone = std::string(zone->name());
  for (std::size_t s = 0; s < campaign.scores.size(); ++s) {
    record.scores.emplace_back(campaign.scores[s].name, number_of(results.scores[s]));
  }
  for (std::size_t r = 0; r < campaign.routes.size(); ++r) {
    if (!results.routes[r]) continue;
    const ir::Route& route = campaign.routes[r];
    record.routes.push_back({route.name, route.notifier, decided_at + route.within});
  }
  return record;
}

Alert make_alert(const ir::Campaign& campaign, const store::OutcomeRecord& outcome,
                 const store::FiredRoute& fired, const date::time_zone* zone) {
  std::int32_t index = campaign.route_index(fired.route);
  const ir::Route* route = index >= 0 ? &campaign.routes[static_cast<std::size_t>(index)] : nullptr;

  Alert alert;
  alert.campaign = campaign.name;
  alert.idempotency_key = campaign.name + '/' + std::to_string(outcome.cycle) + '/' + fired.route +
                          '/' + outcome.contact_id;
  alert.cycle = outcome.cycle;
  alert.route = fired.route;
  alert.route_title = route != nullptr ? route->title : fired.route;
  alert.notifier = fired.notifier;
  alert.contact_id = outcome.contact_id;
  if (outcome.decided_at) {
    alert.fired_at = *outcome.decided_at;
  } else {
    alert.fired_at = route != nullptr ? fired.due - route->within : fired.due;
  }
  alert.due = fired.due;
  alert.due_local = common::format_local_iso(fired.due, zone);
  alert.scores = outcome.scores;
  return alert;
}

std::optional<common::LocalTime> callback_local_time(const LocalDateTime& local) {
  auto day = date::year{local.date.year} / local.date.month / local.date.day;
  if (!day.ok() || local.hour < 0 || local.hour > 23 || local.minute < 0 || local.minute > 59 ||
      local.second < 0 || local.second > 59) {
    return std::nullopt;
  }
  return date::local_days{day} + std::chrono::hours{local.hour} +
         std::chrono::minutes{local.minute} + std::chrono::seconds{local.second};
}

bool trigger_met(const ir::Trigger& trigger, std::int64_t level) {
  switch (trigger.comparison) {
    case ir::BinaryOp::lt:
      return level < trigger.level;
    case ir::BinaryOp::le:
      return level <= trigger.level;
    case ir::BinaryOp::gt:
      return level > trigger.level;
    case ir::BinaryOp::ge:
      return level >= trigger.level;
    case ir::BinaryOp::eq:
      return level == trigger.level;
    case ir::BinaryOp::ne:
      return level != trigger.level;
    default:
      return false;
  }
}

}  // namespace vigie::runtime
