#pragma once
// Helpers shared by the parse tests: parse a text and format its
// diagnostics the way the command line prints them.

#include <sstream>
#include <string>
#include <type_traits>

#include "ast/ast.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "parse/parser.hpp"

namespace vigie::parse::test {

struct Parsed {
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ast::File file;
};

// Parses `text` as the file `path`; the result owns the source text so that
// diagnostics can be formatted with their caret lines.
inline std::unique_ptr<Parsed> parse_text(const std::string& text,
                                          const std::string& path = "test.vigie") {
  auto parsed = std::make_unique<Parsed>();
  const common::SourceFile* file = parsed->sources.add(path, text);
  parsed->file = parse_file(*file, parsed->diagnostics);
  return parsed;
}

// All diagnostics, sorted, each formatted with its source and caret lines.
inline std::string formatted_diagnostics(const Parsed& parsed) {
  std::string out;
  for (const common::Diagnostic& diagnostic : parsed.diagnostics.sorted()) {
    out += common::format_diagnostic(diagnostic, parsed.sources);
  }
  return out;
}

// "line:column-line:column" for compact range checks.
inline std::string range_text(const common::SourceRange& range) {
  return std::to_string(range.begin.line) + ":" + std::to_string(range.begin.column) + "-" +
         std::to_string(range.end.line) + ":" + std::to_string(range.end.column);
}

inline const char* binary_op_name(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::mul:
      return "*";
    case ast::BinaryOp::div:
      return "/";
    case ast::BinaryOp::mod:
      return "%";
    case ast::BinaryOp::add:
      return "+";
    case ast::BinaryOp::sub:
      return "-";
    case ast::BinaryOp::lt:
      return "<";
    case ast::BinaryOp::le:
      return "<=";
    case ast::BinaryOp::gt:
      return ">";
    case ast::BinaryOp::ge:
      return ">=";
    case ast::BinaryOp::eq:
      return "==";
    case ast::BinaryOp::ne:
      return "!=";
    case ast::BinaryOp::has:
      return "has";
    case ast::BinaryOp::logical_and:
      return "and";
    case ast::BinaryOp::logical_or:
      return "or";
  }
  return "?";
}

// Prints an expression tree as an s-expression, such as
// (or (>= (call age birth) 85) frail), so that tests state the expected
// shape in one line. Literals print with their kind: int:3, dec:3.5,
// pct:0.65, str:"x", bool:true, dur:7200s, date:2019-06-24,
// datetime:2019-06-24+36000s.
inline std::string sexpr(const ast::Expr& expr) {
  std::ostringstream out;
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::IntLiteral>) {
          out << "int:" << node.value;
        } else if constexpr (std::is_same_v<T, ast::DecimalLiteral>) {
          out << "dec:" << node.value;
        } else if constexpr (std::is_same_v<T, ast::PercentLiteral>) {
          out << "pct:" << node.value;
        } else if constexpr (std::is_same_v<T, ast::StringLiteral>) {
          out << "str:\"" << node.value << "\"";
        } else if constexpr (std::is_same_v<T, ast::BoolLiteral>) {
          out << "bool:" << (node.value ? "true" : "false");
        } else if constexpr (std::is_same_v<T, ast::DurationLiteral>) {
          out << "dur:" << node.seconds << "s";
        } else if constexpr (std::is_same_v<T, ast::DateLiteral>) {
          out << "date:" << node.year << "-" << node.month << "-" << node.day;
        } else if constexpr (std::is_same_v<T, ast::DateTimeLiteral>) {
          out << "datetime:" << node.year << "-" << node.month << "-" << node.day << "+"
              << node.seconds_of_day << "s";
        } else if constexpr (std::is_same_v<T, ast::NameRef>) {
          out << node.name;
        } else if constexpr (std::is_same_v<T, ast::ListLiteral>) {
          out << "[";
          for (std::size_t i = 0; i < node.items.size(); ++i) {
            out << (i ? " " : "") << sexpr(*node.items[i]);
          }
          out << "]";
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          out << "(" << (node.op == ast::UnaryOp::negate ? "neg" : "not") << " "
              << sexpr(*node.operand) << ")";
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          out << "(" << binary_op_name(node.op) << " " << sexpr(*node.lhs) << " "
              << sexpr(*node.rhs) << ")";
        } else if constexpr (std::is_same_v<T, ast::InList>) {
          out << "(in " << sexpr(*node.value);
          for (const auto& item : node.items) out << " " << sexpr(*item);
          out << ")";
        } else if constexpr (std::is_same_v<T, ast::Conditional>) {
          out << "(? " << sexpr(*node.condition) << " " << sexpr(*node.then_value) << " "
              << sexpr(*node.else_value) << ")";
        } else if constexpr (std::is_same_v<T, ast::Call>) {
          out << "(call " << node.function.name;
          for (const auto& arg : node.args) out << " " << sexpr(*arg);
          out << ")";
        }
      },
      expr.node);
  return out.str();
}

}  // namespace vigie::parse::test
