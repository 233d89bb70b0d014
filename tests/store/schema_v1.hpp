#pragma once
// The store schema as version 1 of the engine wrote it, frozen here so that
// the migration tests start from a real version 1 store even after the
// engine's own migrations change.

#include <string>
#include <vector>

namespace vigie::store::test {

// `without_rowid` is the SQLite suffix that version 1 put on keyed tables.
inline std::vector<std::string> schema_v1(bool without_rowid) {
  const std::string keyed = without_rowid ? " WITHOUT ROWID" : "";
  return {
      "CREATE TABLE schema_version (version INTEGER NOT NULL)",
      "CREATE TABLE cycles (campaign TEXT NOT NULL, cycle INTEGER NOT NULL, started_at TEXT NOT "
      "NULL, ended_at TEXT, PRIMARY KEY (campaign, cycle))" +
          keyed,
      "CREATE TABLE contacts (campaign TEXT NOT NULL, cycle INTEGER NOT NULL, contact_id TEXT NOT "
      "NULL, row_number BIGINT NOT NULL, phone TEXT NOT NULL, PRIMARY KEY (campaign, cycle, "
      "contact_id))" +
          keyed,
      "CREATE TABLE contact_fields (campaign TEXT NOT NULL, cycle INTEGER NOT NULL, contact_id "
      "TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (campaign, cycle, "
      "contact_id, name))" +
          keyed,
      "CREATE TABLE rejected_rows (campaign TEXT NOT NULL, cycle INTEGER NOT NULL, row_number "
      "BIGINT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, reason TEXT NOT NULL)",
      "CREATE INDEX rejected_rows_by_cycle ON rejected_rows (campaign, cycle)",
      "CREATE TABLE attempts (campaign TEXT NOT NULL, cycle INTEGER NOT NULL, contact_id TEXT NOT "
      "NULL, attempt INTEGER NOT NULL, started_at TEXT NOT NULL, ended_at TEXT NOT NULL, "
      "disposition TEXT NOT NULL, talk_s BIGINT NOT NULL, callback_at TEXT, PRIMARY KEY "
      "(campaign, cycle, contact_id, attempt))" +
          keyed,
      "CREATE TABLE answers (campaign TEXT NOT NULL, cycle INTEGER NOT NULL, contact_id TEXT NOT "
      "NULL, attempt INTEGER NOT NULL, question TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY "
      "(campaign, cycle, contact_id, attempt, question))" +
          keyed,
      "CREATE TABLE outcomes (campaign TEXT NOT NULL, cycle INTEGER NOT NULL, contact_id TEXT NOT "
      "NULL, outcome TEXT NOT NULL, useful INTEGER NOT NULL, attempts INTEGER NOT NULL, PRIMARY "
      "KEY (campaign, cycle, contact_id))" +
          keyed,
      "CREATE TABLE scores (campaign TEXT NOT NULL, cycle INTEGER NOT NULL, contact_id TEXT NOT "
      "NULL, score TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY (campaign, cycle, "
      "contact_id, score))" +
          keyed,
      "CREATE TABLE fired_routes (campaign TEXT NOT NULL, cycle INTEGER NOT NULL, route TEXT NOT "
      "NULL, contact_id TEXT NOT NULL, notifier TEXT NOT NULL, due TEXT NOT NULL, delivered "
      "INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (campaign, cycle, route, contact_id))" +
          keyed,
      "INSERT INTO schema_version (version) VALUES (1)",
      // One closed cycle with a contact, an attempt and an undelivered alert.
      "INSERT INTO cycles VALUES ('canicule', 1, '2019-06-24T07:00:00Z', '2019-06-24T18:00:00Z')",
      "INSERT INTO contacts VALUES ('canicule', 1, 'R000001', 2, '+33199001234')",
      "INSERT INTO attempts VALUES ('canicule', 1, 'R000001', 1, '2019-06-24T07:01:00Z', "
      "'2019-06-24T07:02:00Z', 'completed', 95, NULL)",
      "INSERT INTO answers VALUES ('canicule', 1, 'R000001', 1, 'alone', 'yes')",
      "INSERT INTO answers VALUES ('canicule', 1, 'R000001', 1, 'symptoms', 'fatigue|cramps')",
      "INSERT INTO outcomes VALUES ('canicule', 1, 'R000001', 'completed', 1, 2)",
      "INSERT INTO scores VALUES ('canicule', 1, 'R000001', 'risk', 7.5)",
      "INSERT INTO scores VALUES ('canicule', 1, 'R000001', 'isolation', 2)",
      "INSERT INTO fired_routes VALUES ('canicule', 1, 'urgent', 'R000001', 'cellule_urgence', "
      "'2019-06-24T08:00:00Z', 0)",
  };
}

}  // namespace vigie::store::test
