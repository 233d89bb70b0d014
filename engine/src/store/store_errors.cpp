#include "store/store_errors.hpp"

#include <string_view>

#include <soci/postgresql/soci-postgresql.h>
// Includes <sqlite3.h> inside namespace sqlite_api, so it must come before
// any direct include of <sqlite3.h>; the SQLITE_* result codes come from it.
#include <soci/sqlite3/soci-sqlite3.h>

namespace vigie::store {

namespace {

std::string sqlite_remedy(int sqlite_code) {
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

// SQLSTATE classes are listed in PostgreSQL's documentation, appendix
// "PostgreSQL Error Codes".
std::string postgresql_remedy(const std::string& sqlstate) {
  if (sqlstate == "3D000") return "create the database or fix dbname= in the store URL";
  if (sqlstate == "42501") return "grant the store's user the rights on the database";
  if (sqlstate == "40001" || sqlstate == "40P01") {
    return "another process is writing to this store; stop it or use another store";
  }
  if (sqlstate == "53100") return "free some disk space on the database server";

  const std::string_view category = std::string_view(sqlstate).substr(0, 2);
  if (category == "08") {
    return "check that the PostgreSQL server is running and that the store URL names its host "
           "and port";
  }
  if (category == "28") return "check the user and password in the store URL";
  if (category == "23") {
    return "each record is written once per cycle; this one was already written";
  }
  if (category == "53") return "the database server is out of resources; ask its administrator";
  return "check the PostgreSQL server's log";
}

// SOCI 4.0.3 reports a failed PostgreSQL connection as a plain soci_error
// carrying libpq's message and no SQLSTATE, so the remedy comes from the
// message's words.
// NOTE: this matches libpq's English messages; a server or client set to
// another language gets the generic remedy.
std::string postgresql_connection_remedy(const std::string& message) {
  const auto mentions = [&message](std::string_view words) {
    return message.find(words) != std::string::npos;
  };
  if (mentions("database \"") && mentions("does not exist")) return postgresql_remedy("3D000");
  if (mentions("password authentication failed") || mentions("no password supplied") ||
      (mentions("role \"") && mentions("does not exist"))) {
    return postgresql_remedy("28000");
  }
  if (mentions("Connection refused") || mentions("could not connect") ||
      mentions("could not translate host name") || mentions("timeout expired")) {
    return postgresql_remedy("08000");
  }
  return "check the PostgreSQL server's log";
}

}  // namespace

std::string describe_error(const soci::soci_error& error) {
  std::string message = error.get_error_message();

  // SOCI prefixes connection failures and statement failures with its own
  // words ("Cannot establish connection to the database. ",
  // "sqlite3_statement_backend::loadOne: "), which mean nothing to an
  // operator.
  for (std::string_view prefix :
       {"Cannot establish connection to the database. ",
        "Cannot establish connection to the database.\n", "Connection failed. "}) {
    if (message.rfind(prefix, 0) == 0) {
      message = message.substr(prefix.size());
      break;
    }
  }
  const std::size_t colon = message.find(": ");
  if (message.rfind("sqlite3_", 0) == 0 && colon != std::string::npos) {
    message = message.substr(colon + 2);
  }

  // libpq messages span lines and pad with tabs and double spaces
  // ("FATAL:  ...\n\tIs the server running"); keep one line, single-spaced.
  std::string line;
  for (char c : message) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (space && (line.empty() || line.back() == ' ')) continue;
    line += space ? ' ' : c;
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string remedy_for(const soci::soci_error& error, Dialect dialect) {
  if (const auto* sqlite_error = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    return sqlite_remedy(sqlite_error->result());
  }
  if (const auto* pg_error = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    return postgresql_remedy(pg_error->sqlstate());
  }

  if (dialect == Dialect::kSqlite) return sqlite_remedy(SQLITE_ERROR);
  return postgresql_connection_remedy(error.get_error_message());
}

}  // namespace vigie::store
