#include <catch2/catch.hpp>

#include "plugin_test_support.hpp"

using namespace vigie;
using vigie::test::TempDir;

namespace {

SourceSchema heatwave_schema() {
  SourceSchema schema;
  schema.campaign = "canicule";
  schema.fields = {
      {"id", FieldType::text, true, false},
      {"phone", FieldType::phone, false, false},
      {"phone2", FieldType::phone, false, true},
      {"last_name", FieldType::text, false, false},
      {"birth", FieldType::date, false, false},
      {"arrondissement", FieldType::integer, false, false},
      {"lives_alone", FieldType::boolean, false, true},
  };
  return schema;
}

ImportResult import(const TempDir& dir, const std::string& yaml) {
  const SourceFactory* factory = test::shipped_plugins().source("csv");
  REQUIRE(factory != nullptr);
  return (*factory)(YAML::Load(yaml), dir.context("reflex"))->read(heatwave_schema());
}

std::string plugin_error(const TempDir& dir, const std::string& yaml) {
  try {
    import(dir, yaml);
  } catch (const PluginError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("csv source reads semicolons with BOM", "[plugins][csv]") {
  TempDir dir;
  dir.write("roster.csv",
            "\xEF\xBB\xBFid;phone;phone2;last_name;birth;arrondissement;lives_alone\r\n"
            "A1;01 42 76 40 40;;Martin;02/05/1931;10;oui\r\n"
            "A2;06.12.34.56.78;+33 (0)6 12 34 56 79;Durand;1940-12-31;11;non\r\n");
  const ImportResult result = import(dir, "plugin: csv\npath: roster.csv\n");

  REQUIRE(result.rejected.empty());
  REQUIRE(result.rows.size() == 2);
  const Row& first = result.rows[0];
  CHECK(first.row_number == 2);
  CHECK(std::get<std::string>(first.values[0]) == "A1");
  CHECK(std::get<std::string>(first.values[1]) == "+33142764040");
  CHECK(std::holds_alternative<std::monostate>(first.values[2]));
  CHECK(std::get<CivilDate>(first.values[4]) == CivilDate{1931, 5, 2});
  CHECK(std::get<std::int64_t>(first.values[5]) == 10);
  CHECK(std::get<bool>(first.values[6]) == true);
  CHECK(std::get<std::string>(result.rows[1].values[2]) == "+33612345679");
  CHECK(std::get<bool>(result.rows[1].values[6]) == false);
  REQUIRE_FALSE(result.notes.empty());
  CHECK(result.notes[0].find("delimiter ';'") != std::string::npos);
  CHECK(result.notes[0].find("byte order mark removed") != std::string::npos);
}

TEST_CASE("csv source reads commas and quotes", "[plugins][csv]") {
  TempDir dir;
  dir.write("roster.csv",
            "id,phone,last_name,birth,arrondissement\n"
            "A1,0142764040,\"Martin, née Dupont\",1931-05-02,10\n");
  const ImportResult result = import(dir, "plugin: csv\npath: roster.csv\ndelimiter: ','\n");
  REQUIRE(result.rows.size() == 1);
  CHECK(std::get<std::string>(result.rows[0].values[3]) == "Martin, née Dupont");
  CHECK(std::holds_alternative<std::monostate>(result.rows[0].values[6]));
  CHECK(result.notes.size() == 4);  // the file, its encoding, then phone2 and lives_alone
}

TEST_CASE("csv source maps and folds column names", "[plugins][csv]") {
  TempDir dir;
  dir.write("roster.csv",
            "Identifiant;Téléphone;Nom;Naissance;ARRONDISSEMENT;Lives-Alone\n"
            "A1;01 42 76 40 40;Martin;02/05/1931;10;1\n");
  const ImportResult result = import(dir,
                                     "plugin: csv\npath: roster.csv\n"
                                     "columns: {id: Identifiant, phone: telephone, last_name: Nom, "
                                     "birth: naissance}\n");
  REQUIRE(result.rejected.empty());
  REQUIRE(result.rows.size() == 1);
  CHECK(std::get<std::string>(result.rows[0].values[1]) == "+33142764040");
  CHECK(std::get<std::int64_t>(result.rows[0].values[5]) == 10);
  CHECK(std::get<bool>(result.rows[0].values[6]) == true);
}

TEST_CASE("csv source rejects invalid rows by line", "[plugins][csv]") {
  TempDir dir;
  dir.write("roster.csv",
            "id;phone;last_name;birth;arrondissement\n"
            "A1;01 42 76 40 40;\"Martin\nsur deux lignes\";02/05/1931;10\n"
            "A2;01 42;Durand;02/05/1931;10\n"
            "A3;01 42 76 40 41;Petit;31/02/1931;10\n"
            "A4;;Leroy;02/05/1931;10\n"
            "A5;01 42 76 40 42;Moreau;02/05/1931;dix\n"
            "A6;01 42 76 40 43;Simon\n"
            "\n"
            "A7;01 42 76 40 44;Laurent;02/05/1931;12\n");
  const ImportResult result = import(dir, "plugin: csv\npath: roster.csv\n");

  REQUIRE(result.rows.size() == 2);
  CHECK(result.rows[0].row_number == 2);
  CHECK(result.rows[1].row_number == 10);

  struct Expected {
    std::size_t row;
    const char* field;
    const char* value;
    const char* reason;
  };
  const Expected expected[] = {
      {4, "phone", "01 42", "not a valid phone number for region FR"},
      {5, "birth", "31/02/1931", "not a valid date; expected dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd"},
      {6, "phone", "", "missing required field 'phone'"},
      {7, "arrondissement", "dix", "not a whole number"},
      {8, "", "", "the row has 3 fields but the header has 5; check the quotes and the delimiter"},
  };
  REQUIRE(result.rejected.size() == std::size(expected));
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    INFO("rejected row " << i);
    CHECK(result.rejected[i].row_number == expected[i].row);
    CHECK(result.rejected[i].field == expected[i].field);
    CHECK(result.rejected[i].value == expected[i].value);
    CHECK(result.rejected[i].reason == expected[i].reason);
  }
}

TEST_CASE("csv source keeps duplicate keys", "[plugins][csv]") {
  TempDir dir;
  dir.write("roster.csv",
            "id;phone;last_name;birth;arrondissement\n"
            "A1;0142764040;Martin;02/05/1931;10\n"
            "A1;0142764041;Martin;02/05/1931;10\n");
  CHECK(import(dir, "plugin: csv\npath: roster.csv\n").rows.size() == 2);
}

TEST_CASE("csv source names a missing column", "[plugins][csv]") {
  TempDir dir;
  const std::string path =
      dir.write("roster.csv", "id;phone;nom;birth\nA1;0142764040;Martin;02/05/1931\n");
  CHECK(
      plugin_error(dir, "plugin: csv\npath: roster.csv\n") ==
      path +
          ": missing required column 'last_name' for field 'last_name'; the header has id, phone, "
          "nom, birth. Add the column or map it under `columns:` in the engine config");
}

TEST_CASE("csv source reports unreadable files", "[plugins][csv]") {
  TempDir dir;
  CHECK(plugin_error(dir, "plugin: csv\npath: absent.csv\n") ==
        "cannot read " + dir.file("absent.csv") +
            " for source 'reflex'; check the path given in the engine config engine.yaml");

  const std::string latin1 =
      dir.write("latin1.csv", "id;phone;last_name\nA1;0142764040;H\xE9l\xE8ne\n");
  CHECK(plugin_error(dir, "plugin: csv\npath: latin1.csv\nencoding: utf-8\n") ==
        latin1 +
            ":2: line 2 is not valid UTF-8, but the config sets encoding: utf-8; export the file "
            "as CSV UTF-8, or set encoding: auto, windows-1252 or iso-8859-1");

  const std::string broken = dir.write("broken.csv", "id;phone\nA1;\"0142\n");
  CHECK(
      plugin_error(dir, "plugin: csv\npath: broken.csv\n") ==
      broken +
          ":2: unterminated quoted field starting on line 2; close the quote or double the quotes "
          "inside it");
}

TEST_CASE("csv source validates its config", "[plugins][csv]") {
  TempDir dir;
  const SourceFactory& factory = *test::shipped_plugins().source("csv");
  struct Case {
    const char* yaml;
    int line;
    int column;
    const char* message;
  };
  const Case cases[] = {
      {"plugin: csv\n", 1, 1, "csv source 'reflex' needs the key 'path'"},
      {"plugin: csv\npath: a.csv\nphone_regoin: BE\n", 3, 1,
       "unknown key 'phone_regoin' in csv source 'reflex'; did you mean 'phone_region'?"},
      {"plugin: csv\npath: a.csv\nencoding: utf-16\n", 3, 11,
       "unknown encoding 'utf-16'; use auto, utf-8, windows-1252 or iso-8859-1"},
      {"plugin: csv\npath: a.csv\nphone_region: XX\n", 3, 15,
       "unknown phone_region 'XX'; use an ISO 3166 region code such as FR, BE or GP"},
      {"plugin: csv\npath: a.csv\ndate_format: mm/dd/yyyy\n", 3, 14,
       "'date_format' cannot be 'mm/dd/yyyy'; use one of auto, dd/mm/yyyy, iso"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    try {
      factory(YAML::Load(c.yaml), dir.context("reflex"));
      FAIL("no ConfigError");
    } catch (const ConfigError& error) {
      CHECK(std::string(error.what()) == c.message);
      CHECK(error.line() == c.line);
      CHECK(error.column() == c.column);
    }
  }
}
