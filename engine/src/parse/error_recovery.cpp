// Error recovery of ReadableErrorStrategy: the resynchronization after a
// syntax error that makes one mistake give one diagnostic. The wording of
// the messages is in syntax_errors.cpp.

#include <algorithm>
#include <vector>

#include "VigieParser.h"
#include "parse/syntax_errors.hpp"

namespace vigie::parse {
namespace {

using vigie_gen::VigieParser;

// Tokens that are a whole operand or end one: after one of them, an
// expression continues only with an operator.
const std::vector<std::size_t> kOperandEnd = {
    VigieParser::INT,      VigieParser::DECIMAL,  VigieParser::PERCENT,  VigieParser::STRING,
    VigieParser::TRUE_KW,  VigieParser::FALSE_KW, VigieParser::DURATION, VigieParser::DATE,
    VigieParser::DATETIME, VigieParser::IDENT,    VigieParser::ATTEMPTS, VigieParser::RPAREN,
    VigieParser::RBRACKET};

// Tokens that start an operand. `-` is left out because after an operand it
// is the binary minus, which continues the expression.
const std::vector<std::size_t> kOperandStart = {
    VigieParser::INT,      VigieParser::DECIMAL,  VigieParser::PERCENT,  VigieParser::STRING,
    VigieParser::TRUE_KW,  VigieParser::FALSE_KW, VigieParser::DURATION, VigieParser::DATE,
    VigieParser::DATETIME, VigieParser::IDENT,    VigieParser::ATTEMPTS, VigieParser::LPAREN,
    VigieParser::LBRACKET, VigieParser::NOT};

// Tokens that continue an expression between two operands.
const std::vector<std::size_t> kInfix = {
    VigieParser::QUESTION,    VigieParser::COLON, VigieParser::OR,   VigieParser::AND,
    VigieParser::LT,          VigieParser::LE,    VigieParser::GT,   VigieParser::GE,
    VigieParser::EQ,          VigieParser::NE,    VigieParser::HAS,  VigieParser::IN,
    VigieParser::PLUS,        VigieParser::MINUS, VigieParser::STAR, VigieParser::SLASH,
    VigieParser::PERCENT_SIGN};

bool is_one_of(std::size_t type, const std::vector<std::size_t>& types) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

// Thrown by sync() where a score rule's points are missing. reportError()
// reports it, and the parser recovers from it like from any other error.
class MissingPointsError : public antlr4::RecognitionException {
 public:
  MissingPointsError(antlr4::Parser* recognizer, antlr4::Token* arrow)
      : antlr4::RecognitionException("missing points", recognizer, recognizer->getInputStream(),
                                     recognizer->getContext(), arrow) {}
};

// True when the tokens from index `from` up to the next `=>` would all be
// read as one expression. Then the parser would take that expression as the
// points of the rule before, and fail at the `=>`. The scan stops and
// returns false where the expression could end earlier (an operand right
// after an operand), at a token that cannot be part of an expression (such
// as '}' or a keyword), or at the end of the file.
bool reaches_next_arrow_as_one_expression(antlr4::TokenStream* tokens, std::size_t from) {
  int depth = 0;
  std::size_t previous = antlr4::Token::INVALID_TYPE;
  for (std::size_t i = from; i < tokens->size(); ++i) {
    antlr4::Token* token = tokens->get(i);
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    std::size_t type = token->getType();

    if (depth == 0 && type == VigieParser::ARROW) return true;
    if (depth == 0 && is_one_of(previous, kOperandEnd) && is_one_of(type, kOperandStart)) {
      return false;
    }

    if (type == VigieParser::LPAREN || type == VigieParser::CALL_LPAREN ||
        type == VigieParser::LBRACKET) {
      ++depth;
    } else if (type == VigieParser::RPAREN || type == VigieParser::RBRACKET) {
      if (depth == 0) return false;
      --depth;
    } else if (type == VigieParser::COMMA) {
      if (depth == 0) return false;
    } else if (!is_one_of(type, kOperandEnd) && !is_one_of(type, kOperandStart) &&
               !is_one_of(type, kInfix)) {
      return false;
    }
    previous = type;
  }
  return false;
}

// True when the parser has just matched a score rule's `=>` and the points
// are missing: the block or the file ends right after it, or the `=>` ends
// its line and what follows reads as the next rule. Newlines are otherwise
// not significant, so points on the next line are still accepted when that
// line does not hold a rule of its own.
bool points_are_missing(antlr4::Parser* recognizer) {
  antlr4::TokenStream* tokens = recognizer->getTokenStream();
  antlr4::Token* arrow = tokens->LT(-1);
  antlr4::Token* next = tokens->LT(1);
  if (arrow == nullptr || arrow->getType() != VigieParser::ARROW) return false;
  if (recognizer->getContext()->getRuleIndex() != VigieParser::RuleUnary) return false;

  if (next->getType() == VigieParser::RBRACE || next->getType() == antlr4::Token::EOF) {
    return true;
  }
  if (next->getLine() == arrow->getLine()) return false;
  return reaches_next_arrow_as_one_expression(tokens, next->getTokenIndex());
}

}  // namespace

void ReadableErrorStrategy::sync(antlr4::Parser* recognizer) {
  // The `=>` is the only token before the points, and unary's loop is the
  // first sync point after it, so the scan runs at most once per rule.
  if (!inErrorRecoveryMode(recognizer) && points_are_missing(recognizer)) {
    throw MissingPointsError(recognizer, recognizer->getTokenStream()->LT(-1));
  }
  DefaultErrorStrategy::sync(recognizer);
}

void ReadableErrorStrategy::reportError(antlr4::Parser* recognizer,
                                        const antlr4::RecognitionException& error) {
  if (dynamic_cast<const MissingPointsError*>(&error) == nullptr) {
    DefaultErrorStrategy::reportError(recognizer, error);
    return;
  }
  if (inErrorRecoveryMode(recognizer)) return;

  beginErrorCondition(recognizer);
  recognizer->notifyErrorListeners(error.getOffendingToken(),
                                   "missing the points after '=>'; a score rule ends with the "
                                   "points it adds, as in alone == yes => 3",
                                   nullptr);
}

antlr4::Token* ReadableErrorStrategy::singleTokenDeletion(antlr4::Parser* recognizer) {
  // ANTLR deletes an unexpected token when the one after it fits. Where an
  // expression is missing, that would delete the keyword of the next clause
  // (or a ',' or '}') and read what follows it as the expression. Keeping
  // the token lets the enclosing clause, list or block resume at it.
  antlr4::misc::IntervalSet expected = getExpectedTokens(recognizer);
  bool expects_expression = expected.contains(static_cast<ssize_t>(VigieParser::IDENT)) &&
                            expected.contains(static_cast<ssize_t>(VigieParser::INT));
  std::size_t found = recognizer->getInputStream()->LA(1);
  if (expects_expression && getErrorRecoverySet(recognizer).contains(found)) return nullptr;

  return DefaultErrorStrategy::singleTokenDeletion(recognizer);
}

void ReadableErrorStrategy::consumeUntil(antlr4::Parser* recognizer,
                                         const antlr4::misc::IntervalSet& set) {
  // A '{' met while skipping opens a block whose '}' must not be taken for
  // the end of the enclosing block, so the block is skipped whole.
  std::size_t depth = 0;
  std::size_t type = recognizer->getInputStream()->LA(1);
  while (type != antlr4::Token::EOF) {
    if (depth == 0 && set.contains(type)) return;
    if (type == VigieParser::LBRACE) {
      ++depth;
    } else if (type == VigieParser::RBRACE && depth > 0) {
      --depth;
    }
    recognizer->consume();
    type = recognizer->getInputStream()->LA(1);
  }
}

}  // namespace vigie::parse
