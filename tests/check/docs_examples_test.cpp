// Every ```vigie example in the READMEs and the language reference compiles
// without a diagnostic, so the docs cannot drift from the language.

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "check/compiler.hpp"

namespace {

struct Example {
  std::size_t line = 0;  // line of the opening fence
  std::string text;
};

std::vector<Example> vigie_examples(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::vector<Example> examples;
  std::string line;
  std::size_t number = 0;
  bool inside = false;
  while (std::getline(in, line)) {
    ++number;
    if (!inside && line == "```vigie") {
      inside = true;
      examples.push_back({number, ""});
    } else if (inside && line == "```") {
      inside = false;
    } else if (inside) {
      examples.back().text += line + "\n";
    }
  }
  CHECK_FALSE(inside);
  return examples;
}

}  // namespace

TEST_CASE("documented examples compile clean", "[check][docs]") {
  const std::vector<std::pair<std::string, std::size_t>> documents = {
      {"docs/language.md", 10}, {"docs/fr/langage.md", 10}, {"README.md", 1}, {"README.fr.md", 1}};
  for (const auto& [path, at_least] : documents) {
    std::vector<Example> examples = vigie_examples(path);
    INFO(path);
    CHECK(examples.size() >= at_least);
    for (const Example& example : examples) {
      vigie::common::SourceManager sources;
      vigie::common::Diagnostics diagnostics;
      std::string name = path + ":" + std::to_string(example.line) + ".vigie";
      vigie::check::compile_text(name, example.text, sources, diagnostics);

      std::string printed;
      for (const auto& d : diagnostics.sorted())
        printed += vigie::common::format_diagnostic(d, sources);
      INFO("example at " << path << ':' << example.line << '\n' << printed);
      CHECK_FALSE(diagnostics.has_errors());
    }
  }
}
