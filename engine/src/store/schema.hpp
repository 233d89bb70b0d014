#pragma once
// The store's SQL schema as numbered migrations. The SQL sticks to what
// SQLite and PostgreSQL both accept (TEXT, INTEGER, BIGINT, DOUBLE PRECISION,
// named placeholders) so that a PostgreSQL store can reuse it.

#include <soci/soci.h>

namespace vigie::store {

// The SQL dialect a migration is written for.
enum class Dialect { kSqlite, kPostgresql };

// The schema version this engine writes.
inline constexpr int kSchemaVersion = 5;

// Returns the version recorded in `sql`'s schema_version table, 0 for an
// empty database. Throws soci::soci_error.
int read_schema_version(soci::session& sql, Dialect dialect);

// Applies every migration above the recorded version, all in one
// transaction. The caller checks first that the recorded version is not
// newer than kSchemaVersion. Throws soci::soci_error.
void migrate(soci::session& sql, Dialect dialect);

}  // namespace vigie::store
