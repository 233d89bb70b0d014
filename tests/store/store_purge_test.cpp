// Tests of the retention purge. Personal data of old closed cycles leaves
// every table and the file bytes, and their anonymous statistics stay.
// Open cycles and recently closed cycles are kept whole.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <soci/postgresql/soci-postgresql.h>

#include "pg_fixture.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

using namespace vigie::store::test;
using vigie::store::AttemptRecord;
using vigie::store::OutcomeRecord;
using vigie::store::PurgeReport;
using vigie::store::Store;

namespace {

// Personal values of one cycle, unique to it so that a scan can tell
// whether they survived.
struct PersonalData {
  std::string contact_id;
  std::string phone;
  std::string name;
  std::string answer;
  std::string rejected_value;

  std::vector<std::string> all() const { return {contact_id, phone, name, answer, rejected_value}; }
};

PersonalData personal_data(const std::string& tag) {
  return {"ID" + tag + "X", "+3319900" + tag, "Nom" + tag + "Y", "Reponse" + tag + "Z",
          "Rejet" + tag + "W"};
}

// Writes one cycle: two contacts, three attempts, two outcomes, one alert.
void write_cycle(Store& store, const std::string& campaign, int cycle, const PersonalData& data,
                 bool close) {
  store.begin_cycle(campaign, cycle, at(7));
  store.save_contacts(cycle, {{data.contact_id, 2, data.phone, {{"last_name", data.name}}},
                              {data.contact_id + "b", 3, data.phone + "9", {}}});
  store.save_rejected(cycle, {{4, "phone", data.rejected_value, "not a phone number"},
                              {5, "phone", data.rejected_value + "2", "not a phone number"}});

  AttemptRecord first = make_attempt(data.contact_id, 1, cycle);
  first.disposition = "no_answer";
  first.talk_seconds = 0;
  first.answers.clear();
  AttemptRecord second = make_attempt(data.contact_id, 2, cycle);
  second.answers = {{"alone", data.answer}};
  AttemptRecord other = make_attempt(data.contact_id + "b", 1, cycle);
  other.talk_seconds = 40;
  other.answers = {{"alone", data.answer + "2"}};
  for (const AttemptRecord& attempt : {first, second, other}) store.record_attempt(attempt);

  OutcomeRecord useful = make_outcome(data.contact_id, cycle);
  OutcomeRecord plain = make_outcome(data.contact_id + "b", cycle);
  plain.useful = false;
  plain.routes.clear();
  store.record_outcome(useful);
  store.record_outcome(plain);

  if (close) store.end_cycle(cycle, at(18));
}

// Returns every value of every table, as text.
template <typename ListTables>
std::vector<std::string> all_values(soci::session& sql, ListTables list_tables) {
  std::vector<std::string> values;
  for (const std::string& table : list_tables(sql)) {
    soci::rowset<soci::row> rows = sql.prepare << "SELECT * FROM " + table;
    for (const soci::row& row : rows) {
      for (std::size_t column = 0; column < row.size(); ++column) {
        if (row.get_indicator(column) == soci::i_null) continue;
        switch (row.get_properties(column).get_data_type()) {
          case soci::dt_string:
            values.push_back(row.get<std::string>(column));
            break;
          case soci::dt_integer:
            values.push_back(std::to_string(row.get<int>(column)));
            break;
          case soci::dt_long_long:
            values.push_back(std::to_string(row.get<long long>(column)));
            break;
          default:
            break;  // numbers: scores, never personal
        }
      }
    }
  }
  return values;
}

std::vector<std::string> sqlite_tables(soci::session& sql) {
  std::vector<std::string> tables(100);
  sql << "SELECT name FROM sqlite_master WHERE type = 'table'", soci::into(tables);
  return tables;
}

std::vector<std::string> postgresql_tables(soci::session& sql) {
  std::vector<std::string> tables(100);
  sql << "SELECT table_name FROM information_schema.tables WHERE table_schema = "
         "current_schema()",
      soci::into(tables);
  return tables;
}

// True when `needle` occurs in any value.
bool contains(const std::vector<std::string>& values, const std::string& needle) {
  for (const std::string& value : values) {
    if (value.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string file_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::map<std::string, long long> stats_of(soci::session& sql, const std::string& campaign,
                                          int cycle) {
  std::map<std::string, long long> stats;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT kind, name, value FROM cycle_stats WHERE campaign = :campaign AND "
                      "cycle = :cycle",
       soci::use(campaign), soci::use(cycle));
  for (const soci::row& row : rows) {
    const long long value = row.get_properties(2).get_data_type() == soci::dt_integer
                                ? row.get<int>(2)
                                : row.get<long long>(2);
    stats[row.get<std::string>(0) + "/" + row.get<std::string>(1)] = value;
  }
  return stats;
}

const std::map<std::string, long long> kExpectedStats = {
    {"contacts/total", 2},        {"attempts/total", 3},        {"useful/total", 1},
    {"talk_seconds/total", 135},  {"outcome/completed", 2},     {"route/urgent", 1},
    {"disposition/completed", 2}, {"disposition/no_answer", 1}, {"rejected/phone", 2},
};

// Writes three cycles: one closed before the cut-off, one closed after it,
// one open since before it.
void write_three_cycles(Store& store, const PersonalData& old_data, const PersonalData& recent,
                        const PersonalData& open) {
  write_cycle(store, "canicule", 1, old_data, /*close=*/true);
  write_cycle(store, "canicule", 2, recent, /*close=*/false);
  store.end_cycle(2, at(18) + std::chrono::hours(24 * 10));
  write_cycle(store, "grand_froid", 1, open, /*close=*/false);
}

const vigie::common::Instant kCutoff = at(0) + std::chrono::hours(24 * 5);

}  // namespace

TEST_CASE("store purge of old closed cycles", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  const PersonalData old_data = personal_data("1111");
  const PersonalData recent = personal_data("2222");
  const PersonalData open = personal_data("3333");
  auto store = Store::open(path);
  write_three_cycles(*store, old_data, recent, open);

  const PurgeReport report = store->purge_closed_cycles(kCutoff);

  REQUIRE(report.purged.size() == 1);
  CHECK(report.purged[0].campaign == "canicule");
  CHECK(report.purged[0].cycle == 1);
  CHECK(report.purged[0].ended == at(18));
  CHECK(report.open_cycles_kept == 1);

  Reader reader(path);
  const std::vector<std::string> values = all_values(reader.sql, sqlite_tables);
  const std::string bytes = file_bytes(path) + file_bytes(path + "-wal");
  for (const std::string& value : old_data.all()) {
    INFO(value);
    CHECK_FALSE(contains(values, value));
    CHECK(bytes.find(value) == std::string::npos);
  }
  for (const PersonalData* kept : {&recent, &open}) {
    for (const std::string& value : kept->all()) {
      INFO(value);
      CHECK(contains(values, value));
    }
  }
  CHECK(stats_of(reader.sql, "canicule", 1) == kExpectedStats);
  CHECK(stats_of(reader.sql, "canicule", 2).empty());
  CHECK(reader.text("SELECT ended_at FROM cycles WHERE campaign = 'canicule' AND cycle = 1") ==
        "2019-06-24T18:00:00Z");
}

TEST_CASE("store purge twice keeps statistics", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  auto store = Store::open(path);
  write_three_cycles(*store, personal_data("1111"), personal_data("2222"), personal_data("3333"));
  store->purge_closed_cycles(kCutoff);

  const PurgeReport again = store->purge_closed_cycles(kCutoff);

  CHECK(again.purged.empty());
  Reader reader(path);
  CHECK(stats_of(reader.sql, "canicule", 1) == kExpectedStats);
}

TEST_CASE("store purge keeps open cycles", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  const PersonalData open = personal_data("3333");
  auto store = Store::open(path);
  write_three_cycles(*store, personal_data("1111"), personal_data("2222"), open);

  const PurgeReport report = store->purge_closed_cycles(at(0) + std::chrono::hours(24 * 3650));

  CHECK(report.purged.size() == 2);
  CHECK(report.open_cycles_kept == 1);
  Reader reader(path);
  const std::vector<std::string> values = all_values(reader.sql, sqlite_tables);
  for (const std::string& value : open.all()) {
    INFO(value);
    CHECK(contains(values, value));
  }
  CHECK(reader.count("SELECT COUNT(*) FROM attempts WHERE campaign = 'grand_froid'") == 3);
}

TEST_CASE("store purge skips resumed cycle", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  auto store = Store::open(path);
  write_cycle(*store, "canicule", 1, personal_data("1111"), /*close=*/true);

  // A run that resumes the cycle reopens it until it ends again.
  store->begin_cycle("canicule", 1, at(7));
  const PurgeReport report = store->purge_closed_cycles(kCutoff);

  CHECK(report.purged.empty());
  CHECK(store->count_attempts(1) == 3);
}

TEST_CASE("postgresql store purge of old cycles", "[store][postgresql]") {
  const std::string url = shared_postgres().create_database();
  const PersonalData old_data = personal_data("1111");
  const PersonalData recent = personal_data("2222");
  auto store = Store::open(url);
  write_three_cycles(*store, old_data, recent, personal_data("3333"));

  const PurgeReport report = store->purge_closed_cycles(kCutoff);

  REQUIRE(report.purged.size() == 1);
  soci::session reader(*soci::factory_postgresql(),
                       url.substr(std::string("postgresql://").size()));
  const std::vector<std::string> values = all_values(reader, postgresql_tables);
  for (const std::string& value : old_data.all()) {
    INFO(value);
    CHECK_FALSE(contains(values, value));
  }
  for (const std::string& value : recent.all()) {
    INFO(value);
    CHECK(contains(values, value));
  }
  CHECK(stats_of(reader, "canicule", 1) == kExpectedStats);
}
