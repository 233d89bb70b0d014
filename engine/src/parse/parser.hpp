#pragma once
// Text -> AST. The only layer that includes ANTLR or generated headers;
// this header names none of their types.

#include "ast/ast.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"

namespace vigie::parse {

// Parses one file. Syntax errors, invalid UTF-8, malformed literals and
// repeated single clauses become diagnostics against `file.path`; the
// returned tree holds whatever could be built (never throws on user input).
// Deeply nested input is rejected with a diagnostic, never a stack overflow.
ast::File parse_file(const common::SourceFile& file, common::Diagnostics& diagnostics);

}  // namespace vigie::parse
