// The sql source on an SQLite database that each test creates.

#include <catch2/catch.hpp>

#include <soci/soci.h>

#include "plugin_test_support.hpp"

void vigie_register_source_sql(vigie::Registry& registry);

using namespace vigie;
using vigie::test::TempDir;

namespace {

const Registry& sql_plugin() {
  static const Registry registry = [] {
    Registry r;
    vigie_register_source_sql(r);
    return r;
  }();
  return registry;
}

SourceSchema register_schema() {
  SourceSchema schema;
  schema.campaign = "canicule";
  schema.fields = {
      {"id", FieldType::text, true, false},
      {"phone", FieldType::phone, false, false},
      {"birth", FieldType::date, false, false},
      {"arrondissement", FieldType::integer, false, false},
      {"lives_alone", FieldType::boolean, false, true},
  };
  schema.today = CivilDate{2025, 6, 15};
  return schema;
}

// Creates register.db in `dir` with the statements given.
void create_database(const TempDir& dir, const std::vector<std::string>& statements) {
  soci::session session("sqlite3://db=" + dir.file("register.db"));
  for (const std::string& statement : statements) session << statement;
}

std::unique_ptr<Source> make_source(const TempDir& dir, const std::string& yaml) {
  return (*sql_plugin().source("sql"))(YAML::Load(yaml), dir.context("reflex"));
}

std::string plugin_error(const TempDir& dir, const std::string& yaml) {
  try {
    make_source(dir, yaml)->read(register_schema());
  } catch (const PluginError& error) {
    return error.what();
  }
  return "no error";
}

const std::vector<std::string> kRegister = {
    "CREATE TABLE people (ident TEXT, tel TEXT, naissance TEXT, arrondissement INTEGER, "
    "seul INTEGER)",
    "INSERT INTO people VALUES ('A1', '01 99 00 12 34', '02/05/1931', 10, 1)",
    "INSERT INTO people VALUES ('A2', '+44 20 7946 0123', '1940-12-31', 11, NULL)",
    "INSERT INTO people VALUES ('A3', '01 99', '02/05/1931', 12, 0)",
    "INSERT INTO people VALUES ('A4', '0199001235', '02/05/24', 13, 0)",
    "INSERT INTO people VALUES ('A5', NULL, '02/05/31', 14, 0)",
    "INSERT INTO people VALUES ('A6', '+33 (0)2 61 91 12 34', '02/05/31', 15, 1)",
};

const std::string kConfig =
    "plugin: sql\n"
    "connection: sqlite3://db=register.db\n"
    "query: SELECT ident AS id, tel, naissance, arrondissement, seul FROM people ORDER BY ident\n"
    "columns: {phone: tel, birth: naissance, lives_alone: seul}\n";

}  // namespace

TEST_CASE("sql source types and validates rows", "[plugins][sql]") {
  TempDir dir;
  create_database(dir, kRegister);
  const ImportResult result = make_source(dir, kConfig)->read(register_schema());

  REQUIRE(result.rows.size() == 3);
  CHECK(result.rows[0].row_number == 1);
  CHECK(std::get<std::string>(result.rows[0].values[0]) == "A1");
  CHECK(std::get<std::string>(result.rows[0].values[1]) == "+33199001234");
  CHECK(std::get<CivilDate>(result.rows[0].values[2]) == CivilDate{1931, 5, 2});
  CHECK(std::get<std::int64_t>(result.rows[0].values[3]) == 10);
  CHECK(std::get<bool>(result.rows[0].values[4]) == true);
  CHECK(result.rows[1].row_number == 2);
  CHECK(std::holds_alternative<std::monostate>(result.rows[1].values[4]));
  CHECK(result.rows[2].row_number == 6);
  CHECK(std::get<std::string>(result.rows[2].values[1]) == "+33261911234");
  CHECK(std::get<CivilDate>(result.rows[2].values[2]) == CivilDate{1931, 5, 2});

  struct Expected {
    std::size_t row;
    const char* field;
    const char* value;
    const char* reason;
  };
  const Expected expected[] = {
      {3, "phone", "01 99", "not a valid phone number for region FR"},
      {4, "birth", "02/05/24",
       "ambiguous two-digit year: both the 1900s and the 2000s give a date within 120 years "
       "before 2025-06-15; write the year with four digits"},
      {5, "phone", "", "missing required field 'phone'"},
  };
  REQUIRE(result.rejected.size() == std::size(expected));
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    INFO("rejected row " << i);
    CHECK(result.rejected[i].row_number == expected[i].row);
    CHECK(result.rejected[i].field == expected[i].field);
    CHECK(result.rejected[i].value == expected[i].value);
    CHECK(result.rejected[i].reason == expected[i].reason);
  }

  REQUIRE(result.suspicious.size() == 1);
  CHECK(result.suspicious[0].row_number == 2);
  CHECK(result.suspicious[0].field == "phone");
  CHECK(result.encoding.empty());
  CHECK(result.delimiter.empty());
}

TEST_CASE("sql source reads numeric and real columns", "[plugins][sql]") {
  TempDir dir;
  create_database(dir, {"CREATE TABLE p (id INTEGER, phone TEXT, birth TEXT, arrondissement REAL)",
                        "INSERT INTO p VALUES (7, '0199001234', '1931-05-02', 10.0)",
                        "INSERT INTO p VALUES (8, '0199001235', '1931-05-02', 10.5)"});
  const ImportResult result = make_source(dir,
                                          "plugin: sql\nconnection: sqlite3://db=register.db\n"
                                          "query: SELECT * FROM p ORDER BY id\n")
                                  ->read(register_schema());

  REQUIRE(result.rows.size() == 1);
  CHECK(std::get<std::string>(result.rows[0].values[0]) == "7");
  CHECK(std::get<std::int64_t>(result.rows[0].values[3]) == 10);
  REQUIRE(result.rejected.size() == 1);
  CHECK(result.rejected[0].row_number == 2);
  CHECK(result.rejected[0].value == "10.5");
  CHECK(result.rejected[0].reason == "not a whole number");
}

TEST_CASE("sql source reports database errors", "[plugins][sql]") {
  TempDir dir;
  create_database(dir, kRegister);

  CHECK(plugin_error(dir,
                     "plugin: sql\nconnection: sqlite3://db=register.db\n"
                     "query: SELECT ident, tel FROM people\n") ==
        "source 'reflex': the query returns no column 'id' for field 'id'; it returns ident, "
        "tel. Select the column (or an alias: AS id) or map it under `columns:` in the engine "
        "config");

  const std::string missing_table = plugin_error(
      dir, "plugin: sql\nconnection: sqlite3://db=register.db\nquery: SELECT * FROM nobody\n");
  CHECK(missing_table.rfind("source 'reflex' (sqlite3): the database could not be read: ", 0) == 0);
  CHECK(missing_table.find("no such table: nobody") != std::string::npos);

  CHECK(plugin_error(dir,
                     "plugin: sql\nconnection: sqlite3://db=register.db\n"
                     "query: SELECT * FROM people\ncolumns: {telephone: tel}\n") ==
        "source 'reflex' maps columns for field 'telephone', which campaign 'canicule' does not "
        "declare; its fields are id, phone, birth, arrondissement, lives_alone");
}

TEST_CASE("sql source validates its config", "[plugins][sql]") {
  TempDir dir;
  struct Case {
    const char* yaml;
    int line;
    int column;
    const char* message;
  };
  const Case cases[] = {
      {"plugin: sql\nquery: SELECT 1\n", 1, 1, "sql source 'reflex' needs the key 'connection'"},
      {"plugin: sql\nconnection: register.db\nquery: SELECT 1\n", 2, 13,
       "'connection' must be a SOCI connection string BACKEND://PARAMETERS, such as "
       "sqlite3://db=register.db or postgresql://host=127.0.0.1 dbname=vigie"},
      {"plugin: sql\nconnection: sqlite3://db=a.db\n", 1, 1,
       "sql source 'reflex' needs the key 'query'"},
      {"plugin: sql\nconnection: sqlite3://db=a.db\nquery: SELECT 1\nqeury: x\n", 4, 1,
       "unknown key 'qeury' in sql source 'reflex'; did you mean 'query'?"},
      {"plugin: sql\nconnection: sqlite3://db=a.db\nquery: SELECT 1\ncolumns: [a]\n", 4, 10,
       "'columns' must map field names to result column names"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    try {
      make_source(dir, c.yaml);
      FAIL("no ConfigError");
    } catch (const ConfigError& error) {
      CHECK(std::string(error.what()) == c.message);
      CHECK(error.line() == c.line);
      CHECK(error.column() == c.column);
    }
  }
}
