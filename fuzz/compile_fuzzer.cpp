// libFuzzer target: compiles each input as a .vigie file with
// vigie::check::compile_text, so the lexer, the parser, the AST builder and
// every check run on it. User input must only ever produce diagnostics, so a
// crash, a sanitizer report, a leak or a timeout is a bug.
//
// Imports: the input is compiled as <empty temporary folder>/input.vigie, so
// a relative import finds no file and becomes a "cannot read imported file"
// diagnostic (importing "input.vigie" itself closes a cycle). An input is
// skipped when one of its imports could leave that folder: an absolute path,
// a ".." component or a NUL byte. Such an import would read a file of the
// machine, so a finding would depend on the machine.

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "check/compiler.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "parse/parser.hpp"

namespace {

namespace fs = std::filesystem;

std::string& temporary_folder() {
  static std::string folder;
  return folder;
}

void remove_temporary_folder() {
  std::error_code ignored;
  fs::remove(temporary_folder(), ignored);
}

// Creates the empty folder once per process and returns the path the input
// is compiled under. Nothing is ever written into the folder.
const std::string& input_path() {
  static const std::string path = [] {
    std::string pattern = (fs::temp_directory_path() / "vigie-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("vigie_fuzz_compile: cannot create a temporary folder for the input");
      std::abort();
    }
    temporary_folder() = pattern;
    std::atexit(remove_temporary_folder);
    return (fs::path(pattern) / "input.vigie").string();
  }();
  return path;
}

bool may_leave_folder(const std::string& import_path) {
  if (import_path.find('\0') != std::string::npos) return true;

  fs::path path(import_path);
  if (path.is_absolute()) return true;
  for (const fs::path& part : path) {
    if (part == "..") return true;
  }
  return false;
}

// Returns true when some import of `text` could name a file outside the
// temporary folder. Only inputs that contain the keyword are parsed here,
// because the grammar has no other way to write an import.
bool imports_outside_folder(const std::string& text) {
  if (text.find("import") == std::string::npos) return false;

  vigie::common::SourceFile file{input_path(), text};
  vigie::common::Diagnostics ignored;
  vigie::ast::File parsed = vigie::parse::parse_file(file, ignored);
  for (const vigie::ast::Import& import : parsed.imports) {
    if (may_leave_folder(import.path.value)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);

  // Returning -1 tells libFuzzer not to add the input to the corpus.
  // NOTE: clang 14's libFuzzer still counted such an input when it was a seed.
  if (imports_outside_folder(text)) return -1;

  vigie::common::SourceManager sources;
  vigie::common::Diagnostics diagnostics;
  vigie::check::compile_text(input_path(), text, sources, diagnostics);

  // Formatting quotes source lines and draws carets from the ranges, so it
  // runs on every input as well.
  for (const vigie::common::Diagnostic& diagnostic : diagnostics.sorted()) {
    vigie::common::format_diagnostic(diagnostic, sources);
  }
  return 0;
}
