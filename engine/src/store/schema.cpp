#include "store/schema.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vigie::store {

namespace {

// Instants are UTC ISO 8601 text ("2019-06-24T07:00:00Z"): readable in any
// SQL shell, sortable as text, and the same on SQLite and PostgreSQL.
// Every table carries the campaign so that one store can hold several
// campaigns without their cycles mixing. A table's PRIMARY KEY is also the
// uniqueness rule that stops a record from being written twice.
const std::vector<const char*> kMigration1 = {
    R"(CREATE TABLE cycles (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         started_at TEXT NOT NULL,
         ended_at TEXT,
         PRIMARY KEY (campaign, cycle)))",
    R"(CREATE TABLE contacts (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         contact_id TEXT NOT NULL,
         row_number BIGINT NOT NULL,
         phone TEXT NOT NULL,
         PRIMARY KEY (campaign, cycle, contact_id)))",
    R"(CREATE TABLE contact_fields (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         contact_id TEXT NOT NULL,
         name TEXT NOT NULL,
         value TEXT NOT NULL,
         PRIMARY KEY (campaign, cycle, contact_id, name)))",
    R"(CREATE TABLE rejected_rows (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         row_number BIGINT NOT NULL,
         field TEXT NOT NULL,
         value TEXT NOT NULL,
         reason TEXT NOT NULL))",
    "CREATE INDEX rejected_rows_by_cycle ON rejected_rows (campaign, cycle)",
    R"(CREATE TABLE attempts (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         contact_id TEXT NOT NULL,
         attempt INTEGER NOT NULL,
         started_at TEXT NOT NULL,
         ended_at TEXT NOT NULL,
         disposition TEXT NOT NULL,
         talk_s BIGINT NOT NULL,
         callback_at TEXT,
         PRIMARY KEY (campaign, cycle, contact_id, attempt)))",
    R"(CREATE TABLE answers (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         contact_id TEXT NOT NULL,
         attempt INTEGER NOT NULL,
         question TEXT NOT NULL,
         value TEXT NOT NULL,
         PRIMARY KEY (campaign, cycle, contact_id, attempt, question)))",
    R"(CREATE TABLE outcomes (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         contact_id TEXT NOT NULL,
         outcome TEXT NOT NULL,
         useful INTEGER NOT NULL,
         attempts INTEGER NOT NULL,
         PRIMARY KEY (campaign, cycle, contact_id)))",
    R"(CREATE TABLE scores (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         contact_id TEXT NOT NULL,
         score TEXT NOT NULL,
         value DOUBLE PRECISION NOT NULL,
         PRIMARY KEY (campaign, cycle, contact_id, score)))",
    // The outbox of route alerts: a notifier worker delivers the rows whose
    // `delivered` is 0 and sets it to 1, so an alert survives a crash.
    R"(CREATE TABLE fired_routes (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         route TEXT NOT NULL,
         contact_id TEXT NOT NULL,
         notifier TEXT NOT NULL,
         due TEXT NOT NULL,
         delivered INTEGER NOT NULL DEFAULT 0,
         PRIMARY KEY (campaign, cycle, route, contact_id)))",
};

// Version 2: the run identity, and the delivery bookkeeping of the outbox.
// A resumed run checks the identity before writing again into the store,
// and the notifier worker counts failed deliveries to space its retries.
const std::vector<const char*> kMigration2 = {
    R"(CREATE TABLE run_identity (
         singleton INTEGER NOT NULL CHECK (singleton = 1),
         identity TEXT NOT NULL,
         PRIMARY KEY (singleton)))",
    "ALTER TABLE fired_routes ADD COLUMN delivery_attempts INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX fired_routes_by_due ON fired_routes (campaign, cycle, delivered, due)",
};

// Version 3: retention. A purge keeps each closed cycle's anonymous
// statistics in cycle_stats, one count per (kind, name). The kinds
// "contacts", "attempts", "useful" and "talk_seconds" have the name
// "total". The kinds "outcome", "route", "disposition" and "rejected" are
// named by the outcome, route, disposition or register field.
// cycles.purged_at marks a purged cycle, so that a second purge does not
// count it again.
const std::vector<const char*> kMigration3 = {
    R"(CREATE TABLE cycle_stats (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         kind TEXT NOT NULL,
         name TEXT NOT NULL,
         value BIGINT NOT NULL,
         PRIMARY KEY (campaign, cycle, kind, name)))",
    "ALTER TABLE cycles ADD COLUMN purged_at TEXT",
};

// Version 4: the shared work queue of `vigie work`, one row per (campaign,
// cycle, contact). `state` is waiting, claimed or done. `due` is the
// virtual instant of the next attempt, as text like every instant here.
// `claims` counts the claims of the row and is the token a worker shows
// when it writes back. Leases are wall-clock milliseconds since 1970 read
// from the database server's clock, so workers on several machines agree
// on when a lease has expired. work_claims keeps one line per claim, so
// that an audit can check that no contact was held by two workers at once.
// The phone number is copied from contacts so that a claim can skip numbers
// already on a call without a join.
const std::vector<const char*> kMigration4 = {
    R"(CREATE TABLE work_queue (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         contact_id TEXT NOT NULL,
         phone TEXT NOT NULL,
         state TEXT NOT NULL,
         due TEXT NOT NULL,
         priority DOUBLE PRECISION NOT NULL,
         attempts INTEGER NOT NULL DEFAULT 0,
         claims INTEGER NOT NULL DEFAULT 0,
         claimed_by TEXT,
         lease_until_ms BIGINT,
         last_disposition TEXT,
         outcome TEXT,
         decided_at TEXT,
         PRIMARY KEY (campaign, cycle, contact_id)))",
    "CREATE INDEX work_queue_by_state ON work_queue (campaign, cycle, state, due)",
    // A claim reads rows in this order and stops at the first few due ones.
    "CREATE INDEX work_queue_by_priority ON work_queue (campaign, cycle, priority DESC, due, "
    "contact_id)",
    "CREATE INDEX work_queue_by_phone ON work_queue (campaign, cycle, phone)",
    R"(CREATE TABLE work_claims (
         campaign TEXT NOT NULL,
         cycle INTEGER NOT NULL,
         contact_id TEXT NOT NULL,
         claim INTEGER NOT NULL,
         worker TEXT NOT NULL,
         attempt INTEGER NOT NULL,
         claimed_ms BIGINT NOT NULL,
         lease_until_ms BIGINT NOT NULL,
         released_ms BIGINT,
         PRIMARY KEY (campaign, cycle, contact_id, claim)))",
};

// Version 5: live campaigns (`vigie serve`). Outcomes keep their decision
// instant, which is when their routes fired, and the contact's time zone,
// which gives a route's local due time. A fired route is also an item on
// the alert desk: desk_state is open, acknowledged or closed, with who
// acknowledged or closed it and when. Existing routes start open.
const std::vector<const char*> kMigration5 = {
    "ALTER TABLE outcomes ADD COLUMN decided_at TEXT",
    "ALTER TABLE outcomes ADD COLUMN timezone TEXT",
    "ALTER TABLE fired_routes ADD COLUMN desk_state TEXT NOT NULL DEFAULT 'open'",
    "ALTER TABLE fired_routes ADD COLUMN acknowledged_by TEXT",
    "ALTER TABLE fired_routes ADD COLUMN acknowledged_at TEXT",
    "ALTER TABLE fired_routes ADD COLUMN closed_by TEXT",
    "ALTER TABLE fired_routes ADD COLUMN closed_at TEXT",
};

// On SQLite, a table keyed by its PRIMARY KEY alone is one B-tree instead of
// a table plus a key index, which halves the pages each commit writes.
std::string with_dialect(const char* statement, Dialect dialect) {
  const std::string_view text = statement;
  const bool keyed_table =
      text.rfind("CREATE TABLE", 0) == 0 && text.find("PRIMARY KEY") != std::string_view::npos;
  if (dialect == Dialect::kSqlite && keyed_table) return std::string(text) + " WITHOUT ROWID";
  return std::string(text);
}

// Migration N brings the schema from version N-1 to N.
const std::vector<const std::vector<const char*>*> kMigrations = {
    &kMigration1, &kMigration2, &kMigration3, &kMigration4, &kMigration5};

}  // namespace

int read_schema_version(soci::session& sql, Dialect dialect) {
  // Look the table up instead of reading it and catching the failure: on
  // PostgreSQL a failed statement aborts the surrounding transaction.
  long long tables = 0;
  if (dialect == Dialect::kSqlite) {
    sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        soci::into(tables);
  } else {
    sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
           "AND table_name = 'schema_version'",
        soci::into(tables);
  }
  if (tables == 0) return 0;

  int version = 0;
  soci::indicator indicator = soci::i_null;
  sql << "SELECT MAX(version) FROM schema_version", soci::into(version, indicator);
  return indicator == soci::i_ok ? version : 0;
}

void migrate(soci::session& sql, Dialect dialect) {
  soci::transaction transaction(sql);
  // On PostgreSQL, processes opening a fresh store together (workers
  // started at once) would race on CREATE TABLE; a transaction-scoped
  // advisory lock makes them migrate one after the other.
  if (dialect == Dialect::kPostgresql) {
    int locked = 0;
    sql << "SELECT 1 FROM (SELECT pg_advisory_xact_lock(7216301)) AS lock", soci::into(locked);
  }
  // Read again inside the transaction: another process may have migrated
  // the store since the caller looked.
  // NOTE: SQLite's deferred BEGIN means two processes creating the same new
  // store at the same instant can still collide,
  // and one of them may then fail with SQLITE_BUSY.
  const int current = read_schema_version(sql, dialect);
  if (current == 0) {
    // Another process may have created the table empty, between our look
    // and this transaction.
    sql << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";
  }

  for (int version = current + 1; version <= kSchemaVersion; ++version) {
    for (const char* statement : *kMigrations[version - 1]) {
      sql << with_dialect(statement, dialect);
    }
    sql << "INSERT INTO schema_version (version) VALUES (:version)", soci::use(version);
  }

  transaction.commit();
}

}  // namespace vigie::store
