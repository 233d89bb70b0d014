// SociStore's retention purge: anonymous statistics are kept, personal data
// of closed cycles is deleted, then the database is compacted.

#include <array>
#include <chrono>
#include <string>

#include "store/record_check.hpp"
#include "store/soci_store.hpp"

namespace vigie::store {

namespace {

// Statistics of a cycle, as INSERT ... SELECT statements reading the
// cycle's own rows. Every statement reads :campaign and :cycle, and the
// totals come from a sub-query on `cycles` so that a cycle without
// attempts still gets its zero. No statement puts a bound value in a
// SELECT list, where PostgreSQL cannot infer its type.
constexpr std::array<const char*, 8> kStatsStatements = {
    R"(INSERT INTO cycle_stats (campaign, cycle, kind, name, value)
       SELECT c.campaign, c.cycle, 'contacts', 'total',
              (SELECT COUNT(*) FROM contacts t WHERE t.campaign = c.campaign AND t.cycle = c.cycle)
       FROM cycles c WHERE c.campaign = :campaign AND c.cycle = :cycle)",
    R"(INSERT INTO cycle_stats (campaign, cycle, kind, name, value)
       SELECT c.campaign, c.cycle, 'attempts', 'total',
              (SELECT COUNT(*) FROM attempts t WHERE t.campaign = c.campaign AND t.cycle = c.cycle)
       FROM cycles c WHERE c.campaign = :campaign AND c.cycle = :cycle)",
    R"(INSERT INTO cycle_stats (campaign, cycle, kind, name, value)
       SELECT c.campaign, c.cycle, 'useful', 'total',
              (SELECT COUNT(*) FROM outcomes t WHERE t.campaign = c.campaign AND t.cycle = c.cycle
                 AND t.useful <> 0)
       FROM cycles c WHERE c.campaign = :campaign AND c.cycle = :cycle)",
    R"(INSERT INTO cycle_stats (campaign, cycle, kind, name, value)
       SELECT c.campaign, c.cycle, 'talk_seconds', 'total',
              (SELECT COALESCE(SUM(t.talk_s), 0) FROM attempts t
                 WHERE t.campaign = c.campaign AND t.cycle = c.cycle)
       FROM cycles c WHERE c.campaign = :campaign AND c.cycle = :cycle)",
    R"(INSERT INTO cycle_stats (campaign, cycle, kind, name, value)
       SELECT campaign, cycle, 'outcome', outcome, COUNT(*) FROM outcomes
       WHERE campaign = :campaign AND cycle = :cycle GROUP BY campaign, cycle, outcome)",
    R"(INSERT INTO cycle_stats (campaign, cycle, kind, name, value)
       SELECT campaign, cycle, 'route', route, COUNT(*) FROM fired_routes
       WHERE campaign = :campaign AND cycle = :cycle GROUP BY campaign, cycle, route)",
    R"(INSERT INTO cycle_stats (campaign, cycle, kind, name, value)
       SELECT campaign, cycle, 'disposition', disposition, COUNT(*) FROM attempts
       WHERE campaign = :campaign AND cycle = :cycle GROUP BY campaign, cycle, disposition)",
    R"(INSERT INTO cycle_stats (campaign, cycle, kind, name, value)
       SELECT campaign, cycle, 'rejected', field, COUNT(*) FROM rejected_rows
       WHERE campaign = :campaign AND cycle = :cycle GROUP BY campaign, cycle, field)",
};

// Every table whose rows hold a contact id, a phone number, a register
// value or an answer. A rejected row holds the raw register value.
constexpr std::array<const char*, 10> kPersonalTables = {
    "contacts", "contact_fields", "rejected_rows", "attempts",   "answers",
    "outcomes", "scores",         "fired_routes",  "work_queue", "work_claims"};

}  // namespace

PurgeReport SociStore::purge_closed_cycles(common::Instant before) {
  const std::string cutoff = format_instant(before);
  const std::string purged_at = format_instant(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  PurgeReport report;

  try {
    flush();
    soci::transaction transaction(sql_);

    // ISO 8601 UTC text sorts as time, so the comparison is on text.
    soci::rowset<soci::row> rows =
        (sql_.prepare << "SELECT campaign, cycle, ended_at FROM cycles WHERE ended_at IS NOT NULL "
                         "AND ended_at < :cutoff AND purged_at IS NULL ORDER BY campaign, cycle",
         soci::use(cutoff));
    for (const soci::row& row : rows) {
      report.purged.push_back({row.get<std::string>(0), row.get<int>(1),
                               parse_instant(row.get<std::string>(2), label())});
    }

    for (const PurgedCycle& cycle : report.purged) {
      save_cycle_stats(cycle.campaign, cycle.cycle);
      delete_personal_data(cycle.campaign, cycle.cycle);
      sql_ << "UPDATE cycles SET purged_at = :purged_at WHERE campaign = :campaign AND cycle = "
              ":cycle",
          soci::use(purged_at), soci::use(cycle.campaign), soci::use(cycle.cycle);
    }
    long long open_cycles = 0;
    sql_ << "SELECT COUNT(*) FROM cycles WHERE ended_at IS NULL", soci::into(open_cycles);
    report.open_cycles_kept = open_cycles;
    transaction.commit();
  } catch (const soci::soci_error& error) {
    rethrow(error, "purge the cycles ended before " + cutoff + " from " + label());
  }

  try {
    if (!report.purged.empty()) compact();
  } catch (const soci::soci_error& error) {
    rethrow(error, "compact " + label() +
                       " after the purge (the personal data is deleted but "
                       "may remain in free pages until the next compaction)");
  }
  return report;
}

void SociStore::save_cycle_stats(const std::string& campaign, int cycle) {
  for (const char* statement : kStatsStatements) {
    sql_ << statement, soci::use(campaign, "campaign"), soci::use(cycle, "cycle");
  }
}

void SociStore::delete_personal_data(const std::string& campaign, int cycle) {
  for (const char* table : kPersonalTables) {
    sql_ << std::string("DELETE FROM ") + table + " WHERE campaign = :campaign AND cycle = :cycle",
        soci::use(campaign), soci::use(cycle);
  }
}

void SociStore::compact() {
  if (dialect_ == Dialect::kSqlite) {
    // VACUUM rewrites the database without the freed pages. The WAL still
    // contains the old pages, so the checkpoint copies the new ones into
    // the file and truncates the WAL.
    sql_ << "VACUUM";
    sql_ << "PRAGMA wal_checkpoint(TRUNCATE)";
    return;
  }

  // NOTE: VACUUM FULL rewrites each table without the deleted rows, but the
  // server's WAL segments and any backup still hold them until recycled.
  for (const char* table : kPersonalTables) sql_ << std::string("VACUUM FULL ") + table;
}

std::vector<int> SociStore::purged_cycles() {
  std::vector<int> cycles;
  try {
    flush();
    soci::rowset<int> rows =
        (sql_.prepare << "SELECT cycle FROM cycles WHERE purged_at IS NOT NULL ORDER BY cycle");
    for (int cycle : rows) cycles.push_back(cycle);
  } catch (const soci::soci_error& error) {
    rethrow(error, "read the purged cycles of " + label());
  }
  return cycles;
}

}  // namespace vigie::store
