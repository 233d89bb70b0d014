// Expressions. The grammar matches operator chains as flat lists, and this
// file folds them into binary trees: left-associative, except `?:` which is
// right-associative. The height of each tree is tracked and bounded.
#include <algorithm>

#include "parse/ast_builder.hpp"
#include "parse/literals.hpp"
#include "parse/syntax_errors.hpp"

namespace vigie::parse {
namespace {

using P = vigie_gen::VigieParser;

common::SourceRange span(const common::SourceRange& first, const common::SourceRange& last) {
  return common::SourceRange{first.begin, last.end};
}

std::optional<ast::BinaryOp> binary_op_for(std::size_t token_type) {
  switch (token_type) {
    case P::STAR:
      return ast::BinaryOp::mul;
    case P::SLASH:
      return ast::BinaryOp::div;
    case P::PERCENT_SIGN:
      return ast::BinaryOp::mod;
    case P::PLUS:
      return ast::BinaryOp::add;
    case P::MINUS:
      return ast::BinaryOp::sub;
    case P::LT:
      return ast::BinaryOp::lt;
    case P::LE:
      return ast::BinaryOp::le;
    case P::GT:
      return ast::BinaryOp::gt;
    case P::GE:
      return ast::BinaryOp::ge;
    case P::EQ:
      return ast::BinaryOp::eq;
    case P::NE:
      return ast::BinaryOp::ne;
    case P::HAS:
      return ast::BinaryOp::has;
    case P::AND:
      return ast::BinaryOp::logical_and;
    case P::OR:
      return ast::BinaryOp::logical_or;
    default:
      return std::nullopt;
  }
}

}  // namespace

ast::ExprPtr AstBuilder::expression(P::ExprContext* context) {
  if (context == nullptr) return nullptr;
  return conditional(context).expr;
}

AstBuilder::Built AstBuilder::make(common::SourceRange range, int child_depth,
                                   decltype(ast::Expr::node) node) {
  int depth = child_depth + 1;
  if (depth > kMaxExpressionDepth) {
    // Reported once: the parents of a dropped node see a null child and
    // stop without a message of their own.
    error(range, "expression nested more than " + std::to_string(kMaxExpressionDepth) +
                     " levels deep; split it into several 'let' definitions");
    return {};
  }
  auto expr = std::make_unique<ast::Expr>();
  expr->range = range;
  expr->node = std::move(node);
  return Built{std::move(expr), depth};
}

AstBuilder::Built AstBuilder::binary(ast::BinaryOp op, antlr4::Token* op_token, Built lhs,
                                     Built rhs) {
  if (!lhs.expr || !rhs.expr || matched(op_token) == nullptr) return {};
  common::SourceRange range = span(lhs.expr->range, rhs.expr->range);
  int child_depth = std::max(lhs.depth, rhs.depth);
  return make(range, child_depth,
              ast::Binary{op, std::move(lhs.expr), std::move(rhs.expr), token_range(op_token)});
}

// `c ? a : b`: orExpr (? expr : orExpr)*, so the conditions and the final
// value are the orExpr children and the middle values the expr children.
AstBuilder::Built AstBuilder::conditional(P::ExprContext* context) {
  std::vector<P::OrExprContext*> conditions = context->orExpr();
  std::vector<P::ExprContext*> middles = context->expr();
  if (conditions.size() != middles.size() + 1) return {};

  Built result = or_chain(conditions.back());
  for (std::size_t i = middles.size(); i-- > 0;) {
    Built condition = or_chain(conditions[i]);
    Built then_value = conditional(middles[i]);
    if (!condition.expr || !then_value.expr || !result.expr) return {};
    common::SourceRange range = span(condition.expr->range, result.expr->range);
    int child_depth = std::max({condition.depth, then_value.depth, result.depth});
    result = make(range, child_depth,
                  ast::Conditional{std::move(condition.expr), std::move(then_value.expr),
                                   std::move(result.expr)});
  }
  return result;
}

AstBuilder::Built AstBuilder::or_chain(P::OrExprContext* context) {
  std::vector<P::AndExprContext*> operands = context->andExpr();
  if (operands.empty() || operands.size() != context->OR().size() + 1) return {};

  Built result = and_chain(operands[0]);
  for (std::size_t i = 1; i < operands.size() && result.expr; ++i) {
    result = binary(ast::BinaryOp::logical_or, context->OR(i - 1)->getSymbol(), std::move(result),
                    and_chain(operands[i]));
  }
  return result;
}

AstBuilder::Built AstBuilder::and_chain(P::AndExprContext* context) {
  std::vector<P::ComparisonContext*> operands = context->comparison();
  if (operands.empty() || operands.size() != context->AND().size() + 1) return {};

  Built result = comparison(operands[0]);
  for (std::size_t i = 1; i < operands.size() && result.expr; ++i) {
    result = binary(ast::BinaryOp::logical_and, context->AND(i - 1)->getSymbol(), std::move(result),
                    comparison(operands[i]));
  }
  return result;
}

AstBuilder::Built AstBuilder::comparison(P::ComparisonContext* context) {
  if (context->additive() == nullptr) return {};
  Built result = additive(context->additive());

  for (P::ComparisonTailContext* tail : context->comparisonTail()) {
    if (!result.expr) return {};
    if (auto* in_list = dynamic_cast<P::InListContext*>(tail)) {
      if (matched(in_list->RBRACKET()) == nullptr) return {};
      std::vector<ast::ExprPtr> items;
      int depth = result.depth;
      if (!expression_list(in_list->expr(), items, depth)) return {};
      common::SourceRange range{result.expr->range.begin,
                                token_end(in_list->RBRACKET()->getSymbol())};
      result = make(range, depth, ast::InList{std::move(result.expr), std::move(items)});
      continue;
    }

    auto* compare = dynamic_cast<P::BinaryComparisonContext*>(tail);
    if (compare == nullptr || compare->additive() == nullptr) return {};
    antlr4::Token* op_token =
        compare->HAS() ? compare->HAS()->getSymbol() : compare->comparisonOp()->start;
    auto op = binary_op_for(op_token->getType());
    if (!op) return {};
    result = binary(*op, op_token, std::move(result), additive(compare->additive()));
  }
  return result;
}

// Shared by + - and * / %: the children alternate operand, operator token,
// operand.
AstBuilder::Built AstBuilder::additive(P::AdditiveContext* context) {
  std::vector<P::MultiplicativeContext*> operands = context->multiplicative();
  if (operands.empty()) return {};

  Built result = multiplicative(operands[0]);
  std::size_t next = 1;
  for (antlr4::tree::ParseTree* child : context->children) {
    auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child);
    if (terminal == nullptr || !result.expr) continue;
    if (next >= operands.size()) return {};
    auto op = binary_op_for(terminal->getSymbol()->getType());
    if (!op) return {};
    result =
        binary(*op, terminal->getSymbol(), std::move(result), multiplicative(operands[next++]));
  }
  return result;
}

AstBuilder::Built AstBuilder::multiplicative(P::MultiplicativeContext* context) {
  std::vector<P::UnaryContext*> operands = context->unary();
  if (operands.empty()) return {};

  Built result = unary(operands[0]);
  std::size_t next = 1;
  for (antlr4::tree::ParseTree* child : context->children) {
    auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child);
    if (terminal == nullptr || !result.expr) continue;
    if (next >= operands.size()) return {};
    auto op = binary_op_for(terminal->getSymbol()->getType());
    if (!op) return {};
    result = binary(*op, terminal->getSymbol(), std::move(result), unary(operands[next++]));
  }
  return result;
}

// Prefix operators apply from the innermost one (next to the operand) out.
AstBuilder::Built AstBuilder::unary(P::UnaryContext* context) {
  if (context->primary() == nullptr) return {};
  Built result = primary(context->primary());

  std::vector<antlr4::Token*> prefixes;
  for (antlr4::tree::ParseTree* child : context->children) {
    if (auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child)) {
      prefixes.push_back(terminal->getSymbol());
    }
  }
  for (auto it = prefixes.rbegin(); it != prefixes.rend() && result.expr; ++it) {
    common::SourceRange range{token_begin(*it), result.expr->range.end};
    bool negate = (*it)->getType() == P::MINUS;
    if (negate) reject_negative_literal(*result.expr, range);
    auto op = negate ? ast::UnaryOp::negate : ast::UnaryOp::logical_not;
    int depth = result.depth;
    result = make(range, depth, ast::Unary{op, std::move(result.expr)});
  }
  return result;
}

void AstBuilder::reject_negative_literal(const ast::Expr& operand, common::SourceRange range) {
  if (std::holds_alternative<ast::PercentLiteral>(operand.node)) {
    error(range, "a percentage cannot be negative; write 0% or more");
  } else if (std::holds_alternative<ast::DurationLiteral>(operand.node)) {
    error(range, "a duration cannot be negative; write 0s or more");
  }
}

AstBuilder::Built AstBuilder::primary(P::PrimaryContext* context) {
  if (auto* name = dynamic_cast<P::NameRefContext*>(context)) {
    if (name->callArguments() != nullptr) return call(name);
    auto id = identifier(name->name());
    if (!id) return {};
    return make(id->range, 0, ast::NameRef{id->name});
  }
  if (auto* list_context = dynamic_cast<P::ListLiteralContext*>(context)) return list(list_context);
  if (auto* parenthesized = dynamic_cast<P::ParenthesizedContext*>(context)) {
    if (parenthesized->expr() == nullptr || matched(parenthesized->RPAREN()) == nullptr) return {};
    Built inner = conditional(parenthesized->expr());
    // The node keeps its own kind; its range grows to cover the brackets.
    if (inner.expr) inner.expr->range = context_range(parenthesized);
    return inner;
  }
  return literal(context);
}

AstBuilder::Built AstBuilder::literal(P::PrimaryContext* context) {
  antlr4::Token* token = context->start;
  if (matched(token) == nullptr || context->exception != nullptr) return {};
  common::SourceRange range = token_range(token);
  std::string text = token->getText();

  auto decoded_or_report =
      [&](auto decoded) -> std::optional<std::decay_t<decltype(std::get<0>(decoded))>> {
    if (auto* message = std::get_if<std::string>(&decoded)) {
      error(range, *message);
      return std::nullopt;
    }
    return std::get<0>(decoded);
  };

  switch (token->getType()) {
    case P::INT:
      if (auto value = decoded_or_report(decode_int(text)))
        return make(range, 0, ast::IntLiteral{*value});
      return {};
    case P::DECIMAL:
      if (auto value = decoded_or_report(decode_decimal(text))) {
        return make(range, 0, ast::DecimalLiteral{*value});
      }
      return {};
    case P::PERCENT:
      if (auto value = decoded_or_report(decode_percent(text))) {
        return make(range, 0, ast::PercentLiteral{*value});
      }
      return {};
    case P::STRING:
      if (auto value = string_literal(dynamic_cast<P::StringLiteralContext*>(context)->STRING())) {
        return make(range, 0, ast::StringLiteral{std::move(value->value)});
      }
      return {};
    case P::TRUE_KW:
      return make(range, 0, ast::BoolLiteral{true});
    case P::FALSE_KW:
      return make(range, 0, ast::BoolLiteral{false});
    case P::DURATION:
      if (auto value = decoded_or_report(decode_duration(text))) {
        return make(range, 0, ast::DurationLiteral{*value});
      }
      return {};
    case P::DATE:
      if (auto value = decoded_or_report(decode_date(text))) {
        return make(range, 0, ast::DateLiteral{value->year, value->month, value->day});
      }
      return {};
    case P::DATETIME:
      if (auto value = decoded_or_report(decode_datetime(text))) {
        return make(range, 0,
                    ast::DateTimeLiteral{value->date.year, value->date.month, value->date.day,
                                         value->seconds_of_day});
      }
      return {};
    default:
      return {};
  }
}

AstBuilder::Built AstBuilder::call(P::NameRefContext* context) {
  auto function = identifier(context->name());
  P::CallArgumentsContext* arguments = context->callArguments();
  if (!function || matched(arguments->RPAREN()) == nullptr) return {};

  std::vector<ast::ExprPtr> args;
  int depth = 0;
  if (!expression_list(arguments->expr(), args, depth)) return {};
  return make(context_range(context), depth, ast::Call{std::move(*function), std::move(args)});
}

AstBuilder::Built AstBuilder::list(P::ListLiteralContext* context) {
  if (matched(context->RBRACKET()) == nullptr) return {};

  std::vector<ast::ExprPtr> items;
  int depth = 0;
  if (!expression_list(context->expr(), items, depth)) return {};
  return make(context_range(context), depth, ast::ListLiteral{std::move(items)});
}

// Builds each item; `depth` becomes the largest of its value and the items'
// depths. Returns false when an item could not be built.
bool AstBuilder::expression_list(const std::vector<P::ExprContext*>& contexts,
                                 std::vector<ast::ExprPtr>& items, int& depth) {
  for (P::ExprContext* item_context : contexts) {
    Built item = conditional(item_context);
    if (!item.expr) return false;
    depth = std::max(depth, item.depth);
    items.push_back(std::move(item.expr));
  }
  return true;
}

}  // namespace vigie::parse
