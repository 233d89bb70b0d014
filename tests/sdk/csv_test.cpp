#include <catch2/catch.hpp>

#include "vigie/csv.hpp"

using namespace vigie;

TEST_CASE("parse_csv detects the delimiter", "[sdk][csv]") {
  CHECK(parse_csv("id;phone;name\n1;2;3\n").delimiter == ';');
  CHECK(parse_csv("id,phone,name\n1,2,3\n").delimiter == ',');
  CHECK(parse_csv("\"a;b\",c\n").delimiter == ',');
  CHECK(parse_csv("id\n1\n").delimiter == ',');
}

TEST_CASE("parse_csv strips the BOM", "[sdk][csv]") {
  const CsvTable table = parse_csv("\xEF\xBB\xBFid;nom\n1;Dupont\n");
  CHECK(table.had_bom);
  CHECK(table.header == std::vector<std::string>{"id", "nom"});
}

TEST_CASE("parse_csv reads quoted fields", "[sdk][csv]") {
  const CsvTable table = parse_csv(
      "id,note,phone\r\n"
      "1,\"a, b\",x\r\n"
      "2,\"line one\nline two\",y\r\n"
      "3,\"say \"\"hello\"\"\",z\r\n"
      "\r\n"
      "4,,\r\n");
  REQUIRE(table.records.size() == 4);
  CHECK(table.records[0].fields == std::vector<std::string>{"1", "a, b", "x"});
  CHECK(table.records[1].fields[1] == "line one\nline two");
  CHECK(table.records[2].fields[1] == "say \"hello\"");
  CHECK(table.records[3].fields == std::vector<std::string>{"4", "", ""});
}

TEST_CASE("parse_csv numbers records by file line", "[sdk][csv]") {
  const CsvTable table = parse_csv("id,note\n1,\"two\nlines\"\n\n2,x\n3,y");
  REQUIRE(table.records.size() == 3);
  CHECK(table.records[0].line == 2);
  CHECK(table.records[1].line == 5);
  CHECK(table.records[2].line == 6);
}

TEST_CASE("parse_csv reports broken quotes", "[sdk][csv]") {
  try {
    parse_csv("id,note\n1,ok\n2,\"never closed\n3,x\n");
    FAIL("no CsvError");
  } catch (const CsvError& error) {
    CHECK(error.line() == 3);
    CHECK(std::string(error.what()) ==
          "unterminated quoted field starting on line 3; close the quote or double the quotes "
          "inside it");
  }
  try {
    parse_csv("id,note\n1,\"a\"b\n");
    FAIL("no CsvError");
  } catch (const CsvError& error) {
    CHECK(error.line() == 2);
  }
}

TEST_CASE("find_invalid_utf8 gives the line", "[sdk][csv]") {
  CHECK_FALSE(find_invalid_utf8("id;nom\n1;Hélène\n").has_value());
  CHECK(find_invalid_utf8("id;nom\n1;H\xE9l\xE8ne\n") == std::optional<std::size_t>(2));
  CHECK(find_invalid_utf8("\xC0\x80") == std::optional<std::size_t>(1));
}

TEST_CASE("csv_line quotes when needed", "[sdk][csv]") {
  CHECK(csv_line({"a", "b,c", "say \"x\"", "l1\nl2"}) == "a,\"b,c\",\"say \"\"x\"\"\",\"l1\nl2\"");
  const CsvTable back = parse_csv("h1,h2,h3,h4\n" + csv_line({"a", "b,c", "say \"x\"", "l1\nl2"}));
  CHECK(back.records[0].fields == std::vector<std::string>{"a", "b,c", "say \"x\"", "l1\nl2"});
}

TEST_CASE("spreadsheet_safe marks texts a spreadsheet would run", "[sdk][csv]") {
  const std::pair<const char*, const char*> cases[] = {
      {"=1+2", "'=1+2"}, {"+33199000001", "'+33199000001"},
      {"-5", "'-5"},     {"@SUM(A1)", "'@SUM(A1)"},
      {"\tx", "'\tx"},   {"R000001", "R000001"},
      {"", ""},          {"a=b", "a=b"}};
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(vigie::spreadsheet_safe(text) == expected);
  }
}
