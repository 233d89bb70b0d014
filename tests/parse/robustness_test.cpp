#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "parse_helpers.hpp"

using namespace vigie;
using namespace vigie::parse::test;

namespace {

std::string repeat(const std::string& text, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += text;
  return out;
}

std::string audience(const std::string& expression) {
  return "campaign c {\n  audience " + expression + "\n}\n";
}

// Messages of all diagnostics, one per line.
std::string messages(const Parsed& parsed) {
  std::string out;
  for (const auto& diagnostic : parsed.diagnostics.sorted()) out += diagnostic.message + "\n";
  return out;
}

}  // namespace

TEST_CASE("deep nesting is a diagnostic, not a crash", "[parse][robust]") {
  struct Case {
    const char* name;
    std::string source;
    const char* message_start;
  };
  const Case cases[] = {
      {"10000 parentheses", audience(repeat("(", 10000) + "x" + repeat(")", 10000)),
       "nesting is too deep: more than 200 open brackets"},
      {"10000 list brackets", audience(repeat("[", 10000) + "x" + repeat("]", 10000)),
       "nesting is too deep: more than 200 open brackets"},
      {"10000 call parentheses", audience(repeat("f(", 10000) + "x" + repeat(")", 10000)),
       "nesting is too deep: more than 200 open brackets"},
      {"10000 braces", repeat("{", 10000), "nesting is too deep: more than 200 open brackets"},
      {"10000 nested middles of ?:", audience(repeat("c ? ", 10000) + "1" + repeat(" : 2", 10000)),
       "nesting is too deep: more than 200 open brackets"},
      {"10000 prefix not", audience(repeat("not ", 10000) + "x"),
       "expression nested more than 500 levels deep"},
      {"10000 prefix minus", audience(repeat("- ", 10000) + "x"),
       "expression nested more than 500 levels deep"},
      {"10000 additions", audience("x" + repeat(" + x", 10000)),
       "expression nested more than 500 levels deep"},
      {"10000 chained ?:", audience(repeat("c ? 1 : ", 10000) + "2"),
       "expression nested more than 500 levels deep"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto parsed = parse_text(c.source);
    REQUIRE(parsed->diagnostics.error_count() == 1);
    CHECK_THAT(messages(*parsed), Catch::StartsWith(c.message_start));
  }
}

TEST_CASE("nesting below the limits parses", "[parse][robust]") {
  auto parens = parse_text(audience(repeat("(", 190) + "x" + repeat(")", 190)));
  CHECK(formatted_diagnostics(*parens) == "");
  REQUIRE(parens->file.campaigns.at(0).audience);
  CHECK(sexpr(*parens->file.campaigns.at(0).audience->value) == "x");

  auto sum = parse_text(audience("x" + repeat(" + x", 400)));
  CHECK(formatted_diagnostics(*sum) == "");
}

TEST_CASE("parser reports several errors in one file", "[parse][robust]") {
  auto parsed = parse_text(
      "campaign c {\n"
      "  start within soon\n"
      "  hours { mon 09:00-25:00 }\n"
      "  titel \"x\"\n"
      "  recontact every 2w while active\n"
      "  title \"a\"\n"
      "  title \"b\"\n"
      "}\n");
  CHECK(messages(*parsed) ==
        "expected a duration such as 2h or 30m, found 'soon'\n"
        "invalid time '25:00'; hours go from 00 to 23\n"
        "expected a campaign clause (title, source, script, route...) or '}', found 'titel'; "
        "did you mean 'title'?\n"
        "invalid duration '2w'; the units are d, h, m and s, as in 2h30m\n"
        "duplicate 'title' clause; a campaign has one title; remove this one\n");
  REQUIRE(parsed->file.campaigns.size() == 1);
  REQUIRE(parsed->file.campaigns[0].title);
  CHECK(parsed->file.campaigns[0].title->value.value == "a");
}

TEST_CASE("invalid UTF-8 is reported at its position", "[parse][robust]") {
  struct Case {
    const char* name;
    std::string text;
    const char* position;
    const char* byte;
  };
  const Case cases[] = {
      {"latin-1 byte", "title \"\xE9t\xE9\"", "1:8", "0xE9"},
      {"after a valid accent", "# \xC3\xA9\n  x \xFF", "2:5", "0xFF"},
      {"truncated sequence", "ab\xE2\x82", "1:3", "0xE2"},
      {"overlong slash", "\xC0\xAF", "1:1", "0xC0"},
      {"surrogate", "x\xED\xA0\x80", "1:2", "0xED"},
      {"above U+10FFFF", "\xF4\x90\x80\x80", "1:1", "0xF4"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto parsed = parse_text(c.text);
    auto sorted = parsed->diagnostics.sorted();
    REQUIRE(sorted.size() == 1);
    const auto& begin = sorted[0].range.begin;
    CHECK(std::to_string(begin.line) + ":" + std::to_string(begin.column) == c.position);
    CHECK(sorted[0].message == std::string("invalid UTF-8 (byte ") + c.byte +
                                   "); save the file with the UTF-8 encoding");
  }
}

TEST_CASE("every truncation of the example parses safely", "[parse][robust]") {
  std::ifstream in("tests/parse/canicule.vigie", std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  REQUIRE(text.size() > 1000);

  // A truncated file must give diagnostics (or none when the cut falls
  // between declarations) and never throw; the step keeps the test fast.
  for (std::size_t length = 0; length < text.size(); length += 7) {
    CAPTURE(length);
    CHECK_NOTHROW(parse_text(text.substr(0, length)));
  }
}
