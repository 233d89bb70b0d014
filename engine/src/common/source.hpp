#pragma once
// Source positions and loaded source files.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vigie::common {

// A position in a source file: 1-based line, 1-based column counted in
// Unicode code points (not bytes), as diagnostics print them.
struct SourcePos {
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  friend bool operator==(const SourcePos&, const SourcePos&) = default;
  friend auto operator<=>(const SourcePos&, const SourcePos&) = default;
};

// A half-open range [begin, end) in one file. `end` may equal `begin` for a
// zero-width position such as "end of file".
struct SourceRange {
  SourcePos begin;
  SourcePos end;

  friend bool operator==(const SourceRange&, const SourceRange&) = default;
};

// The text of one loaded file, kept for caret lines in diagnostics.
struct SourceFile {
  std::string path;  // as the user named it, or relative to the importer
  std::string text;  // raw bytes as read (may hold invalid UTF-8)
};

// Owns every file read during one compile so that diagnostics can quote
// their lines after parsing. Paths are the keys diagnostics carry.
class SourceManager {
 public:
  // Reads `path` from disk; returns nullptr when it cannot be opened.
  const SourceFile* load(const std::string& path);

  // Registers text that did not come from disk (tests, stdin).
  const SourceFile* add(std::string path, std::string text);

  const SourceFile* find(std::string_view path) const;

  // Returns line `line` (1-based) of `path` without its newline, or an
  // empty view when the file or line is unknown.
  std::string_view line_text(std::string_view path, std::uint32_t line) const;

 private:
  std::map<std::string, std::unique_ptr<SourceFile>, std::less<>> files_;
};

}  // namespace vigie::common
