// Tests of schema migrations on SQLite: a store written by version 1 of the
// engine is migrated forward on open, and keeps its data.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "schema_v1.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

using namespace vigie::store::test;
using vigie::store::kSchemaVersion;
using vigie::store::Store;

TEST_CASE("store migration from version 1", "[store]") {
  TempDir dir;
  const std::string path = dir.file("v1.db");
  {
    Reader writer(path);
    for (const std::string& statement : schema_v1(/*without_rowid=*/true)) writer.sql << statement;
  }

  auto store = Store::open(path);

  Reader reader(path);
  CHECK(reader.count("SELECT MAX(version) FROM schema_version") == kSchemaVersion);
  CHECK(reader.count("SELECT COUNT(*) FROM schema_version") == kSchemaVersion);
  CHECK(reader.count("SELECT delivery_attempts FROM fired_routes") == 0);
  CHECK_FALSE(store->run_identity().has_value());

  // The version 1 records are the same as the sample records, so writing
  // them again is recognised as a repeat.
  store->begin_cycle("canicule", 1, at(7));
  CHECK_FALSE(store->record_attempt(make_attempt("R000001", 1)));
  CHECK_FALSE(store->record_outcome(make_outcome("R000001")));
  const auto pending = store->pending_alerts(1);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].route == "urgent");
  CHECK(pending[0].due == at(8));
}

TEST_CASE("store migration runs once across reopens", "[store]") {
  TempDir dir;
  const std::string path = dir.file("v1.db");
  {
    Reader writer(path);
    for (const std::string& statement : schema_v1(/*without_rowid=*/true)) writer.sql << statement;
  }

  for (int open = 0; open < 3; ++open) Store::open(path);

  Reader reader(path);
  CHECK(reader.count("SELECT COUNT(*) FROM schema_version") == kSchemaVersion);
  CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 1);
}
