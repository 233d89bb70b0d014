#include "store/sqlite_store.hpp"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include <date/date.h>
// Includes <sqlite3.h> inside namespace sqlite_api, so it must come before
// any direct include of <sqlite3.h>; the SQLITE_* result codes come from it.
#include <soci/sqlite3/soci-sqlite3.h>

#include "store/schema.hpp"

namespace vigie::store {

namespace {

// Instants are stored as UTC ISO 8601 text; see schema.cpp.
std::string format_instant(common::Instant instant) {
  return date::format("%FT%TZ", instant);
}

// Tables whose rows belong to one cycle of one campaign.
constexpr std::array<const char*, 8> kCycleTables = {"contacts", "contact_fields", "rejected_rows",
                                                     "attempts", "answers",        "outcomes",
                                                     "scores",   "fired_routes"};

// Returns what the operator can do about an SQLite failure, given its
// primary result code.
const char* remedy_for(int sqlite_code) {
  switch (sqlite_code & 0xff) {
    case SQLITE_CANTOPEN:
      return "check that the folder exists and is writable";
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return "check that the store file and its folder are writable";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another process is writing to this store; stop it or use another store";
    case SQLITE_FULL:
      return "free some disk space";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "the file is not a Vigie store or is damaged; give another path";
    case SQLITE_CONSTRAINT:
      return "each record is written once per cycle; this one was already written";
    default:
      return "check the store file and the disk";
  }
}

// Returns SQLite's own words from a SOCI error, without the backend's
// prefixes ("sqlite3_statement_backend::loadOne: ", "Cannot establish
// connection to the database. ") that mean nothing to an operator.
std::string describe(const soci::soci_error& error) {
  std::string message = error.get_error_message();

  const std::string_view connect_prefix = "Cannot establish connection to the database. ";
  if (message.rfind(connect_prefix, 0) == 0) return message.substr(connect_prefix.size());

  const std::size_t colon = message.find(": ");
  if (message.rfind("sqlite3_", 0) == 0 && colon != std::string::npos) {
    return message.substr(colon + 2);
  }
  return message;
}

}  // namespace

SqliteStore::SqliteStore(std::string url, const std::string& connect_string, bool in_memory)
    : url_(std::move(url)) {
  try {
    open(connect_string, in_memory);
  } catch (const soci::soci_error& error) {
    rethrow(error, "open " + label());
  }
}

void SqliteStore::open(const std::string& connect_string, bool in_memory) {
  sql_.open(soci::sqlite3, connect_string);

  // PRAGMA journal_mode returns the mode now in force; an in-memory database
  // stays in "memory" mode, and some file systems cannot do WAL at all.
  std::string mode;
  sql_ << "PRAGMA journal_mode=WAL", soci::into(mode);
  if (mode != "wal" && !in_memory) {
    throw StoreError("cannot open store '" + url_ + "': SQLite kept journal mode '" + mode +
                     "' instead of WAL; put the store on a local disk");
  }
  sql_ << "PRAGMA synchronous=NORMAL";

  const int version = read_schema_version(sql_);
  if (version > kSchemaVersion) {
    throw StoreError("cannot open store '" + url_ + "': its schema version is " +
                     std::to_string(version) + " but this engine knows versions up to " +
                     std::to_string(kSchemaVersion) + "; use a newer vigie or another store");
  }
  if (version < kSchemaVersion) migrate(sql_, Dialect::kSqlite);

  prepare_statements();
}

void SqliteStore::prepare_statements() {
  Bound& b = bound_;

  insert_contact_.emplace((sql_.prepare << "INSERT INTO contacts (campaign, cycle, contact_id, "
                                           "row_number, phone) VALUES (:campaign, :cycle, "
                                           ":contact_id, :row_number, :phone)",
                           soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id),
                           soci::use(b.row_number), soci::use(b.phone)));
  insert_field_.emplace((sql_.prepare << "INSERT INTO contact_fields (campaign, cycle, "
                                         "contact_id, name, value) VALUES (:campaign, :cycle, "
                                         ":contact_id, :name, :value)",
                         soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id),
                         soci::use(b.name), soci::use(b.value)));
  insert_rejected_.emplace((sql_.prepare << "INSERT INTO rejected_rows (campaign, cycle, "
                                            "row_number, field, value, reason) VALUES "
                                            "(:campaign, :cycle, :row_number, :field, :value, "
                                            ":reason)",
                            soci::use(campaign_), soci::use(b.cycle), soci::use(b.row_number),
                            soci::use(b.name), soci::use(b.value), soci::use(b.reason)));
  insert_attempt_.emplace(
      (sql_.prepare << "INSERT INTO attempts (campaign, cycle, contact_id, attempt, started_at, "
                       "ended_at, disposition, talk_s, callback_at) VALUES (:campaign, :cycle, "
                       ":contact_id, :attempt, :started_at, :ended_at, :disposition, :talk_s, "
                       ":callback_at)",
       soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id), soci::use(b.attempt),
       soci::use(b.started_at), soci::use(b.ended_at), soci::use(b.disposition),
       soci::use(b.talk_seconds), soci::use(b.callback_at, b.callback_indicator)));
  insert_answer_.emplace((sql_.prepare << "INSERT INTO answers (campaign, cycle, contact_id, "
                                          "attempt, question, value) VALUES (:campaign, "
                                          ":cycle, :contact_id, :attempt, :question, :value)",
                          soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id),
                          soci::use(b.attempt), soci::use(b.name), soci::use(b.value)));
  insert_outcome_.emplace((sql_.prepare << "INSERT INTO outcomes (campaign, cycle, contact_id, "
                                           "outcome, useful, attempts) VALUES (:campaign, "
                                           ":cycle, :contact_id, :outcome, :useful, :attempts)",
                           soci::use(campaign_), soci::use(b.cycle), soci::use(b.contact_id),
                           soci::use(b.outcome), soci::use(b.useful), soci::use(b.attempts)));
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

void SqliteStore::begin_cycle(const std::string& campaign, int cycle, common::Instant start) {
  if (campaign.empty()) {
    throw StoreError("cannot begin cycle " + std::to_string(cycle) + " in store '" + url_ +
                     "': the campaign name is empty");
  }

  const std::string started_at = format_instant(start);
  try {
    soci::transaction transaction(sql_);
    for (const char* table : kCycleTables) {
      sql_ << std::string("DELETE FROM ") + table +
                  " WHERE campaign = :campaign AND cycle = :cycle",
          soci::use(campaign), soci::use(cycle);
    }
    sql_ << "DELETE FROM cycles WHERE campaign = :campaign AND cycle = :cycle", soci::use(campaign),
        soci::use(cycle);
    sql_ << "INSERT INTO cycles (campaign, cycle, started_at) VALUES (:campaign, :cycle, "
            ":started_at)",
        soci::use(campaign), soci::use(cycle), soci::use(started_at);
    transaction.commit();
  } catch (const soci::soci_error& error) {
    rethrow(error, "begin cycle " + std::to_string(cycle) + " of campaign '" + campaign + "'" +
                       " in " + label());
  }

  campaign_ = campaign;
}

void SqliteStore::save_contacts(int cycle, const std::vector<ContactRecord>& contacts) {
  require_campaign("save contacts");

  try {
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

void SqliteStore::save_rejected(int cycle, const std::vector<RejectedRecord>& rejected) {
  require_campaign("save rejected rows");

  try {
    soci::transaction transaction(sql_);
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

void SqliteStore::record_attempt(const AttemptRecord& attempt) {
  require_campaign("record an attempt");

  Bound& b = bound_;
  b.cycle = attempt.cycle;
  b.contact_id = attempt.contact_id;
  b.attempt = attempt.attempt;
  b.started_at = format_instant(attempt.start);
  b.ended_at = format_instant(attempt.end);
  b.disposition = attempt.disposition;
  b.talk_seconds = attempt.talk_seconds;
  b.callback_indicator = attempt.callback_at ? soci::i_ok : soci::i_null;
  b.callback_at = attempt.callback_at ? format_instant(*attempt.callback_at) : std::string();

  try {
    soci::transaction transaction(sql_);
    insert_attempt_->execute(true);
    for (const auto& [question, value] : attempt.answers) {
      b.name = question;
      b.value = value;
      insert_answer_->execute(true);
    }
    transaction.commit();
  } catch (const soci::soci_error& error) {
    rethrow(error, "record attempt " + std::to_string(attempt.attempt) + " of contact '" +
                       attempt.contact_id + "' in cycle " + std::to_string(attempt.cycle) + " of " +
                       label());
  }
}

void SqliteStore::record_outcome(const OutcomeRecord& outcome) {
  require_campaign("record an outcome");

  Bound& b = bound_;
  b.cycle = outcome.cycle;
  b.contact_id = outcome.contact_id;
  b.outcome = outcome.outcome;
  b.useful = outcome.useful ? 1 : 0;
  b.attempts = outcome.attempts;

  try {
    soci::transaction transaction(sql_);
    insert_outcome_->execute(true);
    for (const auto& [score, value] : outcome.scores) {
      b.name = score;
      b.number = value;
      insert_score_->execute(true);
    }
    for (const FiredRoute& route : outcome.routes) {
      b.name = route.route;
      b.notifier = route.notifier;
      b.due = format_instant(route.due);
      insert_route_->execute(true);
    }
    transaction.commit();
  } catch (const soci::soci_error& error) {
    rethrow(error, "record the outcome of contact '" + outcome.contact_id + "' in cycle " +
                       std::to_string(outcome.cycle) + " of " + label());
  }
}

void SqliteStore::end_cycle(int cycle, common::Instant end) {
  require_campaign("end a cycle");

  const std::string ended_at = format_instant(end);
  long long updated = 0;
  try {
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

std::int64_t SqliteStore::count_attempts(int cycle) {
  return count_rows("attempts", cycle);
}

std::int64_t SqliteStore::count_outcomes(int cycle) {
  return count_rows("outcomes", cycle);
}

std::int64_t SqliteStore::count_routes(int cycle) {
  return count_rows("fired_routes", cycle);
}

std::int64_t SqliteStore::count_rows(const char* table, int cycle) {
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

std::string SqliteStore::label() const {
  return "store '" + url_ + "'";
}

void SqliteStore::require_campaign(std::string_view action) const {
  if (!campaign_.empty()) return;
  throw StoreError("cannot " + std::string(action) + " in store '" + url_ +
                   "': no cycle has begun; call begin_cycle first");
}

void SqliteStore::rethrow(const soci::soci_error& error, std::string_view action) const {
  int code = SQLITE_ERROR;
  if (const auto* sqlite_error = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    code = sqlite_error->result();
  }
  throw StoreError("cannot " + std::string(action) + ": " + describe(error) + "; " +
                   remedy_for(code));
}

}  // namespace vigie::store
