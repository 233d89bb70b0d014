#include "common/diagnostic.hpp"

#include <algorithm>
#include <ostream>
#include <sstream>

namespace vigie::common {
namespace {

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
  }
  return "error";
}

// Byte offset of code point `column` (1-based) in a UTF-8 line; invalid
// bytes count as one code point each so that carets stay aligned.
std::size_t byte_offset(std::string_view line, std::uint32_t column) {
  std::size_t offset = 0;
  for (std::uint32_t c = 1; c < column && offset < line.size(); ++c) {
    ++offset;
    while (offset < line.size() && (static_cast<unsigned char>(line[offset]) & 0xC0) == 0x80) {
      ++offset;
    }
  }
  return offset;
}

// The caret line repeats tabs from the source so that it lines up in a
// terminal whatever the tab width.
std::string caret_line(std::string_view line, const SourceRange& range) {
  std::string caret;
  std::size_t prefix_end = byte_offset(line, range.begin.column);
  std::uint32_t column = 1;
  for (std::size_t i = 0; i < prefix_end; ++column) {
    caret += line[i] == '\t' ? '\t' : ' ';
    ++i;
    while (i < prefix_end && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) ++i;
  }

  std::uint32_t width = 1;
  if (range.end.line == range.begin.line && range.end.column > range.begin.column) {
    width = range.end.column - range.begin.column;
  } else if (range.end.line > range.begin.line) {
    // A range over several lines is underlined to the end of its first line.
    std::uint32_t line_length = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++line_length;
    }
    if (line_length + 1 > range.begin.column) width = line_length + 1 - range.begin.column;
  }

  caret += '^';
  caret.append(width - 1, '~');
  return caret;
}

constexpr std::uint32_t kExcerptBefore = 60;
constexpr std::uint32_t kExcerptWidth = 160;

// Shortens a source line longer than kExcerptWidth code points to a window
// around the range, marked with "..." at the cut ends, and shifts `range`
// to match, so that a 1 MB one-line file does not print 1 MB per error.
std::string excerpt_around(std::string_view line, SourceRange& range) {
  std::uint32_t length = 0;
  for (char ch : line) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++length;
  }
  if (length <= kExcerptWidth) return std::string(line);

  std::uint32_t first =
      range.begin.column > kExcerptBefore ? range.begin.column - kExcerptBefore : 1;
  std::size_t from = byte_offset(line, first);
  std::size_t to = byte_offset(line, first + kExcerptWidth);
  std::string excerpt = first > 1 ? "..." : "";
  std::uint32_t shift = first - 1 - static_cast<std::uint32_t>(excerpt.size());
  excerpt += std::string(line.substr(from, to - from));
  if (to < line.size()) excerpt += "...";

  range.begin.column -= shift;
  if (range.end.line == range.begin.line) {
    range.end.column = std::min(range.end.column - shift, range.begin.column + kExcerptWidth);
  } else {
    range.end = range.begin;
  }
  return excerpt;
}

// Optimal string alignment distance: insertions, deletions, substitutions
// and transpositions of two adjacent characters each cost one, so that
// "cvs" is one edit from "csv".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;

  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

void Diagnostics::error(const std::string& file, SourceRange range, std::string message) {
  add(Diagnostic{Severity::error, file, range, std::move(message)});
}

void Diagnostics::warning(const std::string& file, SourceRange range, std::string message) {
  add(Diagnostic{Severity::warning, file, range, std::move(message)});
}

void Diagnostics::add(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::error) ++error_count_;
  // Keep memory bounded on pathological input: every error is counted, but
  // past kMaxStored only the earliest positions are worth keeping.
  if (items_.size() >= kMaxStored) return;
  items_.push_back(std::move(diagnostic));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> result = items_;
  std::stable_sort(result.begin(), result.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.file != b.file) return a.file < b.file;
    return a.range.begin < b.range.begin;
  });
  // The same mistake reached through two paths is reported once.
  result.erase(std::unique(result.begin(), result.end(),
                           [](const Diagnostic& a, const Diagnostic& b) {
                             return a.file == b.file && a.range == b.range &&
                                    a.message == b.message && a.severity == b.severity;
                           }),
               result.end());
  if (result.size() > kMaxReported) result.resize(kMaxReported);
  return result;
}

std::string format_diagnostic(const Diagnostic& diagnostic, const SourceManager& sources) {
  std::ostringstream out;
  out << diagnostic.file << ':' << diagnostic.range.begin.line << ':'
      << diagnostic.range.begin.column << ": " << severity_name(diagnostic.severity) << ": "
      << diagnostic.message << '\n';

  std::string_view line = sources.line_text(diagnostic.file, diagnostic.range.begin.line);
  if (diagnostic.range.begin.line > 0 && sources.find(diagnostic.file) != nullptr) {
    SourceRange range = diagnostic.range;
    std::string excerpt = excerpt_around(line, range);
    out << "    " << excerpt << '\n';
    out << "    " << caret_line(excerpt, range) << '\n';
  }
  return out.str();
}

void print_diagnostics(std::ostream& out, const Diagnostics& diagnostics,
                       const SourceManager& sources) {
  for (const Diagnostic& diagnostic : diagnostics.sorted()) {
    out << format_diagnostic(diagnostic, sources);
  }
  std::size_t errors = diagnostics.error_count();
  if (errors > Diagnostics::kMaxReported) {
    out << errors << " errors in all; the first " << Diagnostics::kMaxReported << " are shown\n";
  } else if (errors > 0) {
    out << errors << (errors == 1 ? " error\n" : " errors\n");
  }
}

std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    std::size_t distance = edit_distance(name, candidate);
    if (distance == 0) continue;
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }

  std::size_t limit = std::max<std::size_t>(1, (name.size() + 2) / 3);
  if (best.empty() || best_distance > limit) return {};
  return best;
}

std::string with_suggestion(std::string message, std::string_view name,
                            const std::vector<std::string>& candidates) {
  std::string suggestion = nearest_name(name, candidates);
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  return message;
}

}  // namespace vigie::common
