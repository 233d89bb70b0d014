#pragma once
// ANTLR error handling for Vigie: an error strategy that words syntax errors
// for campaign designers ("expected a duration such as 2h or 30m, found
// 'soon'") and a listener that turns them into diagnostics. Internal to
// parse/.

#include <string>

#include "antlr4-runtime.h"
#include "common/diagnostic.hpp"
#include "common/source.hpp"

namespace vigie::parse {

// 1-based position of a token's first code point.
common::SourcePos token_begin(const antlr4::Token* token);

// One past the token's last code point; equal to token_begin for EOF.
// Vigie tokens never span lines (strings end at the line end).
common::SourcePos token_end(const antlr4::Token* token);

common::SourceRange token_range(const antlr4::Token* token);

// From the context's first token to the end of its last one; zero width at
// the first token when the rule matched nothing.
common::SourceRange context_range(const antlr4::ParserRuleContext* context);

// True for the tokens the lexer makes from malformed input (unterminated
// string, number with a bad unit, unknown character). They are reported
// once by the token scan, so the parser stays silent about them.
bool is_error_token(std::size_t type);

// Adds every syntax error to `diagnostics`, positioned on the offending
// token.
class DiagnosticListener : public antlr4::BaseErrorListener {
 public:
  DiagnosticListener(std::string path, common::Diagnostics& diagnostics)
      : path_(std::move(path)), diagnostics_(diagnostics) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending_symbol,
                   std::size_t line, std::size_t char_position_in_line, const std::string& message,
                   std::exception_ptr error) override;

 private:
  std::string path_;
  common::Diagnostics& diagnostics_;
};

// Keeps ANTLR's recovery and replaces its messages ("mismatched input 'x'
// expecting {DURATION}") with readable ones. Three changes to the recovery
// itself (error_recovery.cpp) avoid follow-on errors after a first one:
// - A score rule whose `=>` ends a line, followed by a line that can only
//   read as the next rule, is reported as missing its points, and parsing
//   resumes at that next rule.
// - Where an expression is missing, the token found is never deleted when
//   an enclosing construct can resume at it (a clause keyword, ',', '}'),
//   so `let x =` followed by `let y = 3` loses no clause.
// - Tokens skipped after an error are skipped by whole `{ ... }` blocks, so
//   a misplaced block does not close the block around it.
class ReadableErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  void sync(antlr4::Parser* recognizer) override;
  void reportError(antlr4::Parser* recognizer, const antlr4::RecognitionException& error) override;

 protected:
  antlr4::Token* singleTokenDeletion(antlr4::Parser* recognizer) override;
  void consumeUntil(antlr4::Parser* recognizer, const antlr4::misc::IntervalSet& set) override;

  void reportNoViableAlternative(antlr4::Parser* recognizer,
                                 const antlr4::NoViableAltException& error) override;
  void reportInputMismatch(antlr4::Parser* recognizer,
                           const antlr4::InputMismatchException& error) override;
  void reportFailedPredicate(antlr4::Parser* recognizer,
                             const antlr4::FailedPredicateException& error) override;
  void reportUnwantedToken(antlr4::Parser* recognizer) override;
  void reportMissingToken(antlr4::Parser* recognizer) override;
};

// Words an expected-token set: "a duration such as 2h or 30m", "'{' or a
// name", "an expression". `rule_index` is the rule being parsed; it names
// the kind of an expected name (a field type, a weekday...).
std::string describe_expected(const antlr4::misc::IntervalSet& expected,
                              const antlr4::dfa::Vocabulary& vocabulary, std::size_t rule_index);

// Words a found token: "'soon'" or "the end of the file".
std::string describe_found(const antlr4::Token* token);

}  // namespace vigie::parse
