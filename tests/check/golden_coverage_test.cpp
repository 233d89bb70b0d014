// Measures the diagnostic golden suite itself: how many distinct kinds of
// error the tests/golden/**/*.expected files show, whether each category of
// mistake a campaign designer can make has at least one, and whether every
// golden input has its expected output. golden_test.cpp (here and in
// tests/parse) checks that the outputs are still produced.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Relative to the repository root, the tests' working directory.
const fs::path kGoldenRoot = "tests/golden";

struct GoldenDiagnostic {
  std::string expected_file;
  std::string message;  // without the "path:line:column: error: " prefix
};

// Reads the diagnostic lines of every .expected file under kGoldenRoot. The
// quoted source lines and carets that follow each one are indented, so they
// never match.
std::vector<GoldenDiagnostic> golden_diagnostics() {
  static const std::regex kDiagnosticLine(R"(^\S+\.vigie:\d+:\d+: (error|warning|note): (.+)$)");
  std::vector<GoldenDiagnostic> diagnostics;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(kGoldenRoot)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".expected") continue;

    std::ifstream in(entry.path(), std::ios::binary);
    std::string line;
    std::smatch match;
    while (std::getline(in, line)) {
      if (std::regex_match(line, match, kDiagnosticLine)) {
        diagnostics.push_back({entry.path().string(), match[2].str()});
      }
    }
  }
  return diagnostics;
}

// The kind of a diagnostic message: the message with the values that vary
// from one occurrence to the next replaced by placeholders. A trailing
// suggestion is dropped, quoted names become '_', code in backquotes
// becomes `_`, file paths become FILE and numbers become N.
std::string diagnostic_kind(const std::string& message) {
  static const std::regex kSuggestion(R"(; did you mean '[^']*'\?$)");
  static const std::regex kQuoted("'[^']*'");
  static const std::regex kCode("`[^`]*`");
  static const std::regex kPath(R"([^\s'`]+\.vigie)");
  static const std::regex kNumber("[0-9]+");

  std::string kind = std::regex_replace(message, kSuggestion, "");
  kind = std::regex_replace(kind, kQuoted, "'_'");
  kind = std::regex_replace(kind, kCode, "`_`");
  kind = std::regex_replace(kind, kPath, "FILE");
  kind = std::regex_replace(kind, kNumber, "N");
  return kind;
}

// The folders whose .vigie files the golden runners compile one by one:
// tests/golden/check and tests/golden/parse.
std::vector<fs::path> golden_suites() {
  std::vector<fs::path> suites;
  for (const fs::directory_entry& entry : fs::directory_iterator(kGoldenRoot)) {
    if (entry.is_directory()) suites.push_back(entry.path());
  }
  std::sort(suites.begin(), suites.end());
  return suites;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct KindCase {
  const char* message;
  const char* kind;
};

const std::vector<KindCase> kKindCases = {
    {"unknown name 'visit'; did you mean 'visits'?", "unknown name '_'"},
    {"expected a duration such as 2h or 30m, found '4'",
     "expected a duration such as Nh or Nm, found '_'"},
    {"route 'r' has no `when` line; add one, as in `when risk >= 8`",
     "route '_' has no `_` line; add one, as in `_`"},
    {"hours 'h' is already declared at tests/golden/check/imports/common.vigie:3:7; rename one",
     "hours '_' is already declared at FILE:N:N; rename one"},
    {"import cycle: a.vigie -> b.vigie -> a.vigie; remove one of these imports",
     "import cycle: FILE -> FILE -> FILE; remove one of these imports"},
};

// A category of mistake the suite must show, recognised by its message.
struct Category {
  const char* name;
  const char* message_pattern;  // ECMAScript regex searched in the message
};

const std::vector<Category> kCategories = {
    {"syntax", "^(expected .+, found |missing .+ (before|after) '|unexpected )"},
    {"unknown names", "^unknown (name|field|function|calendar|hours|retry policy|disposition) '"},
    {"suggested names", "; did you mean '[^']+'\\?$"},
    {"duplicate names", "is already declared at "},
    {"types", "but this (expression )?is |needs .+ operands|cannot compare"},
    {"question options", "has no option '|option '[^']+' is (already listed|listed twice)"},
    {"ranges", "outside the range|range of question|must be between "},
    {"literals", "^invalid (date|time|duration) '"},
    {"hours overlaps", "overlaps .+ on the same day"},
    {"retry gaps", "^retry '[^']+' says nothing about '"},
    {"import errors", "cannot read imported file|^imported path |import path is empty"},
    {"rule cycles", "^cycle among rules: "},
    {"import cycles", "^import cycle: "},
    {"invalid UTF-8", "^invalid UTF-8 "},
};

}  // namespace

TEST_CASE("diagnostic kind normalisation", "[check][golden]") {
  for (const KindCase& test : kKindCases) {
    CAPTURE(test.message);
    CHECK(diagnostic_kind(test.message) == test.kind);
  }
}

TEST_CASE("golden suite has 60 diagnostic kinds", "[check][golden]") {
  std::map<std::string, std::string> first_file_of_kind;
  for (const GoldenDiagnostic& diagnostic : golden_diagnostics()) {
    first_file_of_kind.emplace(diagnostic_kind(diagnostic.message), diagnostic.expected_file);
  }

  INFO(first_file_of_kind.size() << " distinct kinds");
  CHECK(first_file_of_kind.size() >= 60);
}

TEST_CASE("golden suite covers each error category", "[check][golden]") {
  std::vector<GoldenDiagnostic> diagnostics = golden_diagnostics();
  REQUIRE_FALSE(diagnostics.empty());

  for (const Category& category : kCategories) {
    std::regex pattern(category.message_pattern);
    bool covered = std::any_of(diagnostics.begin(), diagnostics.end(),
                               [&](const GoldenDiagnostic& diagnostic) {
                                 return std::regex_search(diagnostic.message, pattern);
                               });
    CAPTURE(category.name, category.message_pattern);
    CHECK(covered);
  }
}

TEST_CASE("every golden input has its expected output", "[check][golden]") {
  std::vector<fs::path> suites = golden_suites();
  REQUIRE(suites.size() >= 2);

  for (const fs::path& suite : suites) {
    for (const fs::directory_entry& entry : fs::directory_iterator(suite)) {
      fs::path partner = entry.path();
      if (partner.extension() == ".vigie") {
        partner.replace_extension(".expected");
      } else if (partner.extension() == ".expected") {
        partner.replace_extension(".vigie");
      } else {
        continue;
      }
      CAPTURE(entry.path().string());
      CHECK(fs::exists(partner));
    }
  }
}

TEST_CASE("golden helper files are imported", "[check][golden]") {
  // Files in a suite's sub-folders are not compiled on their own, so each
  // must be the target of an import, or it tests nothing.
  static const std::regex kImport(R"re(import\s+"([^"]*)")re");
  std::set<std::string> imported_names;
  std::vector<fs::path> helpers;
  for (const fs::path& suite : golden_suites()) {
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(suite)) {
      if (entry.path().extension() != ".vigie") continue;
      if (entry.path().parent_path() != suite) helpers.push_back(entry.path());

      std::string text = read_file(entry.path());
      for (std::sregex_iterator it(text.begin(), text.end(), kImport), end; it != end; ++it) {
        imported_names.insert(fs::path((*it)[1].str()).filename().string());
      }
    }
  }

  for (const fs::path& helper : helpers) {
    CAPTURE(helper.string());
    CHECK(imported_names.count(helper.filename().string()) == 1);
  }
}
