// The csv source on messy exports: encodings, quoting, foreign phone
// numbers and two-digit years, with exact row numbers and reasons.

#include <catch2/catch.hpp>

#include "plugin_test_support.hpp"

using namespace vigie;
using vigie::test::TempDir;

namespace {

SourceSchema register_schema() {
  SourceSchema schema;
  schema.campaign = "canicule";
  schema.fields = {
      {"id", FieldType::text, true, false},
      {"phone", FieldType::phone, false, false},
      {"last_name", FieldType::text, false, false},
      {"birth", FieldType::date, false, false},
  };
  schema.today = CivilDate{2025, 6, 15};
  return schema;
}

ImportResult import(const TempDir& dir, const std::string& content,
                    const std::string& extra_yaml = "") {
  dir.write("roster.csv", content);
  const SourceFactory* factory = test::shipped_plugins().source("csv");
  REQUIRE(factory != nullptr);
  const YAML::Node node = YAML::Load("plugin: csv\npath: roster.csv\n" + extra_yaml);
  return (*factory)(node, dir.context("reflex"))->read(register_schema());
}

bool has_note(const ImportResult& result, const std::string& text) {
  for (const std::string& note : result.notes) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("csv source reads each encoding", "[plugins][csv][encoding]") {
  struct Case {
    const char* name;
    std::string content;
    std::string yaml;
    const char* encoding;
    const char* note;
  };
  const Case cases[] = {
      {"UTF-8", "id;phone;last_name;birth\nA1;0199001234;H\xC3\xA9l\xC3\xA8ne;02/05/1931\n", "",
       "UTF-8", "encoding UTF-8 (detected)"},
      {"UTF-8 with BOM",
       "\xEF\xBB\xBFid;phone;last_name;birth\nA1;0199001234;H\xC3\xA9l\xC3\xA8ne;02/05/1931\n", "",
       "UTF-8", "UTF-8 byte order mark removed"},
      {"Windows-1252 detected", "id;phone;last_name;birth\nA1;0199001234;H\xE9l\xE8ne;02/05/1931\n",
       "", "Windows-1252",
       "encoding Windows-1252 (detected: line 2 is not valid UTF-8 and every byte is defined in "
       "Windows-1252; set encoding: in the engine config if the file is another encoding)"},
      {"Windows-1252 given", "id;phone;last_name;birth\nA1;0199001234;H\xE9l\xE8ne;02/05/1931\n",
       "encoding: windows-1252\n", "Windows-1252", "encoding Windows-1252"},
      {"ISO-8859-1 given", "id;phone;last_name;birth\nA1;0199001234;H\xE9l\xE8ne;02/05/1931\n",
       "encoding: iso-8859-1\n", "ISO-8859-1", "encoding ISO-8859-1"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    TempDir dir;
    const ImportResult result = import(dir, c.content, c.yaml);
    REQUIRE(result.rejected.empty());
    REQUIRE(result.rows.size() == 1);
    CHECK(std::get<std::string>(result.rows[0].values[2]) == "H\xC3\xA9l\xC3\xA8ne");
    CHECK(result.encoding == c.encoding);
    CHECK(result.delimiter == ";");
    CHECK(has_note(result, c.note));
  }
}

TEST_CASE("csv source notes ISO-8859-1 control bytes", "[plugins][csv][encoding]") {
  TempDir dir;
  const ImportResult result =
      import(dir, "id;phone;last_name;birth\nA1;0199001234;Prix \x80;02/05/1931\n",
             "encoding: iso-8859-1\n");
  CHECK(has_note(result,
                 "1 bytes between 0x80 and 0x9F are control characters in ISO-8859-1; if the file "
                 "shows euro signs or curly quotes, set encoding: windows-1252"));
}

TEST_CASE("csv source rejects an undetectable encoding", "[plugins][csv][encoding]") {
  TempDir dir;
  const std::string path = dir.file("roster.csv");
  try {
    import(dir, "id;phone;last_name;birth\nA1;0199001234;H\xE9l\xE8ne;02/05/1931\nA2;\x81;x;y\n");
    FAIL("no PluginError");
  } catch (const PluginError& error) {
    CHECK(std::string(error.what()) ==
          path +
              ":3: the file is neither UTF-8 (line 2) nor Windows-1252 (byte 0x81 on line 3 is "
              "undefined there); export it as CSV UTF-8, or set encoding: iso-8859-1 if the file "
              "really is ISO-8859-1");
  }
}

TEST_CASE("csv source keeps row numbers across quoted lines", "[plugins][csv][quoting]") {
  TempDir dir;
  const ImportResult result = import(dir,
                                     "id,phone,last_name,birth\r\n"
                                     "A1,0199001234,\"Martin, n\xC3\xA9"
                                     "e Dupont\",02/05/1931\r\n"
                                     "A2,0199001235,\"Durand\r\n(tutelle)\",02/05/1931\r\n"
                                     "A3,0199001236,\"Le \"\"Petit\"\"\",02/05/1931\r\n"
                                     "A4,01 99,\"Leroy\r\nBat. C\r\n3e\",02/05/1931\r\n"
                                     "A5,0199001237,Moreau,31/02/1931\r\n",
                                     "delimiter: ','\n");
  REQUIRE(result.rows.size() == 3);
  CHECK(result.rows[0].row_number == 2);
  CHECK(std::get<std::string>(result.rows[0].values[2]) ==
        "Martin, n\xC3\xA9"
        "e Dupont");
  CHECK(result.rows[1].row_number == 3);
  CHECK(std::get<std::string>(result.rows[1].values[2]) == "Durand\r\n(tutelle)");
  CHECK(result.rows[2].row_number == 5);
  CHECK(std::get<std::string>(result.rows[2].values[2]) == "Le \"Petit\"");

  REQUIRE(result.rejected.size() == 2);
  CHECK(result.rejected[0].row_number == 6);
  CHECK(result.rejected[0].field == "phone");
  CHECK(result.rejected[0].reason == "not a valid phone number for region FR");
  CHECK(result.rejected[1].row_number == 9);
  CHECK(result.rejected[1].field == "birth");
  CHECK(result.rejected[1].reason ==
        "not a valid date; expected dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd");
  CHECK(has_note(result,
                 "the record on line 3 has a quoted field spanning several lines; row numbers are "
                 "the file line where each record starts, so after it they run ahead of a "
                 "spreadsheet's row numbers"));
}

TEST_CASE("csv source reads tab-separated exports", "[plugins][csv][quoting]") {
  TempDir dir;
  const ImportResult result = import(
      dir, "id\tphone\tlast_name\tbirth\nA1\t01 99 00 12 34\t\"Martin\tfils\"\t1931-05-02\n");
  REQUIRE(result.rows.size() == 1);
  CHECK(result.delimiter == "tab");
  CHECK(std::get<std::string>(result.rows[0].values[2]) == "Martin\tfils");
}

TEST_CASE("csv source flags foreign phones, resolves years", "[plugins][csv][values]") {
  TempDir dir;
  const ImportResult result = import(dir,
                                     "id;phone;last_name;birth\n"
                                     "A1;+44 20 7946 0123;Smith;02/05/31\n"
                                     "A2;+33 (0)1 99 00 12 34;Martin;02/05/24\n"
                                     "A3;0033 (0)2 61 91 12 34;Durand;16/06/25\n"
                                     "A4;+1 202 555 0123;Petit;2026-01-01\n"
                                     "A5;;Leroy;02/05/1931\n");

  REQUIRE(result.rows.size() == 3);
  CHECK(std::get<CivilDate>(result.rows[0].values[3]) == CivilDate{1931, 5, 2});
  CHECK(std::get<std::string>(result.rows[1].values[1]) == "+33261911234");
  CHECK(std::get<CivilDate>(result.rows[1].values[3]) == CivilDate{1925, 6, 16});
  // A four-digit year is taken as written, even after the reference date.
  CHECK(std::get<CivilDate>(result.rows[2].values[3]) == CivilDate{2026, 1, 1});

  REQUIRE(result.rejected.size() == 2);
  CHECK(result.rejected[0].row_number == 3);
  CHECK(result.rejected[0].field == "birth");
  CHECK(result.rejected[0].value == "02/05/24");
  CHECK(result.rejected[0].reason ==
        "ambiguous two-digit year: both the 1900s and the 2000s give a date within 120 years "
        "before 2025-06-15; write the year with four digits");
  CHECK(result.rejected[1].row_number == 6);
  CHECK(result.rejected[1].reason == "missing required field 'phone'");

  REQUIRE(result.suspicious.size() == 2);
  CHECK(result.suspicious[0].row_number == 2);
  CHECK(result.suspicious[0].field == "phone");
  CHECK(result.suspicious[0].reason ==
        "valid number of another country (GB, +44) in a register for region FR; check that it is "
        "meant");
  CHECK(result.suspicious[1].row_number == 5);
  CHECK(result.suspicious[1].reason ==
        "valid number of another country (US, +1) in a register for region FR; check that it is "
        "meant");
}
