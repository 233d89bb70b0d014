// The canonical layout of `vigie fmt`: each case is a small input and the
// exact text the formatter must return for it.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "parse/format.hpp"

namespace {

struct LayoutCase {
  const char* name;
  std::string input;
  std::string expected;
};

std::string format_or_fail(const std::string& text) {
  vigie::common::Diagnostics diagnostics;
  std::optional<std::string> formatted =
      vigie::parse::format_source({"case.vigie", text}, diagnostics);
  std::string messages;
  for (const vigie::common::Diagnostic& diagnostic : diagnostics.sorted()) {
    messages += diagnostic.message + "\n";
  }
  INFO(messages);
  REQUIRE(formatted.has_value());
  return *formatted;
}

// Declarations outside campaigns.
const std::vector<LayoutCase> kDeclarationCases = {
    {"imports with blank lines collapsed",
     "\n\nimport \"a.vigie\"\n\n\n\nimport   \"b.vigie\"\nimport \"c.vigie\"\n\n\n",
     "import \"a.vigie\"\n\nimport \"b.vigie\"\nimport \"c.vigie\"\n"},
    {"one-line hours block expanded and aligned",
     "hours h { mon-fri 09:00-12:30, 14:00-19:00 sat 10:00 - 12:00 holiday closed "
     "2019-12-24 09:00-16:00 }",
     "hours h {\n"
     "  mon-fri    09:00-12:30, 14:00-19:00\n"
     "  sat        10:00-12:00\n"
     "  holiday    closed\n"
     "  2019-12-24 09:00-16:00\n"
     "}\n"},
    {"hours line break after comma kept",
     "hours h {\n  mon - fri 09:00-12:30,\n 14:00-19:00\n  sun closed\n}\n",
     "hours h {\n"
     "  mon-fri 09:00-12:30,\n"
     "          14:00-19:00\n"
     "  sun     closed\n"
     "}\n"},
    {"hours alignment restarts after a blank line",
     "hours h {\n  mon-fri 09:00-12:00\n  sat 10:00-12:00\n\n  2019-12-24 closed\n  sun closed\n}",
     "hours h {\n"
     "  mon-fri 09:00-12:00\n"
     "  sat     10:00-12:00\n"
     "\n"
     "  2019-12-24 closed\n"
     "  sun        closed\n"
     "}\n"},
    {"retry clauses one per line",
     "retry r { attempts 4 within 48h on busy after 30m on refused stop otherwise after 2h }",
     "retry r {\n"
     "  attempts 4 within 48h\n"
     "  on busy after 30m\n"
     "  on refused stop\n"
     "  otherwise after 2h\n"
     "}\n"},
    {"retry otherwise stop", "retry r{attempts 1 within 1d otherwise stop}",
     "retry r {\n  attempts 1 within 1d\n  otherwise stop\n}\n"},
    {"calendar clauses",
     "calendar c { base fr_metropole add 2024-07-26 \"Jeux\" remove 2024-05-20 add 2024-08-14 "
     "remove 2024-11-11 \"armistice\" }",
     "calendar c {\n"
     "  base fr_metropole\n"
     "  add 2024-07-26 \"Jeux\"\n"
     "  remove 2024-05-20\n"
     "  add 2024-08-14\n"
     "  remove 2024-11-11 \"armistice\"\n"
     "}\n"},
    {"empty blocks", "calendar c {  }\nhours h {\n}\n", "calendar c {}\nhours h {}\n"},
    {"empty file", "\n\n  \n", ""},
    {"tabs, CRLF and byte order mark", "\xEF\xBB\xBFhours h {\r\n\tmon 09:00-10:00\r\n}\r\n",
     "hours h {\n  mon 09:00-10:00\n}\n"},
};

// Campaign clauses and everything inside them.
const std::vector<LayoutCase> kCampaignCases = {
    {"settings clauses",
     "campaign c { title \"T\" timezone \"Europe/Paris\" timezone from tz calendar cal "
     "trigger alert \"canicule\" level >= -3 start within 4h recontact every 48h while active "
     "hours paris retry std pricing p target useful_rate 65% }",
     "campaign c {\n"
     "  title \"T\"\n"
     "  timezone \"Europe/Paris\"\n"
     "  timezone from tz\n"
     "  calendar cal\n"
     "  trigger alert \"canicule\" level >= -3\n"
     "  start within 4h\n"
     "  recontact every 48h while active\n"
     "  hours paris\n"
     "  retry std\n"
     "  pricing p\n"
     "  target useful_rate 65%\n"
     "}\n"},
    {"source fields aligned with flags",
     "campaign c { source reflex { id text key  phone phone  lives_alone bool optional } }",
     "campaign c {\n"
     "  source reflex {\n"
     "    id          text key\n"
     "    phone       phone\n"
     "    lives_alone bool optional\n"
     "  }\n"
     "}\n"},
    {"inline hours and retry blocks",
     "campaign c { hours { mon-fri 09:00-19:00  sat-sun 10:00-19:00 } retry { attempts 3 "
     "within 24h otherwise after 1h } }",
     "campaign c {\n"
     "  hours {\n"
     "    mon-fri 09:00-19:00\n"
     "    sat-sun 10:00-19:00\n"
     "  }\n"
     "  retry {\n"
     "    attempts 3 within 24h\n"
     "    otherwise after 1h\n"
     "  }\n"
     "}\n"},
    {"dispositions not aligned",
     "campaign c { dispositions { away \"Absent\" final neighbour \"Voisin\" moved final gone } }",
     "campaign c {\n"
     "  dispositions {\n"
     "    away \"Absent\" final\n"
     "    neighbour \"Voisin\"\n"
     "    moved final\n"
     "    gone\n"
     "  }\n"
     "}\n"},
    {"script steps, options and flags",
     "campaign c { script { say intro \"Bonjour\" ask alone \"Seul ?\" yes_no optional "
     "ask visits \"Visites ?\" choice { daily \"Tous les jours\" rarely \"Rarement\" } if alone "
     "== yes optional ask s \"S ?\" multi { a \"A\" } ask t \"T\" number -10 .. 45.5 optional "
     "if attempts>1 ask n \"N\" number 0..6 } }",
     "campaign c {\n"
     "  script {\n"
     "    say intro \"Bonjour\"\n"
     "    ask alone \"Seul ?\" yes_no optional\n"
     "    ask visits \"Visites ?\" choice {\n"
     "      daily  \"Tous les jours\"\n"
     "      rarely \"Rarement\"\n"
     "    } if alone == yes optional\n"
     "    ask s \"S ?\" multi {\n"
     "      a \"A\"\n"
     "    }\n"
     "    ask t \"T\" number -10..45.5 optional if attempts > 1\n"
     "    ask n \"N\" number 0..6\n"
     "  }\n"
     "}\n"},
    {"expression spacing",
     "campaign c { let a = - - 3+-x*2/y%4 let b = not(x==1)and not y or z!=[1,2] "
     "let c = f( a , b )<=g() ? 2h : -5 let d = x in[a,b]and s has o let e = (1 + 2.5) >= "
     "2019-06-24 let f = true==false }",
     "campaign c {\n"
     "  let a = - -3 + -x * 2 / y % 4\n"
     "  let b = not (x == 1) and not y or z != [1, 2]\n"
     "  let c = f(a, b) <= g() ? 2h : -5\n"
     "  let d = x in [a, b] and s has o\n"
     "  let e = (1 + 2.5) >= 2019-06-24\n"
     "  let f = true == false\n"
     "}\n"},
    {"expression line breaks kept next to operators only",
     "campaign c {\n  audience a or\n b\n  priority a\n + b\n  let x = f(\na)\n"
     "  let y = [1,\n 2] or c\n  let z = (a\n or b)\n}\n",
     "campaign c {\n"
     "  audience a or\n"
     "           b\n"
     "  priority a\n"
     "           + b\n"
     "  let x = f(a)\n"
     "  let y = [1,\n"
     "           2] or c\n"
     "  let z = (a\n"
     "           or b)\n"
     "}\n"},
    {"score rules aligned in runs",
     "campaign c { score risk { alone == yes => 3 visits == rarely => 2\n\n frail => 1 "
     "(a or b) => 2.5 } }",
     "campaign c {\n"
     "  score risk {\n"
     "    alone == yes     => 3\n"
     "    visits == rarely => 2\n"
     "\n"
     "    frail    => 1\n"
     "    (a or b) => 2.5\n"
     "  }\n"
     "}\n"},
    {"score rule on two lines not aligned",
     "campaign c { score s { a => 1\n b or\n c => 2\n dd => 3 } }",
     "campaign c {\n"
     "  score s {\n"
     "    a => 1\n"
     "    b or\n"
     "        c => 2\n"
     "    dd => 3\n"
     "  }\n"
     "}\n"},
    {"routes and useful",
     "campaign c { route urgence \"Urgence\" { when risk >= 8 notify cellule within 1h } "
     "route r { notify n within 2d when true } useful when outcome == completed }",
     "campaign c {\n"
     "  route urgence \"Urgence\" {\n"
     "    when risk >= 8\n"
     "    notify cellule within 1h\n"
     "  }\n"
     "  route r {\n"
     "    notify n within 2d\n"
     "    when true\n"
     "  }\n"
     "  useful when outcome == completed\n"
     "}\n"},
    {"test givens broken after commas",
     "campaign c { test \"t\" { given a = yes, b = [x,y],\n c = 2019-06-24 given attempts=2 "
     "expect risk == 10 expect routes == [] } }",
     "campaign c {\n"
     "  test \"t\" {\n"
     "    given a = yes, b = [x, y],\n"
     "          c = 2019-06-24\n"
     "    given attempts = 2\n"
     "    expect risk == 10\n"
     "    expect routes == []\n"
     "  }\n"
     "}\n"},
};

// Where comments go.
const std::vector<LayoutCase> kCommentCases = {
    {"comment-only file", "  # one\n\n\n#two   \n", "# one\n\n#two\n"},
    {"own-line comments indented like the next item",
     "# file\nhours h {\n      # first\n  mon 09:00-10:00\n\n# before brace\n}\n# end\n",
     "# file\n"
     "hours h {\n"
     "  # first\n"
     "  mon 09:00-10:00\n"
     "\n"
     "  # before brace\n"
     "}\n"
     "# end\n"},
    {"end-of-line comments aligned in a group",
     "retry r {\n  attempts 4 within 48h # cap\n  on busy after 30m\n  on partial after 1h   "
     "# partial\n\n  otherwise after 2h # rest\n}\n",
     "retry r {\n"
     "  attempts 4 within 48h  # cap\n"
     "  on busy after 30m\n"
     "  on partial after 1h    # partial\n"
     "\n"
     "  otherwise after 2h  # rest\n"
     "}\n"},
    {"comments on braces and in an empty block",
     "campaign c { # opens\n  dispositions { # none\n  } # closed\n}\n",
     "campaign c {  # opens\n"
     "  dispositions {  # none\n"
     "  }               # closed\n"
     "}\n"},
    {"comment inside a clause breaks the line",
     "campaign c {\n  let x = a or # first\n b\n  let y = a or\n # own\n b\n"
     "  script { ask q \"Q\" # text\n yes_no }\n}\n",
     "campaign c {\n"
     "  let x = a or  # first\n"
     "          b\n"
     "  let y = a or\n"
     "          # own\n"
     "          b\n"
     "  script {\n"
     "    ask q \"Q\"  # text\n"
     "        yes_no\n"
     "  }\n"
     "}\n"},
    {"comment after an option block",
     "campaign c { script { ask c \"C\" choice { a \"A\" # first\n bbb \"B\" } if n > 3 # why\n"
     "} }",
     "campaign c {\n"
     "  script {\n"
     "    ask c \"C\" choice {\n"
     "      a   \"A\"  # first\n"
     "      bbb \"B\"\n"
     "    } if n > 3  # why\n"
     "  }\n"
     "}\n"},
    {"comment after an aligned name",
     "campaign c { source s {\n id text key\n phone # the number\n phone\n lives_alone bool } }",
     "campaign c {\n"
     "  source s {\n"
     "    id          text key\n"
     "    phone  # the number\n"
     "        phone\n"
     "    lives_alone bool\n"
     "  }\n"
     "}\n"},
    {"comment inside a score condition stops the alignment",
     "campaign c { score s { a # why\n or b => 1  cc => 2  d => 3 } }",
     "campaign c {\n"
     "  score s {\n"
     "    a  # why\n"
     "        or b => 1\n"
     "    cc => 2\n"
     "    d  => 3\n"
     "  }\n"
     "}\n"},
};

void check_cases(const std::vector<LayoutCase>& cases) {
  for (const LayoutCase& layout : cases) {
    INFO("case: " << layout.name << "\ninput:\n" << layout.input);
    std::string formatted = format_or_fail(layout.input);
    CHECK(formatted == layout.expected);
    CHECK(format_or_fail(formatted) == formatted);
  }
}

}  // namespace

TEST_CASE("format lays out top-level declarations", "[format]") {
  check_cases(kDeclarationCases);
}

TEST_CASE("format lays out campaign clauses", "[format]") {
  check_cases(kCampaignCases);
}

TEST_CASE("format keeps every comment in place", "[format]") {
  check_cases(kCommentCases);
}

TEST_CASE("format rejects files with parse errors", "[format]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"campaign c { title }", "missing a text"},
      {"campaign c { title \"x }", "unterminated text"},
      {"campaign c { start within 5y }", "5y"},
      {"campaign c { title \"a\" title \"b\" }", "title"},
      {"hours h { mon 09:00-10:00 }\n\xff", "invalid UTF-8"},
  };
  for (const auto& [input, message] : cases) {
    INFO(input);
    vigie::common::Diagnostics diagnostics;
    std::optional<std::string> formatted =
        vigie::parse::format_source({"bad.vigie", input}, diagnostics);
    CHECK_FALSE(formatted.has_value());
    REQUIRE(diagnostics.has_errors());
    CHECK(diagnostics.sorted().front().message.find(message) != std::string::npos);
  }
}
