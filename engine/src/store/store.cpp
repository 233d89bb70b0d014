#include "store/store.hpp"

#include <algorithm>
#include <string_view>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "store/soci_store.hpp"
#include "store/store_url.hpp"

namespace vigie::store {

namespace {

// Long enough to wait out another process's commit, short enough that a
// store held by a stuck process is reported instead of hanging the run.
constexpr std::string_view kBusyTimeout = " timeout=5";

std::unique_ptr<Store> open_sqlite_path(const std::string& url, const std::string& path) {
  // SOCI splits its connection string on spaces unless the value is quoted,
  // and its parser has no escape for a quote inside a quoted value.
  if (path.find('"') != std::string::npos) {
    throw StoreError("cannot open store '" + url +
                     "': the path contains a double quote, which a SOCI connection string "
                     "cannot hold; rename the file or its folder");
  }
  const std::string connect_string = "db=\"" + path + "\"" + std::string(kBusyTimeout);
  return std::make_unique<SociStore>(url, *soci::factory_sqlite3(), connect_string,
                                     Dialect::kSqlite, /*in_memory=*/path == ":memory:");
}

std::unique_ptr<Store> open_sqlite_url(const std::string& url, std::string_view parameters) {
  std::string connect_string(parameters);
  if (find_parameter(parameters, "timeout").empty()) connect_string += kBusyTimeout;

  std::string_view db = find_parameter(parameters, "db");
  if (db.empty()) db = find_parameter(parameters, "dbname");
  if (db.empty()) {
    throw StoreError("cannot open store '" + url +
                     "': the URL names no database file; write sqlite3://db=PATH");
  }
  return std::make_unique<SociStore>(url, *soci::factory_sqlite3(), connect_string,
                                     Dialect::kSqlite, /*in_memory=*/db == ":memory:");
}

std::unique_ptr<Store> open_postgresql_url(const std::string& url, std::string_view rest) {
  return std::make_unique<SociStore>(redact_password(url), *soci::factory_postgresql(),
                                     postgresql_connect_string(url, rest), Dialect::kPostgresql);
}

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& url) {
  if (url.empty()) {
    throw StoreError(
        "the store URL is empty; give a file path such as out/vigie.db or "
        "sqlite3://db=out/vigie.db");
  }

  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return open_sqlite_path(url, url);

  const std::string_view scheme = std::string_view(url).substr(0, scheme_end);
  const std::string_view parameters = std::string_view(url).substr(scheme_end + 3);
  if (scheme == "sqlite3") return open_sqlite_url(url, parameters);
  if (scheme == "postgresql" || scheme == "postgres") return open_postgresql_url(url, parameters);
  throw StoreError("cannot open store '" + redact_password(url) + "': unknown backend '" +
                   std::string(scheme) +
                   "'; use a file path, sqlite3://db=PATH or postgresql://host=HOST dbname=NAME");
}

}  // namespace vigie::store
