#pragma once
// Diagnostics: user mistakes reported as values with positions, collected,
// sorted and capped, and printed with a caret line.

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "common/source.hpp"

namespace vigie::common {

enum class Severity { error, warning, note };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string file;
  SourceRange range;
  std::string message;
};

// Collects diagnostics from every stage of a compile. At most
// `kMaxReported` are kept for printing; `error_count()` still counts all.
class Diagnostics {
 public:
  static constexpr std::size_t kMaxReported = 100;
  // Diagnostics kept in memory; later ones are only counted.
  static constexpr std::size_t kMaxStored = 10 * kMaxReported;

  void error(const std::string& file, SourceRange range, std::string message);
  void warning(const std::string& file, SourceRange range, std::string message);
  void add(Diagnostic diagnostic);

  bool has_errors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  bool empty() const { return items_.empty(); }

  // Returns the diagnostics sorted by file, line and column (stable for
  // equal positions), at most kMaxReported of them.
  std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t error_count_ = 0;
};

// Formats one diagnostic as
//   file:line:col: error: message
//       <source line>
//       ^~~~
// The caret spans the range on its first line (at least one character).
std::string format_diagnostic(const Diagnostic& diagnostic, const SourceManager& sources);

// Prints all sorted diagnostics, then a count line when there are errors.
void print_diagnostics(std::ostream& out, const Diagnostics& diagnostics,
                       const SourceManager& sources);

// Returns the candidate nearest to `name` by edit distance when it is close
// enough to be a plausible typo (distance at most a third of the length,
// and at least 1), else an empty string.
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// Appends "; did you mean 'x'?" to `message` when a near name exists.
std::string with_suggestion(std::string message, std::string_view name,
                            const std::vector<std::string>& candidates);

}  // namespace vigie::common
