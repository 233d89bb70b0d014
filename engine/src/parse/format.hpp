#pragma once
// `vigie fmt`: rewrites a campaign file in the canonical layout, which
// docs/language.md describes in "Formatting with vigie fmt". In short, it
// has two spaces of indentation per block and one clause or block item per
// line. It puts one space around binary operators, `=` and `=>`, and after
// commas. Source, option, hours and score blocks are aligned in columns,
// comments stay in place, and blank lines are kept, at most one in a row.

#include <optional>
#include <string>

#include "common/diagnostic.hpp"
#include "common/source.hpp"

namespace vigie::parse {

// Returns `file.text` in the canonical layout. When the file has errors that
// the parser reports (syntax errors, invalid UTF-8, malformed literals,
// repeated clauses), they are added to `diagnostics` and nullopt is
// returned. Formatting formatted text returns it unchanged. Before
// returning, the result is lexed again and its tokens and comments are
// compared with the input's. A mismatch is a formatter bug: it is reported
// as an error diagnostic, and no text that could change the campaign is
// returned.
// Never throws on user input.
std::optional<std::string> format_source(const common::SourceFile& file,
                                         common::Diagnostics& diagnostics);

}  // namespace vigie::parse
