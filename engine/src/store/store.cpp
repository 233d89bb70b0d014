#include "store/store.hpp"

#include <algorithm>
#include <string_view>

#include "store/sqlite_store.hpp"

namespace vigie::store {

namespace {

// Long enough to wait out another process's commit, short enough that a
// store held by a stuck process is reported instead of hanging the run.
constexpr std::string_view kBusyTimeout = " timeout=5";

// Returns the value of `key` in a SOCI connection string ("db=x timeout=5").
std::string_view find_parameter(std::string_view connect_string, std::string_view key) {
  std::size_t at = 0;
  while (at < connect_string.size()) {
    const std::size_t end = std::min(connect_string.find(' ', at), connect_string.size());
    const std::string_view pair = connect_string.substr(at, end - at);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=') {
      return pair.substr(key.size() + 1);
    }
    at = end + 1;
  }
  return {};
}

std::unique_ptr<Store> open_sqlite_path(const std::string& url, const std::string& path) {
  // SOCI splits its connection string on spaces unless the value is quoted,
  // and its parser has no escape for a quote inside a quoted value.
  if (path.find('"') != std::string::npos) {
    throw StoreError("cannot open store '" + url +
                     "': the path contains a double quote, which a SOCI connection string "
                     "cannot hold; rename the file or its folder");
  }
  const std::string connect_string = "db=\"" + path + "\"" + std::string(kBusyTimeout);
  return std::make_unique<SqliteStore>(url, connect_string, /*in_memory=*/path == ":memory:");
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
  return std::make_unique<SqliteStore>(url, connect_string, /*in_memory=*/db == ":memory:");
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
  // TODO: PostgreSQL runs the same SQL through SOCI's postgresql backend once
  // that backend is linked into the build.
  if (scheme == "postgresql") {
    throw StoreError("cannot open store '" + url +
                     "': PostgreSQL stores are not supported yet; use a SQLite file path");
  }
  throw StoreError("cannot open store '" + url + "': unknown backend '" + std::string(scheme) +
                   "'; use a file path or sqlite3://db=PATH");
}

}  // namespace vigie::store
