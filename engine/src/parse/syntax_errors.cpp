#include "parse/syntax_errors.hpp"

#include <algorithm>
#include <vector>

#include "VigieParser.h"
#include "common/diagnostic.hpp"

namespace vigie::parse {
namespace {

using vigie_gen::VigieParser;

constexpr ssize_t kEof = -1;  // antlr4::Token::EOF as stored in an IntervalSet

// Tokens that can start an expression; when all of them are expected, the
// message reads "an expression" instead of listing them.
const std::vector<std::size_t> kExpressionStart = {
    VigieParser::INT,      VigieParser::DECIMAL,  VigieParser::PERCENT,  VigieParser::STRING,
    VigieParser::TRUE_KW,  VigieParser::FALSE_KW, VigieParser::DURATION, VigieParser::DATE,
    VigieParser::DATETIME, VigieParser::IDENT,    VigieParser::ATTEMPTS, VigieParser::LBRACKET,
    VigieParser::LPAREN,   VigieParser::MINUS,    VigieParser::NOT};

// Tokens that can continue an expression after an operand.
const std::vector<std::size_t> kOperators = {
    VigieParser::QUESTION, VigieParser::OR,   VigieParser::AND,   VigieParser::LT,
    VigieParser::LE,       VigieParser::GT,   VigieParser::GE,    VigieParser::EQ,
    VigieParser::NE,       VigieParser::HAS,  VigieParser::IN,    VigieParser::PLUS,
    VigieParser::MINUS,    VigieParser::STAR, VigieParser::SLASH, VigieParser::PERCENT_SIGN};

// Keywords that start a clause inside a campaign block.
const std::vector<std::size_t> kCampaignClauses = {
    VigieParser::TITLE,     VigieParser::TIMEZONE, VigieParser::CALENDAR, VigieParser::SOURCE,
    VigieParser::AUDIENCE,  VigieParser::PRIORITY, VigieParser::TRIGGER,  VigieParser::START,
    VigieParser::RECONTACT, VigieParser::HOURS,    VigieParser::RETRY,    VigieParser::DISPOSITIONS,
    VigieParser::SCRIPT,    VigieParser::LET,      VigieParser::SCORE,    VigieParser::ROUTE,
    VigieParser::USEFUL,    VigieParser::TARGET,   VigieParser::PRICING,  VigieParser::TEST};

bool contains_all(const std::set<ssize_t>& set, const std::vector<std::size_t>& group) {
  return std::all_of(group.begin(), group.end(),
                     [&](std::size_t type) { return set.count(static_cast<ssize_t>(type)) > 0; });
}

void erase_group(std::set<ssize_t>& set, const std::vector<std::size_t>& group) {
  for (std::size_t type : group) set.erase(static_cast<ssize_t>(type));
}

// Words for tokens whose text varies; keywords and punctuation are shown
// quoted as written.
std::string describe_token_type(ssize_t type, const antlr4::dfa::Vocabulary& vocabulary) {
  switch (type) {
    case kEof:
      return "the end of the file";
    case VigieParser::DATETIME:
      return "a date and time such as 2019-06-24T10:00";
    case VigieParser::DATE:
      return "a date such as 2019-06-24";
    case VigieParser::TIME:
      return "a time such as 09:00";
    case VigieParser::DURATION:
      return "a duration such as 2h or 30m";
    case VigieParser::PERCENT:
      return "a percentage such as 65%";
    case VigieParser::DECIMAL:
      return "a decimal number such as 3.5";
    case VigieParser::INT:
      return "a whole number";
    case VigieParser::STRING:
      return "a text in double quotes";
    case VigieParser::IDENT:
      return "a name";
    case VigieParser::CALL_LPAREN:
      return "'('";
    default:
      break;
  }
  std::string literal = vocabulary.getLiteralName(type);
  if (!literal.empty()) return literal;
  return vocabulary.getDisplayName(type);
}

// Words an expected name by the rule that wants it, where the rule fixes
// what kind of name it is. `closing_brace_expected` distinguishes the kind
// of a question (before its options) from an option id (inside its braces).
std::string describe_name_in_rule(std::size_t rule_index, bool closing_brace_expected) {
  switch (rule_index) {
    case VigieParser::RuleFieldDecl:
      return "a field type (text, int, decimal, bool, date or phone)";
    case VigieParser::RuleQuestionKind:
      if (closing_brace_expected) return "an option id";
      return "a question kind (yes_no, choice, multi or number)";
    case VigieParser::RuleHoursSelector:
      return "a weekday (mon, tue, wed, thu, fri, sat or sun)";
    default:
      return "a name";
  }
}

// Joins phrases as "a, b or c".
std::string join_alternatives(const std::vector<std::string>& phrases) {
  std::string result;
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    if (i > 0) result += i + 1 == phrases.size() ? " or " : ", ";
    result += phrases[i];
  }
  return result;
}

// Adds "; did you mean 'campaign'?" when the found word is a near miss of
// an expected keyword.
std::string suggest_keyword(std::string message, const antlr4::Token* found,
                            const antlr4::misc::IntervalSet& expected,
                            const antlr4::dfa::Vocabulary& vocabulary) {
  if (found == nullptr || found->getType() != VigieParser::IDENT) return message;
  std::vector<std::string> keywords;
  for (ssize_t type : expected.toList()) {
    std::string literal = vocabulary.getLiteralName(type);
    if (literal.size() > 3) keywords.push_back(literal.substr(1, literal.size() - 2));
  }
  return common::with_suggestion(std::move(message), found->getText(), keywords);
}

// True when `found` is a `(` separated by spaces from the name before it,
// which reads as a call to a person but not to the grammar.
bool is_spaced_call(antlr4::Parser* recognizer, const antlr4::Token* found) {
  if (found->getType() != VigieParser::LPAREN || found->getTokenIndex() == 0) return false;
  antlr4::Token* previous = recognizer->getTokenStream()->get(found->getTokenIndex() - 1);
  return previous->getType() == VigieParser::IDENT;
}

std::string expected_found(antlr4::Parser* recognizer, const antlr4::misc::IntervalSet& expected,
                           const antlr4::Token* found, std::size_t rule_index) {
  const antlr4::dfa::Vocabulary& vocabulary = recognizer->getVocabulary();
  std::string message = "expected " + describe_expected(expected, vocabulary, rule_index) +
                        ", found " + describe_found(found);
  if (is_spaced_call(recognizer, found)) {
    return message + "; write a function call with no space before '(', as in age(birth)";
  }
  return suggest_keyword(std::move(message), found, expected, vocabulary);
}

std::size_t rule_of(const antlr4::RecognitionException& error) {
  antlr4::RuleContext* context = error.getCtx();
  return context ? context->getRuleIndex() : static_cast<std::size_t>(VigieParser::RuleFile);
}

}  // namespace

common::SourcePos token_begin(const antlr4::Token* token) {
  return common::SourcePos{static_cast<std::uint32_t>(token->getLine()),
                           static_cast<std::uint32_t>(token->getCharPositionInLine() + 1)};
}

common::SourcePos token_end(const antlr4::Token* token) {
  common::SourcePos end = token_begin(token);
  if (token->getType() == antlr4::Token::EOF) return end;
  if (token->getStopIndex() >= token->getStartIndex()) {
    end.column += static_cast<std::uint32_t>(token->getStopIndex() - token->getStartIndex() + 1);
  }
  return end;
}

common::SourceRange token_range(const antlr4::Token* token) {
  return common::SourceRange{token_begin(token), token_end(token)};
}

common::SourceRange context_range(const antlr4::ParserRuleContext* context) {
  common::SourcePos begin = token_begin(context->start);
  if (context->stop == nullptr ||
      context->stop->getTokenIndex() < context->start->getTokenIndex()) {
    return common::SourceRange{begin, begin};
  }
  return common::SourceRange{begin, token_end(context->stop)};
}

bool is_error_token(std::size_t type) {
  return type == VigieParser::UNTERMINATED_STRING || type == VigieParser::BAD_NUMBER ||
         type == VigieParser::UNKNOWN_CHAR;
}

std::string describe_expected(const antlr4::misc::IntervalSet& expected,
                              const antlr4::dfa::Vocabulary& vocabulary, std::size_t rule_index) {
  std::set<ssize_t> remaining = expected.toSet();
  std::vector<std::string> phrases;

  if (contains_all(remaining, kCampaignClauses)) {
    erase_group(remaining, kCampaignClauses);
    phrases.push_back("a campaign clause (title, source, script, route...)");
  }
  if (contains_all(remaining, kExpressionStart)) {
    erase_group(remaining, kExpressionStart);
    phrases.push_back("an expression");
  }
  if (remaining.count(VigieParser::QUESTION) > 0 && remaining.count(VigieParser::OR) > 0) {
    erase_group(remaining, kOperators);
    phrases.push_back("an operator");
  }

  // Closing braces and the end of the file read best last.
  for (ssize_t type : remaining) {
    if (type == static_cast<ssize_t>(VigieParser::RBRACE) || type == kEof) continue;
    if (type == static_cast<ssize_t>(VigieParser::IDENT)) {
      phrases.push_back(
          describe_name_in_rule(rule_index, remaining.count(VigieParser::RBRACE) > 0));
      continue;
    }
    phrases.push_back(describe_token_type(type, vocabulary));
  }
  if (remaining.count(VigieParser::RBRACE) > 0) phrases.push_back("'}'");
  if (remaining.count(kEof) > 0) phrases.push_back("the end of the file");
  return join_alternatives(phrases);
}

std::string describe_found(const antlr4::Token* token) {
  if (token == nullptr || token->getType() == antlr4::Token::EOF) return "the end of the file";
  std::string text = token->getText();
  constexpr std::size_t kMaxShown = 30;
  if (text.size() > kMaxShown) {
    // Cut on a code point boundary so that the message stays valid UTF-8.
    std::size_t cut = kMaxShown;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "...";
  }
  return "'" + text + "'";
}

void DiagnosticListener::syntaxError(antlr4::Recognizer* /*recognizer*/,
                                     antlr4::Token* offending_symbol, std::size_t line,
                                     std::size_t char_position_in_line, const std::string& message,
                                     std::exception_ptr /*error*/) {
  common::SourceRange range;
  if (offending_symbol != nullptr) {
    range = token_range(offending_symbol);
  } else {
    common::SourcePos at{static_cast<std::uint32_t>(line),
                         static_cast<std::uint32_t>(char_position_in_line + 1)};
    range = common::SourceRange{at, at};
  }
  diagnostics_.error(path_, range, message);
}

void ReadableErrorStrategy::reportNoViableAlternative(antlr4::Parser* recognizer,
                                                      const antlr4::NoViableAltException& error) {
  antlr4::Token* found = error.getOffendingToken();
  if (is_error_token(found->getType())) return;

  antlr4::Token* start = error.getStartToken();
  std::string message;
  if (start != nullptr && start->getTokenIndex() != found->getTokenIndex()) {
    // The decision began earlier, so the expected set would describe the
    // start token's position, not the offending one.
    message = "unexpected " + describe_found(found) + " after " + describe_found(start);
  } else {
    message = expected_found(recognizer, error.getExpectedTokens(), found, rule_of(error));
  }
  recognizer->notifyErrorListeners(found, message, nullptr);
}

void ReadableErrorStrategy::reportInputMismatch(antlr4::Parser* recognizer,
                                                const antlr4::InputMismatchException& error) {
  antlr4::Token* found = error.getOffendingToken();
  if (is_error_token(found->getType())) return;
  recognizer->notifyErrorListeners(
      found, expected_found(recognizer, error.getExpectedTokens(), found, rule_of(error)), nullptr);
}

void ReadableErrorStrategy::reportFailedPredicate(antlr4::Parser* recognizer,
                                                  const antlr4::FailedPredicateException& error) {
  // The grammar has no semantic predicates; keep a readable fallback.
  antlr4::Token* found = error.getOffendingToken();
  recognizer->notifyErrorListeners(found, "unexpected " + describe_found(found), nullptr);
}

void ReadableErrorStrategy::reportUnwantedToken(antlr4::Parser* recognizer) {
  if (inErrorRecoveryMode(recognizer)) return;
  beginErrorCondition(recognizer);

  antlr4::Token* found = recognizer->getCurrentToken();
  if (is_error_token(found->getType())) return;
  recognizer->notifyErrorListeners(found,
                                   expected_found(recognizer, getExpectedTokens(recognizer), found,
                                                  recognizer->getContext()->getRuleIndex()),
                                   nullptr);
}

void ReadableErrorStrategy::reportMissingToken(antlr4::Parser* recognizer) {
  if (inErrorRecoveryMode(recognizer)) return;
  beginErrorCondition(recognizer);

  antlr4::Token* found = recognizer->getCurrentToken();
  if (is_error_token(found->getType())) return;
  std::string message =
      "missing " +
      describe_expected(getExpectedTokens(recognizer), recognizer->getVocabulary(),
                        recognizer->getContext()->getRuleIndex()) +
      " before " + describe_found(found);
  recognizer->notifyErrorListeners(found, message, nullptr);
}

}  // namespace vigie::parse
