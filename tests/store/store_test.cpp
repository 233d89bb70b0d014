#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "store/schema.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

namespace fs = std::filesystem;
using namespace vigie::store::test;
using vigie::common::Instant;
using vigie::store::AttemptRecord;
using vigie::store::ContactRecord;
using vigie::store::FiredRoute;
using vigie::store::kSchemaVersion;
using vigie::store::OutcomeRecord;
using vigie::store::RejectedRecord;
using vigie::store::Store;
using vigie::store::StoreError;

namespace {

std::string open_error(const std::string& url) {
  try {
    Store::open(url);
  } catch (const StoreError& error) {
    return error.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("store open creates the schema in WAL mode", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");

  auto store = Store::open(path);

  Reader reader(path);
  CHECK(reader.text("PRAGMA journal_mode") == "wal");
  CHECK(reader.count("SELECT MAX(version) FROM schema_version") == kSchemaVersion);
  for (const char* table :
       {"cycles", "contacts", "contact_fields", "rejected_rows", "attempts", "answers", "outcomes",
        "scores", "fired_routes", "run_identity", "cycle_stats"}) {
    INFO(table);
    CHECK(reader.count(std::string("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                                   "name = '") +
                       table + "'") == 1);
  }
}

TEST_CASE("store open accepts sqlite3 URLs and paths with spaces", "[store]") {
  TempDir dir;
  const std::string path = dir.file("with space.db");

  SECTION("plain path") {
    Store::open(path);
  }
  SECTION("sqlite3 URL with quoted path") {
    Store::open("sqlite3://db=\"" + path + "\"");
  }

  Reader reader(path);
  CHECK(reader.text("PRAGMA journal_mode") == "wal");
}

TEST_CASE("store open in memory skips WAL", "[store]") {
  auto store = Store::open(":memory:");
  store->begin_cycle("canicule", 1, at(7));
  store->record_attempt(make_attempt("R000001", 1));
  CHECK(store->count_attempts(1) == 1);
}

TEST_CASE("store open errors name the URL and the fix", "[store]") {
  TempDir dir;
  const std::string not_a_folder = dir.file("plain-file");
  std::ofstream(not_a_folder) << "not a folder\n";
  const std::string not_a_store = dir.file("notes.db");
  std::ofstream(not_a_store) << "these are notes, not an SQLite database, padded to a page: "
                             << std::string(200, 'x') << "\n";

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"",
       "the store URL is empty; give a file path such as out/vigie.db or "
       "sqlite3://db=out/vigie.db"},
      {not_a_folder + "/vigie.db", "cannot open store '" + not_a_folder +
                                       "/vigie.db': unable to open database file; check that the "
                                       "folder exists and is writable"},
      {"/nonexistent-vigie-folder/vigie.db",
       "cannot open store '/nonexistent-vigie-folder/vigie.db': unable to open database file; "
       "check that the folder exists and is writable"},
      {not_a_store, "cannot open store '" + not_a_store +
                        "': file is not a database; the file is not a Vigie store or is "
                        "damaged; give another path"},
      {"mysql://db=x",
       "cannot open store 'mysql://db=x': unknown backend 'mysql'; use a file path, "
       "sqlite3://db=PATH or postgresql://host=HOST dbname=NAME"},
      {"mysql://user:secret@127.0.0.1/vigie",
       "cannot open store 'mysql://user:***@127.0.0.1/vigie': unknown backend 'mysql'; use a "
       "file path, sqlite3://db=PATH or postgresql://host=HOST dbname=NAME"},
      {"sqlite3://timeout=2",
       "cannot open store 'sqlite3://timeout=2': the URL names no "
       "database file; write sqlite3://db=PATH"},
      {"a\"b.db",
       "cannot open store 'a\"b.db': the path contains a double quote, which a SOCI "
       "connection string cannot hold; rename the file or its folder"},
  };
  for (const auto& [url, expected] : cases) {
    INFO(url);
    CHECK(open_error(url) == expected);
  }
}

TEST_CASE("store rejects a schema newer than the engine", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  Store::open(path);
  Reader(path).sql << "INSERT INTO schema_version (version) VALUES (99)";

  CHECK(open_error(path) == "cannot open store '" + path +
                                "': its schema version is 99 but this engine supports versions "
                                "up to " +
                                std::to_string(vigie::store::kSchemaVersion) +
                                "; open it with the newer vigie that wrote it, or give another "
                                "store");
}

TEST_CASE("store reopen keeps data and migrates once", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  {
    auto store = Store::open(path);
    store->begin_cycle("canicule", 1, at(7));
    store->record_attempt(make_attempt("R000001", 1));
  }

  auto store = Store::open(path);

  Reader reader(path);
  CHECK(reader.count("SELECT COUNT(*) FROM schema_version") == kSchemaVersion);
  CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 1);
}

TEST_CASE("store record_attempt round trip", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  auto store = Store::open(path);
  store->begin_cycle("canicule", 1, at(7));

  AttemptRecord callback = make_attempt("R000002", 1);
  callback.disposition = "callback";
  callback.talk_seconds = 12;
  callback.callback_at = at(16, 30);
  callback.answers.clear();
  store->record_attempt(make_attempt("R000001", 1));
  store->record_attempt(callback);

  CHECK(store->count_attempts(1) == 2);
  CHECK(store->count_attempts(2) == 0);
  Reader reader(path);
  CHECK(reader.text("SELECT started_at || ' ' || ended_at || ' ' || disposition FROM attempts "
                    "WHERE contact_id = 'R000001'") ==
        "2019-06-24T07:01:00Z 2019-06-24T07:02:00Z completed");
  CHECK(reader.count("SELECT talk_s FROM attempts WHERE contact_id = 'R000001'") == 95);
  CHECK(reader.text("SELECT callback_at FROM attempts WHERE contact_id = 'R000001'") == "<null>");
  CHECK(reader.text("SELECT callback_at FROM attempts WHERE contact_id = 'R000002'") ==
        "2019-06-24T16:30:00Z");
  CHECK(reader.count("SELECT COUNT(*) FROM answers") == 2);
  CHECK(reader.text("SELECT value FROM answers WHERE contact_id = 'R000001' AND attempt = 1 AND "
                    "question = 'symptoms'") == "fatigue|cramps");
}

TEST_CASE("store record_outcome round trip", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  auto store = Store::open(path);
  store->begin_cycle("canicule", 1, at(7));

  OutcomeRecord unreachable = make_outcome("R000002");
  unreachable.outcome = "unreachable";
  unreachable.useful = false;
  unreachable.attempts = 4;
  unreachable.scores.clear();
  unreachable.routes.clear();
  store->record_outcome(make_outcome("R000001"));
  store->record_outcome(unreachable);

  CHECK(store->count_outcomes(1) == 2);
  CHECK(store->count_routes(1) == 1);
  Reader reader(path);
  CHECK(reader.text("SELECT outcome FROM outcomes WHERE contact_id = 'R000002'") == "unreachable");
  CHECK(reader.count("SELECT useful FROM outcomes WHERE contact_id = 'R000001'") == 1);
  CHECK(reader.count("SELECT useful FROM outcomes WHERE contact_id = 'R000002'") == 0);
  CHECK(reader.count("SELECT attempts FROM outcomes WHERE contact_id = 'R000002'") == 4);
  CHECK(reader.text("SELECT CAST(value AS TEXT) FROM scores WHERE score = 'risk'") == "7.5");
  CHECK(reader.text("SELECT route || ' ' || notifier || ' ' || due || ' ' || delivered FROM "
                    "fired_routes") == "urgent cellule_urgence 2019-06-24T08:00:00Z 0");
}

TEST_CASE("store contacts and rejected rows round trip", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  auto store = Store::open(path);
  store->begin_cycle("canicule", 1, at(7));

  store->save_contacts(
      1, {{"R000001", 2, "+33199001234", {{"last_name", "Lefèvre"}, {"arrondissement", "15"}}},
          {"R000002", 3, "+33199005678", {}}});
  store->save_rejected(1, {{4, "birth", "31/02/1940", "not a real date"}});

  Reader reader(path);
  CHECK(reader.count("SELECT COUNT(*) FROM contacts") == 2);
  CHECK(reader.text("SELECT phone FROM contacts WHERE contact_id = 'R000002'") == "+33199005678");
  CHECK(reader.count("SELECT row_number FROM contacts WHERE contact_id = 'R000002'") == 3);
  CHECK(reader.text("SELECT value FROM contact_fields WHERE contact_id = 'R000001' AND name = "
                    "'last_name'") == "Lefèvre");
  CHECK(reader.text("SELECT field || ' ' || value || ' ' || reason FROM rejected_rows WHERE "
                    "row_number = 4") == "birth 31/02/1940 not a real date");
}

TEST_CASE("store record with repeated key throws", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  auto store = Store::open(path);
  store->begin_cycle("canicule", 1, at(7));
  store->record_attempt(make_attempt("R000001", 1));
  store->record_outcome(make_outcome("R000001"));
  Reader reader(path);
  const std::string in_store = " in store '" + path + "': ";

  SECTION("same answer twice in one attempt") {
    AttemptRecord attempt = make_attempt("R000001", 2);
    attempt.answers.push_back({"alone", "no"});
    CHECK_THROWS_WITH(store->record_attempt(attempt),
                      "cannot record attempt 2 of contact 'R000001' in cycle 1" + in_store +
                          "question 'alone' is answered twice; an attempt stores one answer per "
                          "question");
    CHECK(store->count_attempts(1) == 1);
  }
  SECTION("same score twice in one outcome") {
    OutcomeRecord outcome = make_outcome("R000002");
    outcome.scores.push_back({"risk", 1});
    CHECK_THROWS_WITH(store->record_outcome(outcome),
                      "cannot record the outcome of contact 'R000002' in cycle 1" + in_store +
                          "score 'risk' is listed twice");
    CHECK(store->count_outcomes(1) == 1);
  }
  SECTION("same route twice in one outcome") {
    OutcomeRecord outcome = make_outcome("R000002");
    outcome.routes.push_back({"urgent", "sms", at(9)});
    CHECK_THROWS_WITH(store->record_outcome(outcome),
                      "cannot record the outcome of contact 'R000002' in cycle 1" + in_store +
                          "route 'urgent' fires twice; a route alerts once per contact and cycle");
    CHECK(store->count_outcomes(1) == 1);
    CHECK(reader.count("SELECT COUNT(*) FROM scores") == 2);
  }
  SECTION("same contact twice") {
    CHECK_THROWS_WITH(
        store->save_contacts(1, {{"R9", 2, "+33199001234", {}}, {"R9", 3, "+33199001235", {}}}),
        "cannot save the contacts of cycle 1" + in_store +
            "contact 'R9' is listed twice; each contact id is unique in a register");
    CHECK(reader.count("SELECT COUNT(*) FROM contacts") == 0);
  }
  SECTION("same field twice in one contact") {
    CHECK_THROWS_WITH(
        store->save_contacts(1, {{"R9", 2, "+33199001234", {{"age", "80"}, {"age", "81"}}}}),
        "cannot save the contacts of cycle 1" + in_store + "contact 'R9' lists field 'age' twice");
    CHECK(reader.count("SELECT COUNT(*) FROM contacts") == 0);
  }

  // The prepared statements still work after a rejected write.
  store->record_attempt(make_attempt("R000003", 1));
  CHECK(store->count_attempts(1) == 2);
}

TEST_CASE("store begin_cycle resume keeps data", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  {
    auto store = Store::open(path);
    for (const auto& [campaign, cycle] : std::vector<std::pair<std::string, int>>{
             {"canicule", 1}, {"canicule", 2}, {"grand_froid", 1}}) {
      store->begin_cycle(campaign, cycle, at(7));
      store->save_contacts(cycle, {{"R000001", 2, "+33199001234", {{"arrondissement", "15"}}}});
      store->save_rejected(cycle, {{3, "phone", "01 99", "too short"}});
      store->record_attempt(make_attempt("R000001", 1, cycle));
      store->record_outcome(make_outcome("R000001", cycle));
      store->end_cycle(cycle, at(18));
    }
  }

  auto store = Store::open(path);
  store->begin_cycle("canicule", 1, at(9));
  store->save_contacts(1, {{"R000001", 2, "+33199001234", {{"arrondissement", "15"}}},
                           {"R000002", 4, "+33199005678", {}}});
  store->save_rejected(1, {{3, "phone", "01 99", "too short"}});

  CHECK(store->count_attempts(1) == 1);
  CHECK(store->count_outcomes(1) == 1);
  CHECK(store->count_routes(1) == 1);
  Reader reader(path);
  const std::vector<std::pair<std::string, long long>> rows_per_cycle = {
      {"contact_fields", 1}, {"rejected_rows", 1}, {"attempts", 1},    {"answers", 2},
      {"outcomes", 1},       {"scores", 2},        {"fired_routes", 1}};
  for (const auto& [table, rows] : rows_per_cycle) {
    INFO(table);
    for (const char* cycle :
         {"campaign = 'canicule' AND cycle = 1", "campaign = 'canicule' AND cycle = 2",
          "campaign = 'grand_froid' AND cycle = 1"}) {
      INFO(cycle);
      CHECK(reader.count("SELECT COUNT(*) FROM " + table + " WHERE " + cycle) == rows);
    }
  }
  CHECK(reader.count("SELECT COUNT(*) FROM contacts WHERE campaign = 'canicule' AND cycle = 1") ==
        2);
  CHECK(reader.text("SELECT started_at || ' ' || COALESCE(ended_at, '<open>') FROM cycles WHERE "
                    "campaign = 'canicule' AND cycle = 1") == "2019-06-24T07:00:00Z <open>");
  CHECK(reader.text("SELECT ended_at FROM cycles WHERE campaign = 'grand_froid'") ==
        "2019-06-24T18:00:00Z");
}

TEST_CASE("store calls out of order throw StoreError", "[store]") {
  auto store = Store::open(":memory:");

  CHECK_THROWS_WITH(store->record_attempt(make_attempt("R000001", 1)),
                    "cannot record an attempt in store ':memory:': no cycle has begun; call "
                    "begin_cycle first");
  CHECK_THROWS_WITH(store->begin_cycle("", 1, at(7)),
                    "cannot begin cycle 1 in store ':memory:': the campaign name is empty");
  store->begin_cycle("canicule", 1, at(7));
  CHECK_THROWS_WITH(store->end_cycle(2, at(8)),
                    "cannot end cycle 2 of campaign 'canicule' in store ':memory:': the cycle "
                    "was never begun; call begin_cycle first");
}

TEST_CASE("store timing of 25000 attempts and 10500 outcomes", "[store][timing]") {
  TempDir dir;
  auto store = Store::open(dir.file("vigie.db"));
  store->begin_cycle("canicule", 1, at(7));
  const int contacts = 10500;
  const int attempts = 25000;

  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < attempts; ++i) {
    store->record_attempt(make_attempt("R" + std::to_string(i % contacts), 1 + i / contacts));
  }
  const auto attempts_done = std::chrono::steady_clock::now();
  for (int i = 0; i < contacts; ++i) store->record_outcome(make_outcome("R" + std::to_string(i)));
  const auto outcomes_done = std::chrono::steady_clock::now();

  using Ms = std::chrono::milliseconds;
  // A measure printed for the reader, not a pass/fail threshold: timings on
  // a shared machine vary too much to assert.
  std::cout << "store timing: " << attempts << " record_attempt in "
            << std::chrono::duration_cast<Ms>(attempts_done - started).count() << " ms, "
            << contacts << " record_outcome in "
            << std::chrono::duration_cast<Ms>(outcomes_done - attempts_done).count() << " ms\n";
  CHECK(store->count_attempts(1) == attempts);
  CHECK(store->count_outcomes(1) == contacts);
  CHECK(store->count_routes(1) == contacts);
}
