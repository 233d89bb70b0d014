#include <catch2/catch.hpp>

#include <sstream>

#include "common/diagnostic.hpp"

using namespace vigie::common;

TEST_CASE("format_diagnostic prints position, message and caret", "[diagnostic]") {
  SourceManager sources;
  sources.add("c.vigie", "score risk {\n    visits == sometimes => 2\n}\n");
  Diagnostic d{Severity::error,
               "c.vigie",
               {{2, 15}, {2, 24}},
               "question 'visits' has no option 'sometimes'"};

  CHECK(format_diagnostic(d, sources) ==
        "c.vigie:2:15: error: question 'visits' has no option 'sometimes'\n"
        "        visits == sometimes => 2\n"
        "                  ^~~~~~~~~\n");
}

TEST_CASE("format_diagnostic counts columns in code points", "[diagnostic]") {
  SourceManager sources;
  sources.add("u.vigie", "title \"Été\" oops\n");
  Diagnostic d{Severity::error, "u.vigie", {{1, 13}, {1, 17}}, "unexpected 'oops'"};

  CHECK(format_diagnostic(d, sources) ==
        "u.vigie:1:13: error: unexpected 'oops'\n"
        "    title \"Été\" oops\n"
        "                ^~~~\n");
}

TEST_CASE("Diagnostics sorts by file and position and caps the list", "[diagnostic]") {
  Diagnostics diagnostics;
  diagnostics.error("b.vigie", {{1, 1}, {1, 2}}, "third");
  diagnostics.error("a.vigie", {{3, 1}, {3, 2}}, "second");
  diagnostics.error("a.vigie", {{1, 5}, {1, 6}}, "first");
  auto sorted = diagnostics.sorted();

  REQUIRE(sorted.size() == 3);
  CHECK(sorted[0].message == "first");
  CHECK(sorted[1].message == "second");
  CHECK(sorted[2].message == "third");

  for (int i = 0; i < 150; ++i)
    diagnostics.error("c.vigie", {{static_cast<std::uint32_t>(i + 1), 1}, {}}, "x");
  CHECK(diagnostics.sorted().size() == Diagnostics::kMaxReported);
  CHECK(diagnostics.error_count() == 153);
}

TEST_CASE("print_diagnostics ends with the error count", "[diagnostic]") {
  SourceManager sources;
  Diagnostics diagnostics;
  diagnostics.error("missing.vigie", {{1, 1}, {1, 1}}, "cannot read file");
  std::ostringstream out;
  print_diagnostics(out, diagnostics, sources);
  CHECK(out.str() == "missing.vigie:1:1: error: cannot read file\n1 error\n");
}

TEST_CASE("nearest_name suggests close names only", "[diagnostic]") {
  std::vector<std::string> names{"visits", "alone", "health", "symptoms"};
  CHECK(nearest_name("visit", names) == "visits");
  CHECK(nearest_name("helth", names) == "health");
  CHECK(nearest_name("vistis", names) == "visits");  // a transposition is one edit
  CHECK(nearest_name("zzz", names).empty());
  CHECK(nearest_name("alone", names).empty());
  CHECK(with_suggestion("unknown name 'alnoe'", "alnoe", names) ==
        "unknown name 'alnoe'; did you mean 'alone'?");
}

TEST_CASE("format_diagnostic shortens very long lines", "[diagnostic]") {
  SourceManager sources;
  std::string line = std::string(1000, 'a') + " oops " + std::string(1000, 'b');
  sources.add("long.vigie", line + "\n");
  Diagnostic d{Severity::error, "long.vigie", {{1, 1002}, {1, 1006}}, "unexpected 'oops'"};

  std::string text = format_diagnostic(d, sources);
  std::string excerpt = "..." + std::string(59, 'a') + " oops " + std::string(95, 'b') + "...";
  CHECK(text ==
        "long.vigie:1:1002: error: unexpected 'oops'\n"
        "    " +
            excerpt +
            "\n"
            "    " +
            std::string(63, ' ') + "^~~~\n");
}

TEST_CASE("Diagnostics counts errors beyond what it stores", "[diagnostic]") {
  Diagnostics diagnostics;
  for (std::size_t i = 0; i < 3 * Diagnostics::kMaxStored; ++i) {
    diagnostics.error("x.vigie", {{1, static_cast<std::uint32_t>(i + 1)}, {}}, "bad");
  }
  CHECK(diagnostics.error_count() == 3 * Diagnostics::kMaxStored);
  CHECK(diagnostics.sorted().size() == Diagnostics::kMaxReported);
}
