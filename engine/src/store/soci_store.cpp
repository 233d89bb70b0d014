#include "store/soci_store.hpp"

#include <string>
#include <string_view>
#include <utility>

#include "store/record_check.hpp"
#include "store/store_errors.hpp"

namespace vigie::store {

SociStore::SociStore(std::string url, const soci::backend_factory& backend,
                     const std::string& connect_string, Dialect dialect, bool in_memory)
    : url_(std::move(url)), dialect_(dialect) {
  try {
    open(backend, connect_string, in_memory);
  } catch (const soci::soci_error& error) {
    rethrow(error, "open " + label());
  }
}

SociStore::~SociStore() {
  try {
    flush();
  } catch (const StoreError&) {
    // NOTE: a failed commit here loses the records gathered since the last
    // flush. The runtime flushes at the end of each cycle, so this happens
    // only when the run is already failing.
  }
}

void SociStore::open(const soci::backend_factory& backend, const std::string& connect_string,
                     bool in_memory) {
  sql_.open(backend, connect_string);
  if (dialect_ == Dialect::kSqlite) configure_sqlite(in_memory);

  const int version = read_schema_version(sql_, dialect_);
  if (version > kSchemaVersion) {
    throw StoreError("cannot open store '" + url_ + "': its schema version is " +
                     std::to_string(version) + " but this engine supports versions up to " +
                     std::to_string(kSchemaVersion) +
                     "; open it with the newer vigie that wrote it, or give another store");
  }
  if (version < kSchemaVersion) migrate(sql_, dialect_);

  prepare_statements();
}

void SociStore::configure_sqlite(bool in_memory) {
  // PRAGMA journal_mode returns the mode now in force; an in-memory database
  // stays in "memory" mode, and some file systems cannot do WAL at all.
  std::string mode;
  sql_ << "PRAGMA journal_mode=WAL", soci::into(mode);
  if (mode != "wal" && !in_memory) {
    throw StoreError("cannot open store '" + url_ + "': SQLite kept journal mode '" + mode +
                     "' instead of WAL; put the store on a local disk");
  }
  sql_ << "PRAGMA synchronous=NORMAL";
}

void SociStore::prepare_statements() {
  Bound& b = bound_;

  // Contacts of a resumed cycle are already stored: keep them.
  insert_contact_.emplace((sql_.prepare << "INSERT INTO contacts (campaign, cycle, contact_id, "
                                           "row_number, phone) VALUES (:campaign, :cycle, "
                                           ":contact_id, :row_number, :phone) ON CONFLICT DO "
                                           "NOTHING",
                           soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id),
                           soci::use(b.row_number), soci::use(b.phone)));
  insert_field_.emplace((sql_.prepare << "INSERT INTO contact_fields (campaign, cycle, "
                                         "contact_id, name, value) VALUES (:campaign, :cycle, "
                                         ":contact_id, :name, :value) ON CONFLICT DO NOTHING",
                         soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id),
                         soci::use(b.name), soci::use(b.value)));
  insert_rejected_.emplace((sql_.prepare << "INSERT INTO rejected_rows (campaign, cycle, "
                                            "row_number, field, value, reason) VALUES "
                                            "(:campaign, :cycle, :row_number, :field, :value, "
                                            ":reason)",
                            soci::use(campaign_), soci::use(b.cycle), soci::use(b.row_number),
                            soci::use(b.name), soci::use(b.value), soci::use(b.reason)));
  // A conflict here is a record written before: record_attempt compares it.
  insert_attempt_.emplace(
      (sql_.prepare << "INSERT INTO attempts (campaign, cycle, contact_id, attempt, started_at, "
                       "ended_at, disposition, talk_s, callback_at) VALUES (:campaign, :cycle, "
                       ":contact_id, :attempt, :started_at, :ended_at, :disposition, :talk_s, "
                       ":callback_at) ON CONFLICT DO NOTHING",
       soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id), soci::use(b.attempt),
       soci::use(b.started_at), soci::use(b.ended_at), soci::use(b.disposition),
       soci::use(b.talk_seconds), soci::use(b.callback_at, b.callback_indicator)));
  insert_answer_.emplace((sql_.prepare << "INSERT INTO answers (campaign, cycle, contact_id, "
                                          "attempt, question, value) VALUES (:campaign, "
                                          ":cycle, :contact_id, :attempt, :question, :value)",
                          soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id),
                          soci::use(b.attempt), soci::use(b.name), soci::use(b.value)));
  insert_outcome_.emplace(
      (sql_.prepare << "INSERT INTO outcomes (campaign, cycle, contact_id, outcome, useful, "
                       "attempts, decided_at, timezone) VALUES (:campaign, :cycle, :contact_id, "
                       ":outcome, :useful, :attempts, :decided_at, :timezone) ON CONFLICT DO "
                       "NOTHING",
       soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id), soci::use(b.outcome),
       soci::use(b.useful), soci::use(b.attempts), soci::use(b.decided_at, b.decided_indicator),
       soci::use(b.timezone, b.timezone_indicator)));
  insert_score_.emplace((sql_.prepare << "INSERT INTO scores (campaign, cycle, contact_id, "
                                         "score, value) VALUES (:campaign, :cycle, "
                                         ":contact_id, :score, :value)",
                         soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id),
                         soci::use(b.name), soci::use(b.number)));
  insert_route_.emplace((sql_.prepare << "INSERT INTO fired_routes (campaign, cycle, route, "
                                         "contact_id, notifier, due, delivered) VALUES "
                                         "(:campaign, :cycle, :route, :contact_id, :notifier, "
                                         ":due, 0)",
                         soci::use(campaign_), soci::use(b.cycle), soci::use(b.name),
                         soci::use(b.contact_id), soci::use(b.notifier), soci::use(b.due)));
}

std::optional<std::string> SociStore::run_identity() {
  std::string identity;
  soci::indicator indicator = soci::i_null;
  try {
    sql_ << "SELECT identity FROM run_identity WHERE singleton = 1",
        soci::into(identity, indicator);
  } catch (const soci::soci_error& error) {
    rethrow(error, "read the run identity of " + label());
  }
  if (!sql_.got_data() || indicator != soci::i_ok) return std::nullopt;
  return identity;
}

void SociStore::claim_run(const std::string& identity) {
  if (identity.empty()) {
    throw StoreError("cannot claim " + label() + " for a run: the run identity is empty");
  }

  const std::optional<std::string> stored = run_identity();
  if (stored == identity) return;
  if (stored) {
    throw StoreError("cannot claim " + label() +
                     " for this run: it already holds another run (identity '" + *stored +
                     "'); resume that run with the same campaign and options, or give another "
                     "store");
  }

  try {
    flush();
    sql_ << "INSERT INTO run_identity (singleton, identity) VALUES (1, :identity)",
        soci::use(identity);
  } catch (const soci::soci_error& error) {
    rethrow(error, "claim " + label() + " for a run");
  }
}

void SociStore::begin_cycle(const std::string& campaign, int cycle, common::Instant start) {
  if (campaign.empty()) {
    throw StoreError("cannot begin cycle " + std::to_string(cycle) + " in store '" + url_ +
                     "': the campaign name is empty");
  }

  const std::string started_at = format_instant(start);
  try {
    flush();
    // A resumed cycle keeps its first start instant, and is open again
    // until end_cycle, so that a purge leaves it alone.
    sql_ << "INSERT INTO cycles (campaign, cycle, started_at) VALUES (:campaign, :cycle, "
            ":started_at) ON CONFLICT (campaign, cycle) DO UPDATE SET ended_at = NULL",
        soci::use(campaign), soci::use(cycle), soci::use(started_at);
  } catch (const soci::soci_error& error) {
    rethrow(error, "begin cycle " + std::to_string(cycle) + " of campaign '" + campaign + "'" +
                       " in " + label());
  }

  campaign_ = campaign;
}

void SociStore::save_contacts(int cycle, const std::vector<ContactRecord>& contacts) {
  require_campaign("save contacts");
  check_unique_contacts(contacts, cycle, label());

  try {
    flush();
    soci::transaction transaction(sql_);
    bound_.cycle = cycle;
    for (const ContactRecord& contact : contacts) {
      bound_.contact_id = contact.contact_id;
      bound_.row_number = static_cast<long long>(contact.row_number);
      bound_.phone = contact.phone;
      insert_contact_->execute(true);
      for (const auto& [name, value] : contact.fields) {
        bound_.name = name;
        bound_.value = value;
        insert_field_->execute(true);
      }
    }
    transaction.commit();
  } catch (const soci::soci_error& error) {
    rethrow(error, "save the contacts of cycle " + std::to_string(cycle) + " in " + label());
  }
}

void SociStore::save_rejected(int cycle, const std::vector<RejectedRecord>& rejected) {
  require_campaign("save rejected rows");

  try {
    flush();
    soci::transaction transaction(sql_);
    // Rejected rows have no natural key (a row can be rejected twice for
    // one field), so a cycle's rows are saved by one call, in one
    // transaction: a resumed cycle that has some already keeps them.
    long long stored = 0;
    sql_ << "SELECT COUNT(*) FROM rejected_rows WHERE campaign = :campaign AND cycle = :cycle",
        soci::use(campaign_), soci::use(cycle), soci::into(stored);
    if (stored > 0) return;

    bound_.cycle = cycle;
    for (const RejectedRecord& row : rejected) {
      bound_.row_number = static_cast<long long>(row.row_number);
      bound_.name = row.field;
      bound_.value = row.value;
      bound_.reason = row.reason;
      insert_rejected_->execute(true);
    }
    transaction.commit();
  } catch (const soci::soci_error& error) {
    rethrow(error, "save the rejected rows of cycle " + std::to_string(cycle) + " in " + label());
  }
}

void SociStore::end_cycle(int cycle, common::Instant end) {
  require_campaign("end a cycle");

  const std::string ended_at = format_instant(end);
  long long updated = 0;
  try {
    flush();
    soci::statement update =
        (sql_.prepare << "UPDATE cycles SET ended_at = :ended_at WHERE campaign = :campaign AND "
                         "cycle = :cycle",
         soci::use(ended_at), soci::use(campaign_), soci::use(cycle));
    update.execute(true);
    updated = update.get_affected_rows();
  } catch (const soci::soci_error& error) {
    rethrow(error, "end cycle " + std::to_string(cycle) + " in " + label());
  }

  if (updated == 0) {
    throw StoreError("cannot end cycle " + std::to_string(cycle) + " of campaign '" + campaign_ +
                     "' in store '" + url_ +
                     "': the cycle was never begun; call begin_cycle first");
  }
}

void SociStore::set_batch_size(int records) {
  if (records < 1) {
    throw StoreError("cannot set the batch size of " + label() + " to " + std::to_string(records) +
                     ": a batch holds at least 1 record");
  }

  batch_size_ = records;
  if (gathered_ >= batch_size_) flush();
}

void SociStore::flush() {
  if (!in_transaction_) return;

  const int gathered = gathered_;
  try {
    sql_.commit();
  } catch (const soci::soci_error& error) {
    abandon_batch();
    rethrow(error, "commit the " + std::to_string(gathered) + " records gathered in " + label());
  }
  in_transaction_ = false;
  gathered_ = 0;
}

void SociStore::begin_write() {
  if (in_transaction_) return;
  sql_.begin();
  in_transaction_ = true;
}

void SociStore::count_record() {
  ++gathered_;
  if (gathered_ >= batch_size_) flush();
}

int SociStore::abandon_batch() noexcept {
  const int lost = gathered_;
  in_transaction_ = false;
  gathered_ = 0;
  try {
    sql_.rollback();
  } catch (const soci::soci_error&) {
    // The failed statement may have ended the transaction already.
  }
  return lost;
}

std::int64_t SociStore::count_attempts(int cycle) {
  return count_rows("attempts", cycle);
}

std::int64_t SociStore::count_outcomes(int cycle) {
  return count_rows("outcomes", cycle);
}

std::int64_t SociStore::count_routes(int cycle) {
  return count_rows("fired_routes", cycle);
}

std::int64_t SociStore::count_rows(const char* table, int cycle) {
  long long count = 0;
  try {
    sql_ << std::string("SELECT COUNT(*) FROM ") + table +
                " WHERE campaign = :campaign AND cycle = :cycle",
        soci::use(campaign_), soci::use(cycle), soci::into(count);
  } catch (const soci::soci_error& error) {
    rethrow(error, std::string("count the ") + table + " of cycle " + std::to_string(cycle) +
                       " in " + label());
  }
  return count;
}

std::string SociStore::label() const {
  return "store '" + url_ + "'";
}

void SociStore::require_campaign(std::string_view action) const {
  if (!campaign_.empty()) return;
  throw StoreError("cannot " + std::string(action) + " in store '" + url_ +
                   "': no cycle has begun; call begin_cycle first");
}

void SociStore::rethrow(const soci::soci_error& error, std::string_view action) const {
  throw StoreError("cannot " + std::string(action) + ": " + describe_error(error) + "; " +
                   remedy_for(error, dialect_));
}

}  // namespace vigie::store
