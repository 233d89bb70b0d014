// SociStore's calls for live campaigns (`vigie serve`): reading a
// campaign's cycles, register snapshots, attempts, outcomes and alert desk
// back when the service starts again, setting desk states, and storing the
// records of one submitted call in one transaction.

#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "store/record_check.hpp"
#include "store/soci_store.hpp"

namespace vigie::store {

namespace {

std::optional<std::string> nullable_text(const soci::row& row, std::size_t column) {
  if (row.get_indicator(column) != soci::i_ok) return std::nullopt;
  return row.get<std::string>(column);
}

std::optional<common::Instant> nullable_instant(const soci::row& row, std::size_t column,
                                                const std::string& store) {
  std::optional<std::string> text = nullable_text(row, column);
  if (!text) return std::nullopt;
  return parse_instant(*text, store);
}

// Binds an optional text: NULL when it is empty.
struct OptionalText {
  std::string text;
  soci::indicator indicator = soci::i_null;

  static OptionalText of(const std::string& value) {
    return {value, value.empty() ? soci::i_null : soci::i_ok};
  }
  static OptionalText of(const std::optional<common::Instant>& value) {
    if (!value) return {};
    return {format_instant(*value), soci::i_ok};
  }
};

}  // namespace

void SociStore::select_campaign(const std::string& campaign) {
  if (campaign.empty()) {
    throw StoreError("cannot select a campaign in " + label() + ": the campaign name is empty");
  }
  campaign_ = campaign;
}

std::vector<CycleRecord> SociStore::cycles() {
  require_campaign("list the cycles");

  std::vector<CycleRecord> cycles;
  try {
    flush();
    soci::rowset<soci::row> rows =
        (sql_.prepare << "SELECT cycle, started_at, ended_at FROM cycles WHERE campaign = "
                         ":campaign ORDER BY cycle",
         soci::use(campaign_));
    for (const soci::row& row : rows) {
      CycleRecord cycle;
      cycle.cycle = row.get<int>(0);
      cycle.started = parse_instant(row.get<std::string>(1), label());
      cycle.ended = nullable_instant(row, 2, label());
      cycles.push_back(cycle);
    }
  } catch (const soci::soci_error& error) {
    rethrow(error, "list the cycles of campaign '" + campaign_ + "' in " + label());
  }
  return cycles;
}

std::vector<ContactRecord> SociStore::contacts(int cycle) {
  require_campaign("read the contacts of a cycle");
  return read_contacts(cycle, nullptr);
}

std::optional<ContactRecord> SociStore::stored_contact(int cycle, const std::string& contact_id) {
  require_campaign("read a contact");
  std::vector<ContactRecord> found = read_contacts(cycle, &contact_id);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

// Reads the contacts of a cycle in register order, with their fields.
std::vector<ContactRecord> SociStore::read_contacts(int cycle, const std::string* only) {
  // An empty id matches no contact; it stands for "every contact" below.
  const std::string id = only != nullptr ? *only : std::string();
  const int every = only == nullptr ? 1 : 0;
  std::vector<ContactRecord> contacts;
  try {
    flush();
    std::map<std::string, std::size_t> index;
    soci::rowset<soci::row> rows =
        (sql_.prepare << "SELECT contact_id, row_number, phone FROM contacts WHERE campaign = "
                         ":campaign AND cycle = :cycle AND (:every = 1 OR contact_id = :id) "
                         "ORDER BY row_number, contact_id",
         soci::use(campaign_), soci::use(cycle), soci::use(every), soci::use(id));
    for (const soci::row& row : rows) {
      ContactRecord contact;
      contact.contact_id = row.get<std::string>(0);
      contact.row_number = static_cast<std::size_t>(row.get<long long>(1));
      contact.phone = row.get<std::string>(2);
      index.emplace(contact.contact_id, contacts.size());
      contacts.push_back(std::move(contact));
    }

    soci::rowset<soci::row> fields =
        (sql_.prepare << "SELECT contact_id, name, value FROM contact_fields WHERE campaign = "
                         ":campaign AND cycle = :cycle AND (:every = 1 OR contact_id = :id)",
         soci::use(campaign_), soci::use(cycle), soci::use(every), soci::use(id));
    for (const soci::row& row : fields) {
      auto it = index.find(row.get<std::string>(0));
      if (it == index.end()) continue;
      contacts[it->second].fields.emplace_back(row.get<std::string>(1), row.get<std::string>(2));
    }
  } catch (const soci::soci_error& error) {
    rethrow(error, "read the contacts of cycle " + std::to_string(cycle) + " in " + label());
  }
  return contacts;
}

std::vector<AttemptRecord> SociStore::attempts(int cycle) {
  require_campaign("read the attempts of a cycle");

  std::vector<AttemptRecord> attempts;
  try {
    flush();
    std::map<std::pair<std::string, int>, std::size_t> index;
    soci::rowset<soci::row> rows =
        (sql_.prepare << "SELECT contact_id, attempt, started_at, ended_at, disposition, talk_s, "
                         "callback_at FROM attempts WHERE campaign = :campaign AND cycle = :cycle "
                         "ORDER BY contact_id, attempt",
         soci::use(campaign_), soci::use(cycle));
    for (const soci::row& row : rows) {
      AttemptRecord attempt;
      attempt.cycle = cycle;
      attempt.contact_id = row.get<std::string>(0);
      attempt.attempt = row.get<int>(1);
      attempt.start = parse_instant(row.get<std::string>(2), label());
      attempt.end = parse_instant(row.get<std::string>(3), label());
      attempt.disposition = row.get<std::string>(4);
      attempt.talk_seconds = row.get<long long>(5);
      attempt.callback_at = nullable_instant(row, 6, label());
      index.emplace(std::make_pair(attempt.contact_id, attempt.attempt), attempts.size());
      attempts.push_back(std::move(attempt));
    }

    soci::rowset<soci::row> answers =
        (sql_.prepare << "SELECT contact_id, attempt, question, value FROM answers WHERE "
                         "campaign = :campaign AND cycle = :cycle ORDER BY contact_id, attempt, "
                         "question",
         soci::use(campaign_), soci::use(cycle));
    for (const soci::row& row : answers) {
      auto it = index.find(std::make_pair(row.get<std::string>(0), row.get<int>(1)));
      if (it == index.end()) continue;
      attempts[it->second].answers.emplace_back(row.get<std::string>(2), row.get<std::string>(3));
    }
  } catch (const soci::soci_error& error) {
    rethrow(error, "read the attempts of cycle " + std::to_string(cycle) + " in " + label());
  }
  return attempts;
}

std::vector<OutcomeRecord> SociStore::outcomes(int cycle) {
  require_campaign("read the outcomes of a cycle");

  std::vector<OutcomeRecord> outcomes;
  try {
    flush();
    std::map<std::string, std::size_t> index;
    soci::rowset<soci::row> rows =
        (sql_.prepare << "SELECT contact_id, outcome, useful, attempts, decided_at, timezone FROM "
                         "outcomes WHERE campaign = :campaign AND cycle = :cycle ORDER BY "
                         "contact_id",
         soci::use(campaign_), soci::use(cycle));
    for (const soci::row& row : rows) {
      OutcomeRecord outcome;
      outcome.cycle = cycle;
      outcome.contact_id = row.get<std::string>(0);
      outcome.outcome = row.get<std::string>(1);
      outcome.useful = row.get<int>(2) != 0;
      outcome.attempts = row.get<int>(3);
      outcome.decided_at = nullable_instant(row, 4, label());
      outcome.timezone = nullable_text(row, 5).value_or("");
      index.emplace(outcome.contact_id, outcomes.size());
      outcomes.push_back(std::move(outcome));
    }

    soci::rowset<soci::row> scores =
        (sql_.prepare << "SELECT contact_id, score, value FROM scores WHERE campaign = :campaign "
                         "AND cycle = :cycle",
         soci::use(campaign_), soci::use(cycle));
    for (const soci::row& row : scores) {
      auto it = index.find(row.get<std::string>(0));
      if (it == index.end()) continue;
      outcomes[it->second].scores.emplace_back(row.get<std::string>(1), row.get<double>(2));
    }
    soci::rowset<soci::row> routes =
        (sql_.prepare << "SELECT contact_id, route, notifier, due FROM fired_routes WHERE "
                         "campaign = :campaign AND cycle = :cycle ORDER BY contact_id, route",
         soci::use(campaign_), soci::use(cycle));
    for (const soci::row& row : routes) {
      auto it = index.find(row.get<std::string>(0));
      if (it == index.end()) continue;
      outcomes[it->second].routes.push_back({row.get<std::string>(1), row.get<std::string>(2),
                                             parse_instant(row.get<std::string>(3), label())});
    }
  } catch (const soci::soci_error& error) {
    rethrow(error, "read the outcomes of cycle " + std::to_string(cycle) + " in " + label());
  }
  return outcomes;
}

std::vector<DeskRecord> SociStore::desk_records() {
  require_campaign("read the alert desk");

  std::vector<DeskRecord> records;
  try {
    flush();
    soci::rowset<soci::row> rows =
        (sql_.prepare << "SELECT cycle, route, contact_id, notifier, due, delivered, desk_state, "
                         "acknowledged_by, acknowledged_at, closed_by, closed_at FROM "
                         "fired_routes WHERE campaign = :campaign ORDER BY cycle, due, route, "
                         "contact_id",
         soci::use(campaign_));
    for (const soci::row& row : rows) {
      DeskRecord record;
      record.cycle = row.get<int>(0);
      record.route = row.get<std::string>(1);
      record.contact_id = row.get<std::string>(2);
      record.notifier = row.get<std::string>(3);
      record.due = parse_instant(row.get<std::string>(4), label());
      record.delivered = row.get<int>(5) != 0;
      record.state = row.get<std::string>(6);
      record.acknowledged_by = nullable_text(row, 7).value_or("");
      record.acknowledged_at = nullable_instant(row, 8, label());
      record.closed_by = nullable_text(row, 9).value_or("");
      record.closed_at = nullable_instant(row, 10, label());
      records.push_back(std::move(record));
    }
  } catch (const soci::soci_error& error) {
    rethrow(error, "read the alert desk of campaign '" + campaign_ + "' in " + label());
  }
  return records;
}

void SociStore::set_desk_state(const DeskRecord& record) {
  require_campaign("set the state of an alert");
  if (record.state != "open" && record.state != "acknowledged" && record.state != "closed") {
    throw StoreError("cannot set the desk state of an alert in " + label() + " to '" +
                     record.state + "': use open, acknowledged or closed");
  }

  const std::string alert = "the alert of route '" + record.route + "' for contact '" +
                            record.contact_id + "' in cycle " + std::to_string(record.cycle);
  OptionalText acknowledged_by = OptionalText::of(record.acknowledged_by);
  OptionalText acknowledged_at = OptionalText::of(record.acknowledged_at);
  OptionalText closed_by = OptionalText::of(record.closed_by);
  OptionalText closed_at = OptionalText::of(record.closed_at);
  long long updated = 0;
  try {
    flush();
    soci::statement update =
        (sql_.prepare << "UPDATE fired_routes SET desk_state = :state, acknowledged_by = "
                         ":acknowledged_by, acknowledged_at = :acknowledged_at, closed_by = "
                         ":closed_by, closed_at = :closed_at WHERE campaign = :campaign AND cycle "
                         "= :cycle AND route = :route AND contact_id = :contact_id",
         soci::use(record.state), soci::use(acknowledged_by.text, acknowledged_by.indicator),
         soci::use(acknowledged_at.text, acknowledged_at.indicator),
         soci::use(closed_by.text, closed_by.indicator),
         soci::use(closed_at.text, closed_at.indicator), soci::use(campaign_),
         soci::use(record.cycle), soci::use(record.route), soci::use(record.contact_id));
    update.execute(true);
    updated = update.get_affected_rows();
  } catch (const soci::soci_error& error) {
    rethrow(error, "set the desk state of " + alert + " in " + label());
  }

  if (updated == 0) {
    throw StoreError("cannot set the desk state of " + alert + " in " + label() +
                     ": no such route fired; record the outcome that fires it first");
  }
}

void SociStore::record_together(const std::vector<AttemptRecord>& attempts,
                                const std::vector<OutcomeRecord>& outcomes) {
  require_campaign("record attempts and outcomes");

  // record_* commit when the batch is full, so the batch is held open until
  // every record of the call is written, as advance_queue does.
  const int batch_size = batch_size_;
  try {
    flush();
    batch_size_ = std::numeric_limits<int>::max();
    begin_write();
    for (const AttemptRecord& attempt : attempts) record_attempt(attempt);
    for (const OutcomeRecord& outcome : outcomes) record_outcome(outcome);
  } catch (const soci::soci_error& error) {
    batch_size_ = batch_size;
    const int lost = abandon_batch();
    rethrow(error,
            "record " + std::to_string(lost) + " attempts and outcomes together in " + label());
  } catch (...) {
    // record_* have rolled back already; abandon_batch ignores that.
    batch_size_ = batch_size;
    abandon_batch();
    throw;
  }

  batch_size_ = batch_size;
  flush();
}

}  // namespace vigie::store
