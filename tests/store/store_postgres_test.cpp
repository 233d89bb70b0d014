// Tests of the store on PostgreSQL, on a throwaway server started by
// pg_fixture.hpp on 127.0.0.1. They fail, and never skip, when PostgreSQL
// is not installed.

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "pg_fixture.hpp"
#include "schema_v1.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

using namespace vigie::store::test;
using vigie::store::AttemptRecord;
using vigie::store::kSchemaVersion;
using vigie::store::OutcomeRecord;
using vigie::store::Store;
using vigie::store::StoreError;

namespace {

// A second connection to a test database, to check what the store wrote.
struct PgReader {
  explicit PgReader(const std::string& url)
      : sql(*soci::factory_postgresql(), url.substr(std::string("postgresql://").size())) {}

  long long count(const std::string& query) {
    long long n = -1;
    sql << query, soci::into(n);
    return n;
  }

  std::string text(const std::string& query) {
    std::string value;
    soci::indicator indicator = soci::i_ok;
    sql << query, soci::into(value, indicator);
    return indicator == soci::i_null ? "<null>" : value;
  }

  soci::session sql;
};

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const StoreError& error) {
    return error.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("postgresql store creates the schema", "[store][postgresql]") {
  const std::string url = shared_postgres().create_database();

  auto store = Store::open(url);

  PgReader reader(url);
  CHECK(reader.count("SELECT MAX(version) FROM schema_version") == kSchemaVersion);
  for (const char* table : {"cycles", "contacts", "contact_fields", "rejected_rows", "attempts",
                            "answers", "outcomes", "scores", "fired_routes", "run_identity"}) {
    INFO(table);
    CHECK(reader.count(std::string("SELECT COUNT(*) FROM information_schema.tables WHERE "
                                   "table_name = '") +
                       table + "'") == 1);
  }
}

TEST_CASE("postgresql store accepts libpq URIs", "[store][postgresql]") {
  PostgresServer& server = shared_postgres();
  const std::string url = server.create_database();
  const std::string name =
      url.substr(url.find("dbname=") + 7, url.find(" user") - url.find("dbname=") - 7);

  auto store =
      Store::open("postgresql://vigie@127.0.0.1:" + std::to_string(server.port()) + "/" + name);
  store->begin_cycle("canicule", 1, at(7));
  store->record_attempt(make_attempt("R000001", 1));

  CHECK(PgReader(url).count("SELECT COUNT(*) FROM attempts") == 1);
}

TEST_CASE("postgresql store records round trip", "[store][postgresql]") {
  const std::string url = shared_postgres().create_database();
  auto store = Store::open(url);
  store->begin_cycle("canicule", 1, at(7));
  store->save_contacts(1, {{"R000001", 2, "+33199001234", {{"last_name", "Lefèvre"}}}});
  store->save_rejected(1, {{4, "birth", "31/02/1940", "not a real date"}});

  AttemptRecord callback = make_attempt("R000002", 1);
  callback.callback_at = at(16, 30);
  CHECK(store->record_attempt(make_attempt("R000001", 1)));
  CHECK(store->record_attempt(callback));
  CHECK(store->record_outcome(make_outcome("R000001")));
  CHECK_FALSE(store->record_attempt(make_attempt("R000001", 1)));
  CHECK_FALSE(store->record_attempt(callback));
  CHECK_FALSE(store->record_outcome(make_outcome("R000001")));
  store->end_cycle(1, at(18));

  CHECK(store->count_attempts(1) == 2);
  CHECK(store->count_outcomes(1) == 1);
  CHECK(store->count_routes(1) == 1);
  PgReader reader(url);
  CHECK(reader.text("SELECT value FROM contact_fields WHERE name = 'last_name'") == "Lefèvre");
  CHECK(reader.text("SELECT callback_at FROM attempts WHERE contact_id = 'R000002'") ==
        "2019-06-24T16:30:00Z");
  CHECK(reader.text("SELECT CAST(value AS TEXT) FROM scores WHERE score = 'risk'") == "7.5");
  CHECK(reader.text("SELECT ended_at FROM cycles") == "2019-06-24T18:00:00Z");
  CHECK(reader.count("SELECT COUNT(*) FROM rejected_rows") == 1);
}

TEST_CASE("postgresql store differing record throws", "[store][postgresql]") {
  const std::string url = shared_postgres().create_database();
  auto store = Store::open(url);
  store->begin_cycle("canicule", 1, at(7));
  store->record_attempt(make_attempt("R000001", 1));
  store->record_outcome(make_outcome("R000001"));

  AttemptRecord attempt = make_attempt("R000001", 1);
  attempt.disposition = "busy";
  OutcomeRecord outcome = make_outcome("R000001");
  outcome.scores[0].second = 1;

  CHECK(error_of([&] { store->record_attempt(attempt); }) ==
        "cannot record attempt 1 of contact 'R000001' in cycle 1 in store '" + url +
            "': another attempt is already stored under this number (its disposition differs: "
            "'completed' stored, 'busy' given); the store holds a run that dialled differently, "
            "so give another store");
  CHECK(error_of([&] { store->record_outcome(outcome); }) ==
        "cannot record the outcome of contact 'R000001' in cycle 1 in store '" + url +
            "': another outcome is already stored for this contact (its scores differ); the "
            "store holds a run that dialled differently, so give another store");
}

TEST_CASE("postgresql store group commit and outbox", "[store][postgresql]") {
  const std::string url = shared_postgres().create_database();
  auto store = Store::open(url);
  store->claim_run("canicule seed=7");
  store->begin_cycle("canicule", 1, at(7));
  store->set_batch_size(2);
  PgReader reader(url);

  OutcomeRecord second = make_outcome("R000002");
  second.routes[0].due = at(7, 30);
  store->record_outcome(make_outcome("R000001"));
  CHECK(reader.count("SELECT COUNT(*) FROM outcomes") == 0);
  store->record_outcome(second);
  CHECK(reader.count("SELECT COUNT(*) FROM outcomes") == 2);

  store->record_attempt(make_attempt("R000003", 1));
  CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 0);
  const auto pending = store->pending_alerts(1);
  CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 1);
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].contact_id == "R000002");
  CHECK(pending[1].contact_id == "R000001");

  store->mark_failed_delivery(1, "urgent", "R000002");
  store->mark_delivered(1, "urgent", "R000001");
  const auto after = store->pending_alerts(1);
  REQUIRE(after.size() == 1);
  CHECK(after[0].delivery_attempts == 1);
  CHECK(store->run_identity() == std::optional<std::string>("canicule seed=7"));
}

TEST_CASE("postgresql store migration from version 1", "[store][postgresql]") {
  const std::string url = shared_postgres().create_database();
  {
    PgReader writer(url);
    for (const std::string& statement : schema_v1(/*without_rowid=*/false)) {
      writer.sql << statement;
    }
  }

  auto store = Store::open(url);

  PgReader reader(url);
  CHECK(reader.count("SELECT MAX(version) FROM schema_version") == kSchemaVersion);
  store->begin_cycle("canicule", 1, at(7));
  CHECK_FALSE(store->record_attempt(make_attempt("R000001", 1)));
  CHECK(store->pending_alerts(1).size() == 1);
}

TEST_CASE("postgresql store newer schema is rejected", "[store][postgresql]") {
  const std::string url = shared_postgres().create_database();
  Store::open(url);
  PgReader(url).sql << "INSERT INTO schema_version (version) VALUES (99)";

  CHECK(error_of([&] { Store::open(url); }) ==
        "cannot open store '" + url +
            "': its schema version is 99 but this engine supports "
            "versions up to " +
            std::to_string(kSchemaVersion) +
            "; open it with the newer vigie that wrote it, or give another store");
}

TEST_CASE("postgresql store open errors name the fix", "[store][postgresql]") {
  PostgresServer& server = shared_postgres();
  const std::string port = std::to_string(server.port());

  struct Case {
    std::string url;
    std::string redacted_url;
    std::string remedy;
  };
  const std::vector<Case> cases = {
      {"postgresql://host=127.0.0.1 port=" + port + " dbname=missing user=vigie",
       "postgresql://host=127.0.0.1 port=" + port + " dbname=missing user=vigie",
       "; create the database or fix dbname= in the store URL"},
      {"postgresql://host=127.0.0.1 port=" + port + " dbname=missing user=vigie password=s3cret",
       "postgresql://host=127.0.0.1 port=" + port + " dbname=missing user=vigie password=***",
       "; create the database or fix dbname= in the store URL"},
      {"postgresql://vigie:s3cret@127.0.0.1:" + port + "/missing",
       "postgresql://vigie:***@127.0.0.1:" + port + "/missing",
       "; create the database or fix dbname= in the store URL"},
      {"postgresql://host=127.0.0.1 port=1 dbname=vigie user=vigie",
       "postgresql://host=127.0.0.1 port=1 dbname=vigie user=vigie",
       "; check that the PostgreSQL server is running and that the store URL names its host and "
       "port"},
  };
  for (const Case& test : cases) {
    INFO(test.url);
    const std::string message = error_of([&] { Store::open(test.url); });
    CHECK_THAT(message, Catch::StartsWith("cannot open store '" + test.redacted_url + "': "));
    CHECK_THAT(message, Catch::EndsWith(test.remedy));
    CHECK(message.find("s3cret") == std::string::npos);
  }
}
