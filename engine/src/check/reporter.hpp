#pragma once
// Internal to check/: the diagnostics sink the checker writes to, and small
// helpers that format names for messages.

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/diagnostic.hpp"
#include "common/source.hpp"

namespace vigie::check {

// Forwards to common::Diagnostics, dropping exact repeats. A named hours or
// retry block used by two campaigns is checked twice, and its mistakes must
// be counted once.
class Reporter {
 public:
  explicit Reporter(common::Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void error(const std::string& file, common::SourceRange range, std::string message) {
    report(common::Severity::error, file, range, std::move(message));
  }

  void warning(const std::string& file, common::SourceRange range, std::string message) {
    report(common::Severity::warning, file, range, std::move(message));
  }

  std::size_t error_count() const { return diagnostics_.error_count(); }

 private:
  void report(common::Severity severity, const std::string& file, common::SourceRange range,
              std::string message) {
    auto key = std::make_tuple(file, range.begin.line, range.begin.column, range.end.line,
                               range.end.column, message);
    if (!seen_.insert(std::move(key)).second) return;
    diagnostics_.add(common::Diagnostic{severity, file, range, std::move(message)});
  }

  common::Diagnostics& diagnostics_;
  std::set<std::tuple<std::string, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t,
                      std::string>>
      seen_;
};

// Joins names as "a, b, c" for messages that list the valid choices; a
// long list is cut after its first 12 names with ", ...".
inline std::string join_names(const std::vector<std::string>& names) {
  constexpr std::size_t kMaxJoined = 12;
  std::string joined;
  for (std::size_t i = 0; i < names.size() && i < kMaxJoined; ++i) {
    if (!joined.empty()) joined += ", ";
    joined += names[i];
  }
  if (names.size() > kMaxJoined) joined += ", ...";
  return joined;
}

// Builds "unknown KIND 'name'" followed by the nearest candidate when one is
// a plausible typo, else by the list of valid names. `plural` names the
// list, as in "dispositions".
inline std::string unknown_message(const std::string& kind, const std::string& name,
                                   const std::vector<std::string>& candidates,
                                   const std::string& plural) {
  std::string message = "unknown " + kind + " '" + name + "'";
  std::string suggestion = common::nearest_name(name, candidates);
  if (!suggestion.empty()) return message + "; did you mean '" + suggestion + "'?";
  if (candidates.empty()) return message + "; no " + plural + " are declared";
  return message + "; " + plural + " are " + join_names(candidates);
}

// Formats a source position as "file:line:col" for messages that point
// at a second place, such as the first declaration of a duplicate.
inline std::string format_position(const std::string& file, common::SourceRange range) {
  return file + ":" + std::to_string(range.begin.line) + ":" + std::to_string(range.begin.column);
}

}  // namespace vigie::check
