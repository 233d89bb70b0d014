// Conversion of register files to UTF-8, delimiter detection and record
// line numbers of the CSV reader.

#include <catch2/catch.hpp>

#include "vigie/csv.hpp"

using namespace vigie;

namespace {

std::string decode_error(std::string_view bytes, std::optional<TextEncoding> encoding,
                         std::size_t& line) {
  try {
    decode_text(bytes, encoding);
  } catch (const EncodingError& error) {
    line = error.line();
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("decode_text converts each encoding", "[sdk][encoding]") {
  struct Case {
    const char* name;
    std::string bytes;
    std::optional<TextEncoding> configured;
    TextEncoding read_as;
    bool had_bom;
    std::optional<std::size_t> first_non_utf8_line;
    std::string text;
  };
  const Case cases[] = {
      {"ASCII", "id;nom\nA1;Martin\n", std::nullopt, TextEncoding::utf8, false, std::nullopt,
       "id;nom\nA1;Martin\n"},
      {"UTF-8 without BOM", "nom\nH\xC3\xA9l\xC3\xA8ne\n", std::nullopt, TextEncoding::utf8, false,
       std::nullopt, "nom\nH\xC3\xA9l\xC3\xA8ne\n"},
      {"UTF-8 with BOM", "\xEF\xBB\xBFnom\nL\xC3\xA9on\n", std::nullopt, TextEncoding::utf8, true,
       std::nullopt, "nom\nL\xC3\xA9on\n"},
      {"UTF-8 given", "\xEF\xBB\xBFnom\n", TextEncoding::utf8, TextEncoding::utf8, true,
       std::nullopt, "nom\n"},
      {"Windows-1252 detected",
       "nom\nH\xE9l\xE8ne\nd\x92"
       "Arc \x80\n",
       std::nullopt, TextEncoding::windows_1252, false, 2,
       "nom\nH\xC3\xA9l\xC3\xA8ne\nd\xE2\x80\x99"
       "Arc \xE2\x82\xAC\n"},
      {"Windows-1252 given",
       "\x9C"
       "uvre\n",
       TextEncoding::windows_1252, TextEncoding::windows_1252, false, std::nullopt,
       "\xC5\x93uvre\n"},
      {"ISO-8859-1 given", "\xC9lodie \x80\n", TextEncoding::iso_8859_1, TextEncoding::iso_8859_1,
       false, std::nullopt, "\xC3\x89lodie \xC2\x80\n"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const DecodedText decoded = decode_text(c.bytes, c.configured);
    CHECK(decoded.encoding == c.read_as);
    CHECK(decoded.detected == !c.configured);
    CHECK(decoded.had_bom == c.had_bom);
    CHECK(decoded.first_non_utf8_line == c.first_non_utf8_line);
    CHECK(decoded.text == c.text);
  }
}

TEST_CASE("decode_text counts ISO-8859-1 control bytes", "[sdk][encoding]") {
  CHECK(decode_text("a\x80\x9F\xA0\n", TextEncoding::iso_8859_1).c1_controls == 2);
  CHECK(decode_text("\xE9t\xE9\n", TextEncoding::iso_8859_1).c1_controls == 0);
}

TEST_CASE("decode_text rejects unreadable bytes by line", "[sdk][encoding]") {
  struct Case {
    const char* name;
    std::string bytes;
    std::optional<TextEncoding> configured;
    std::size_t line;
    std::string message;
  };
  const Case cases[] = {
      {"invalid UTF-8 with encoding utf-8", "id\nA1\nH\xE9l\xE8ne\n", TextEncoding::utf8, 3,
       "line 3 is not valid UTF-8, but the config sets encoding: utf-8; export the file as CSV "
       "UTF-8, or set encoding: auto, windows-1252 or iso-8859-1"},
      {"UTF-8 BOM then invalid bytes", "\xEF\xBB\xBFid\nH\xE9l\xE8ne\n", std::nullopt, 2,
       "line 2 is not valid UTF-8, but it starts with a UTF-8 byte order mark; export the file as "
       "CSV UTF-8, or set encoding: auto, windows-1252 or iso-8859-1"},
      {"neither UTF-8 nor Windows-1252", "id\n\xE9\n\x81\n", std::nullopt, 3,
       "the file is neither UTF-8 (line 2) nor Windows-1252 (byte 0x81 on line 3 is undefined "
       "there); export it as CSV UTF-8, or set encoding: iso-8859-1 if the file really is "
       "ISO-8859-1"},
      {"undefined Windows-1252 byte", "id\n\x9D\n", TextEncoding::windows_1252, 2,
       "byte 0x9D on line 2 is undefined in Windows-1252; set encoding: iso-8859-1 or export the "
       "file as CSV UTF-8"},
      {"UTF-16 little endian", std::string("\xFF\xFEi\0d\0", 6), std::nullopt, 1,
       "the file is UTF-16 (it starts with a UTF-16 byte order mark); export it as CSV UTF-8, or "
       "convert it with iconv -f UTF-16 -t UTF-8"},
      {"NUL byte",
       std::string("id\nA\0"
                   "1\n",
                   6),
       TextEncoding::iso_8859_1, 2,
       "the file contains a NUL byte on line 2, which no register encoding has; it is probably "
       "UTF-16: export it as CSV UTF-8"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::size_t line = 0;
    CHECK(decode_error(c.bytes, c.configured, line) == c.message);
    CHECK(line == c.line);
  }
}

TEST_CASE("parse_encoding_name reads config spellings", "[sdk][encoding]") {
  struct Case {
    const char* name;
    std::optional<TextEncoding> expected;
  };
  const Case cases[] = {
      {"utf-8", TextEncoding::utf8},
      {"UTF8", TextEncoding::utf8},
      {"windows-1252", TextEncoding::windows_1252},
      {"CP1252", TextEncoding::windows_1252},
      {"iso-8859-1", TextEncoding::iso_8859_1},
      {"Latin1", TextEncoding::iso_8859_1},
      {"latin-1", TextEncoding::iso_8859_1},
      {"auto", std::nullopt},
      {"utf-16", std::nullopt},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(parse_encoding_name(c.name) == c.expected);
  }
}

TEST_CASE("detect_delimiter finds tabs", "[sdk][csv]") {
  CHECK(detect_delimiter("id\tphone\tname\n") == '\t');
  CHECK(detect_delimiter("id;phone\tname;birth\n") == ';');
  CHECK(delimiter_name('\t') == "tab");
  CHECK(delimiter_name(';') == ";");
}

TEST_CASE("parse_csv numbers records by starting line", "[sdk][csv]") {
  struct Case {
    const char* name;
    std::string text;
    std::vector<std::size_t> lines;
    std::vector<std::vector<std::string>> fields;
    std::optional<std::size_t> first_multiline;
  };
  const Case cases[] = {
      {"delimiter inside quotes", "a;b\n\"x;y\";z\n", {2}, {{"x;y", "z"}}, std::nullopt},
      {"doubled quotes", "a;b\n\"say \"\"oui\"\"\";z\n", {2}, {{"say \"oui\"", "z"}}, std::nullopt},
      {"empty quoted field", "a;b\n\"\";z\n", {2}, {{"", "z"}}, std::nullopt},
      {"LF inside quotes",
       "a;b\n\"1 rue\nBat. B\";z\nq;r\n",
       {2, 4},
       {{"1 rue\nBat. B", "z"}, {"q", "r"}},
       2},
      {"CRLF inside quotes",
       "a;b\r\nq;r\r\n\"x\r\ny\r\nz\";w\r\ns;t\r\n",
       {2, 3, 6},
       {{"q", "r"}, {"x\r\ny\r\nz", "w"}, {"s", "t"}},
       3},
      {"blank lines keep numbering",
       "a;b\n\nq;r\n\n\ns;t",
       {3, 6},
       {{"q", "r"}, {"s", "t"}},
       std::nullopt},
      {"quoted delimiter and newline together",
       "a,b\n\"Martin, n\xC3\xA9"
       "e\nDupont\",z\n",
       {2},
       {{"Martin, n\xC3\xA9"
         "e\nDupont",
         "z"}},
       2},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const CsvTable table = parse_csv(c.text);
    REQUIRE(table.records.size() == c.lines.size());
    for (std::size_t i = 0; i < c.lines.size(); ++i) {
      CHECK(table.records[i].line == c.lines[i]);
      CHECK(table.records[i].fields == c.fields[i]);
    }
    CHECK(table.first_multiline_record == c.first_multiline);
  }
}

TEST_CASE("parse_csv reports malformed quotes by line", "[sdk][csv]") {
  struct Case {
    const char* name;
    std::string text;
    std::size_t line;
    std::string message;
  };
  const Case cases[] = {
      {"text after a closing quote", "a;b\nq;r\n\"x\"y;z\n", 3,
       "unexpected text after a closing quote on line 3; a quote inside a quoted field must be "
       "doubled (\"\")"},
      {"unterminated quote", "a;b\nq;\"r\ns;t\n", 2,
       "unterminated quoted field starting on line 2; close the quote or double the quotes "
       "inside it"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    try {
      parse_csv(c.text);
      FAIL("no CsvError");
    } catch (const CsvError& error) {
      CHECK(error.line() == c.line);
      CHECK(std::string(error.what()) == c.message);
    }
  }
}
