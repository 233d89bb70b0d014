#pragma once
// Files -> checked IR: loads a file and its imports, parses them, resolves
// names, checks types and rules, and builds ir::Campaign values.

#include <optional>
#include <string>

#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "ir/campaign.hpp"

namespace vigie::check {

// Compiles `path` and everything it imports. Every user mistake becomes a
// diagnostic; a file that cannot be read is a diagnostic too (against the
// importing line, or against `path` itself at 1:1 with an empty range).
// Returns the module even when there are errors, so callers can decide; a
// campaign that had errors is still present but must not be run.
ir::Module compile_file(const std::string& path, common::SourceManager& sources,
                        common::Diagnostics& diagnostics);

// Compiles text that did not come from disk (tests); imports resolve
// relative to the directory part of `path`.
ir::Module compile_text(const std::string& path, const std::string& text,
                        common::SourceManager& sources, common::Diagnostics& diagnostics);

}  // namespace vigie::check
