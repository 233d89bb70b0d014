#include "app/purge_command.hpp"

#include <filesystem>
#include <optional>
#include <ostream>
#include <sstream>

#include <date/date.h>

#include "store/store.hpp"

namespace vigie::app {

namespace {

// Parses YYYY-MM-DD into midnight UTC of that day; nullopt for any other
// text or an impossible date such as 2019-02-30.
std::optional<common::Instant> parse_day(const std::string& text) {
  if (text.size() != 10) return std::nullopt;

  std::istringstream input(text);
  date::sys_days day;
  input >> date::parse("%F", day);
  if (input.fail() || input.peek() != std::char_traits<char>::eof()) return std::nullopt;

  // date::parse accepts 2019-02-30 as March 2nd; round-trip to reject it.
  if (date::format("%F", day) != text) return std::nullopt;
  return common::Instant(day);
}

std::string plural(std::size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

}  // namespace

int run_purge(const PurgeCommand& command, std::ostream& out, std::ostream& err) {
  const std::optional<common::Instant> before = parse_day(command.before);
  if (!before) {
    err << "vigie: invalid --before '" << command.before
        << "': write a date as YYYY-MM-DD, such as 2019-09-01\n";
    return 2;
  }

  // A purge must not create an empty store where the operator mistyped
  // the folder.
  const std::string url = command.store_url
                              ? *command.store_url
                              : (std::filesystem::path(command.out_dir) / "vigie.db").string();
  // A SQLite store is a file (a plain path or sqlite3://db=PATH); a
  // PostgreSQL store is checked when it is opened.
  std::string file = url;
  if (file.rfind("sqlite3://", 0) == 0) {
    file = file.substr(std::string("sqlite3://").size());
    if (file.rfind("db=", 0) == 0) file = file.substr(3, file.find(' ') - 3);
  }
  bool is_file = url.find("://") == std::string::npos || url.rfind("sqlite3://", 0) == 0;
  if (is_file && !std::filesystem::exists(file)) {
    err << "vigie: no store at '" << url
        << "'; give the run's output folder with --out DIR or the store with --store URL\n";
    return 2;
  }

  try {
    auto store = store::Store::open(url);
    const store::PurgeReport report = store->purge_closed_cycles(*before);

    out << "purged " << plural(report.purged.size(), "cycle") << " ended before " << command.before
        << " 00:00 UTC\n";
    for (const store::PurgedCycle& cycle : report.purged) {
      out << "  " << cycle.campaign << " cycle " << cycle.cycle;
      if (cycle.ended) out << ", ended " << date::format("%FT%TZ", *cycle.ended);
      out << '\n';
    }
    if (report.open_cycles_kept > 0) {
      out << "kept " << plural(static_cast<std::size_t>(report.open_cycles_kept), "open cycle")
          << ": a cycle is purged only once it has ended\n";
    }
    return 0;
  } catch (const store::StoreError& error) {
    err << "vigie: " << error.what() << '\n';
    return 2;
  }
}

}  // namespace vigie::app
