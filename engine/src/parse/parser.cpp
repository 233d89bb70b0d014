#include "parse/parser.hpp"

#include <optional>

#include "VigieLexer.h"
#include "VigieParser.h"
#include "antlr4-runtime.h"
#include "parse/ast_builder.hpp"
#include "parse/literals.hpp"
#include "parse/syntax_errors.hpp"

namespace vigie::parse {
namespace {

using vigie_gen::VigieLexer;
using vigie_gen::VigieParser;

// Deepest nesting of brackets and `?` accepted before parsing. The parser
// and the AST builder recurse about ten calls deep per level (expr, orExpr,
// ... primary), so this bound keeps their stack use small: 190 levels parse
// with a 512 KiB stack in a Debug build and a 1 MiB stack with sanitizers
// (measured with `ulimit -s` on the robustness tests).
constexpr int kMaxNesting = 200;

struct Utf8Error {
  common::SourcePos pos;
  unsigned char byte = 0;
};

// Length of the UTF-8 sequence starting at `at`, or 0 when it is invalid
// (bad lead byte, truncated, overlong, surrogate or above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  if (lead < 0x80) return 1;

  std::size_t length = 0;
  std::uint32_t code_point = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(at + i) & 0x3F);
  }

  static const std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kSmallest[length]) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  if (code_point > 0x10FFFF) return 0;
  return length;
}

// Finds the first byte that is not part of valid UTF-8, with its position
// counted in code points as diagnostics count columns.
std::optional<Utf8Error> find_invalid_utf8(std::string_view text) {
  common::SourcePos pos{1, 1};
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) return Utf8Error{pos, static_cast<unsigned char>(text[at])};
    if (text[at] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
    at += length;
  }
  return std::nullopt;
}

std::string hex_byte(unsigned char byte) {
  static const char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0xF];
}

// Reports the tokens the lexer made from malformed input. The parser stays
// silent about them (see is_error_token), so each is reported once.
void report_error_tokens(const std::vector<antlr4::Token*>& tokens, const std::string& path,
                         common::Diagnostics& diagnostics) {
  for (const antlr4::Token* token : tokens) {
    std::string text = token->getText();
    switch (token->getType()) {
      case VigieLexer::UNTERMINATED_STRING:
        diagnostics.error(path, token_range(token),
                          "unterminated text; close it with \" before the end of the line "
                          "(write \\n for a line break inside a text)");
        break;
      case VigieLexer::BAD_NUMBER:
        diagnostics.error(path, token_range(token), describe_bad_number(text));
        break;
      case VigieLexer::UNKNOWN_CHAR:
        diagnostics.error(path, token_range(token),
                          text == "'" ? "unexpected character '''; texts are written in double "
                                        "quotes, as in \"Bonjour\""
                                      : "unexpected character '" + text + "'");
        break;
      default:
        break;
    }
  }
}

// Retypes each `(` written right after a name (no space) to CALL_LPAREN, the
// token that opens a call's arguments.
void mark_call_parentheses(const std::vector<antlr4::Token*>& tokens) {
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    antlr4::Token* previous = tokens[i - 1];
    auto* current = dynamic_cast<antlr4::CommonToken*>(tokens[i]);
    if (current == nullptr || current->getType() != VigieLexer::LPAREN) continue;
    if (previous->getType() != VigieLexer::IDENT) continue;
    if (previous->getStopIndex() + 1 != current->getStartIndex()) continue;
    current->setType(VigieParser::CALL_LPAREN);
  }
}

// Returns false, after reporting it, when brackets or `?` nest deeper than
// kMaxNesting. `?` opens a level that its `:` closes, because the middle of
// `c ? a : b` is where the grammar recurses.
bool check_nesting(const std::vector<antlr4::Token*>& tokens, const std::string& path,
                   common::Diagnostics& diagnostics) {
  int depth = 0;
  for (const antlr4::Token* token : tokens) {
    switch (token->getType()) {
      case VigieLexer::LPAREN:
      case VigieParser::CALL_LPAREN:
      case VigieLexer::LBRACKET:
      case VigieLexer::LBRACE:
      case VigieLexer::QUESTION:
        ++depth;
        break;
      case VigieLexer::RPAREN:
      case VigieLexer::RBRACKET:
      case VigieLexer::RBRACE:
      case VigieLexer::COLON:
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
    if (depth > kMaxNesting) {
      diagnostics.error(path, token_range(token),
                        "nesting is too deep: more than " + std::to_string(kMaxNesting) +
                            " open brackets at this point; split the expression into several "
                            "'let' definitions");
      return false;
    }
  }
  return true;
}

ast::File parse_tokens(const common::SourceFile& file, common::Diagnostics& diagnostics) {
  antlr4::ANTLRInputStream input(file.text);
  VigieLexer lexer(&input);
  DiagnosticListener listener(file.path, diagnostics);
  lexer.removeErrorListeners();
  lexer.addErrorListener(&listener);

  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  report_error_tokens(tokens.getTokens(), file.path, diagnostics);
  mark_call_parentheses(tokens.getTokens());
  if (!check_nesting(tokens.getTokens(), file.path, diagnostics)) {
    ast::File empty;
    empty.path = file.path;
    return empty;
  }

  VigieParser parser(&tokens);
  parser.removeErrorListeners();
  parser.addErrorListener(&listener);
  parser.setErrorHandler(std::make_shared<ReadableErrorStrategy>());
  VigieParser::FileContext* tree = parser.file();

  AstBuilder builder(file.path, diagnostics);
  return builder.build(tree);
}

}  // namespace

ast::File parse_file(const common::SourceFile& file, common::Diagnostics& diagnostics) {
  ast::File empty;
  empty.path = file.path;

  if (auto bad = find_invalid_utf8(file.text)) {
    common::SourcePos end{bad->pos.line, bad->pos.column + 1};
    diagnostics.error(
        file.path, common::SourceRange{bad->pos, end},
        "invalid UTF-8 (byte " + hex_byte(bad->byte) + "); save the file with the UTF-8 encoding");
    return empty;
  }

  try {
    return parse_tokens(file, diagnostics);
  } catch (const std::exception& failure) {
    // ANTLR recovers from syntax errors inside its rules, so an exception
    // here is a runtime failure such as memory exhaustion. parse_file
    // promises not to throw, so it becomes a diagnostic.
    diagnostics.error(file.path, common::SourceRange{{1, 1}, {1, 1}},
                      std::string("the parser failed: ") + failure.what());
    return empty;
  }
}

}  // namespace vigie::parse
