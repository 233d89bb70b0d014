// `vigie fmt` on every real campaign file and documented example: formatting
// twice gives the same text, and the formatted text compiles to the same
// checked campaigns as the original.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "check/compiler.hpp"
#include "ir/dump.hpp"
#include "parse/format.hpp"

namespace {

namespace fs = std::filesystem;

struct Sample {
  std::string path;  // imports resolve relative to it
  std::string text;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every .vigie file under `folder`, in a stable order.
std::vector<Sample> files_under(const fs::path& folder) {
  std::vector<Sample> samples;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".vigie") {
      samples.push_back({entry.path().string(), read_file(entry.path())});
    }
  }
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.path < b.path; });
  return samples;
}

// Every ```vigie block of a Markdown file.
std::vector<Sample> examples_in(const std::string& path) {
  std::ifstream in(path);
  std::vector<Sample> samples;
  std::string line;
  std::size_t number = 0;
  bool inside = false;
  while (std::getline(in, line)) {
    ++number;
    if (!inside && line == "```vigie") {
      inside = true;
      samples.push_back({path + ":" + std::to_string(number) + ".vigie", ""});
    } else if (inside && line == "```") {
      inside = false;
    } else if (inside) {
      samples.back().text += line + "\n";
    }
  }
  return samples;
}

// The IR dump of `text` compiled as `path`, or nullopt when it has errors.
std::optional<std::string> compiled_dump(const Sample& sample) {
  vigie::common::SourceManager sources;
  vigie::common::Diagnostics diagnostics;
  vigie::ir::Module module =
      vigie::check::compile_text(sample.path, sample.text, sources, diagnostics);
  if (diagnostics.has_errors()) return std::nullopt;
  return vigie::ir::dump(module);
}

std::string format_or_empty(const Sample& sample) {
  vigie::common::Diagnostics diagnostics;
  std::optional<std::string> formatted =
      vigie::parse::format_source({sample.path, sample.text}, diagnostics);
  std::string messages;
  for (const vigie::common::Diagnostic& diagnostic : diagnostics.sorted()) {
    messages += diagnostic.message + "\n";
  }
  INFO(messages);
  CHECK(formatted.has_value());
  return formatted.value_or("");
}

// Formats each clean sample twice; returns how many were checked.
std::size_t check_samples(const std::vector<Sample>& samples) {
  std::size_t checked = 0;
  for (const Sample& sample : samples) {
    std::optional<std::string> original = compiled_dump(sample);
    if (!original) continue;  // golden files that show errors
    INFO("file: " << sample.path);

    std::string once = format_or_empty(sample);
    std::string twice = format_or_empty({sample.path, once});
    CHECK(twice == once);

    std::optional<std::string> formatted = compiled_dump({sample.path, once});
    REQUIRE(formatted.has_value());
    CHECK(*formatted == *original);
    ++checked;
  }
  return checked;
}

}  // namespace

TEST_CASE("format keeps meaning of campaigns", "[format]") {
  CHECK(check_samples(files_under("campaigns")) >= 6);
}

TEST_CASE("format keeps meaning of golden files", "[format]") {
  CHECK(check_samples(files_under("tests/golden")) >= 1);
}

TEST_CASE("format keeps meaning of documented examples", "[format]") {
  CHECK(check_samples(examples_in("docs/language.md")) >= 10);
  CHECK(check_samples(examples_in("docs/fr/langage.md")) >= 10);
}

TEST_CASE("IR dump tells different campaigns apart", "[format]") {
  const std::string base =
      "campaign c { source s { id text key phone phone } hours { mon 09:00-10:00 } "
      "retry { attempts 2 within 1d otherwise after 1h } ";
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"let a = 1 + 2 }", "let a = 1 - 2 }"},
      {"let a = 1.5 }", "let a = 1.25 }"},
      {"let a = \"x\" }", "let a = \"y\" }"},
      {"score s { true => 3 } }", "score s { true => 4 } }"},
      {"target useful_rate 65% }", "target useful_rate 66% }"},
      {"title \"a\" }", "title \"b\" }"},
      {"test \"t\" { expect 1 < 2 } }", "test \"t\" { expect 1 <= 2 } }"},
  };
  for (const auto& [first, second] : pairs) {
    INFO(first << " / " << second);
    std::optional<std::string> first_dump = compiled_dump({"a.vigie", base + first});
    std::optional<std::string> second_dump = compiled_dump({"a.vigie", base + second});
    REQUIRE(first_dump.has_value());
    REQUIRE(second_dump.has_value());
    CHECK(*first_dump != *second_dump);
  }
}

TEST_CASE("IR dump ignores layout", "[format]") {
  const std::string spaced =
      "campaign c {\n  source s { id text key  phone phone }\n  hours { mon 09:00-10:00 }\n"
      "  retry { attempts 2 within 1d  otherwise after 1h }\n"
      "  test \"t\" {\n    expect 1 <\n           2\n  }\n}\n";
  const std::string packed =
      "campaign c { source s { id text key phone phone } hours { mon 09:00-10:00 } retry { "
      "attempts 2 within 1d otherwise after 1h } test \"t\" { expect 1<2 } }";
  std::optional<std::string> spaced_dump = compiled_dump({"a.vigie", spaced});
  std::optional<std::string> packed_dump = compiled_dump({"a.vigie", packed});
  REQUIRE(spaced_dump.has_value());
  REQUIRE(packed_dump.has_value());
  CHECK(*spaced_dump == *packed_dump);
}
