#include "parse/format.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "VigieLexer.h"
#include "VigieParser.h"
#include "antlr4-runtime.h"
#include "parse/format_lines.hpp"
#include "parse/parser.hpp"
#include "parse/syntax_errors.hpp"

namespace vigie::parse {
namespace {

using vigie_gen::VigieLexer;
using P = vigie_gen::VigieParser;

constexpr std::size_t kIndentWidth = 2;
// Continuation lines of a clause with no expression to align with (for
// example a break forced by a comment inside `ask`) are indented this much
// more than the clause.
constexpr std::size_t kContinuationIndent = 4;

// The tokens of one file, comments included, lexed as parse_file lexes them.
class TokenList {
 public:
  explicit TokenList(const std::string& text) : input_(text), lexer_(&input_), stream_(&lexer_) {
    lexer_.removeErrorListeners();
    stream_.fill();
    tokens_ = stream_.getTokens();
    mark_call_parentheses();
  }

  antlr4::CommonTokenStream& stream() { return stream_; }
  const std::vector<antlr4::Token*>& tokens() const { return tokens_; }

 private:
  // Retypes each `(` written right after a name to CALL_LPAREN.
  // NOTE: the same rule as in parser.cpp, which keeps its copy private; the
  // two must agree or the formatter would parse calls differently.
  void mark_call_parentheses() {
    for (std::size_t i = 1; i < tokens_.size(); ++i) {
      auto* current = dynamic_cast<antlr4::CommonToken*>(tokens_[i]);
      if (current == nullptr || current->getType() != VigieLexer::LPAREN) continue;
      if (tokens_[i - 1]->getType() != VigieLexer::IDENT) continue;
      if (tokens_[i - 1]->getStopIndex() + 1 != current->getStartIndex()) continue;
      current->setType(P::CALL_LPAREN);
    }
  }

  antlr4::ANTLRInputStream input_;
  VigieLexer lexer_;
  antlr4::CommonTokenStream stream_;
  std::vector<antlr4::Token*> tokens_;  // owned by stream_, comments included
};

bool is_comment(const antlr4::Token* token) {
  return token->getType() == VigieLexer::COMMENT;
}

// Rules whose every match starts on a line of its own.
bool is_item_rule(std::size_t rule) {
  switch (rule) {
    case P::RuleTopDecl:
    case P::RuleHoursLine:
    case P::RuleRetryClause:
    case P::RuleCalendarClause:
    case P::RuleCampaignClause:
    case P::RuleFieldDecl:
    case P::RuleDispositionDecl:
    case P::RuleScriptStep:
    case P::RuleOptionDecl:
    case P::RuleScoreRule:
    case P::RuleRouteClause:
    case P::RuleTestClause:
      return true;
    default:
      return false;
  }
}

// Items whose first part (name, selector or condition) is padded so that
// the rest of consecutive items starts in one column.
bool is_aligned_rule(std::size_t rule) {
  return rule == P::RuleFieldDecl || rule == P::RuleOptionDecl || rule == P::RuleHoursLine ||
         rule == P::RuleScoreRule;
}

// Rules written without spaces: `mon-fri`, `09:00-12:30`, `-10`.
bool is_glued_rule(std::size_t rule) {
  return rule == P::RuleHoursSelector || rule == P::RuleInterval || rule == P::RuleNumberBound ||
         rule == P::RuleLevelValue;
}

// Rules whose expression child is the value of a clause; continuation lines
// of the clause align with that expression.
bool is_clause_rule(std::size_t rule) {
  return rule == P::RuleCampaignClause || rule == P::RuleAskFlag || rule == P::RuleScoreRule ||
         rule == P::RuleRouteClause || rule == P::RuleTestClause;
}

std::size_t rule_of(antlr4::tree::ParseTree* tree) {
  auto* context = dynamic_cast<antlr4::ParserRuleContext*>(tree);
  return context == nullptr ? static_cast<std::size_t>(-1) : context->getRuleIndex();
}

// Infix operators of expressions: a line break next to one is kept.
bool is_binary_operator(antlr4::tree::TerminalNode* node) {
  switch (node->getSymbol()->getType()) {
    case P::OR:
    case P::AND:
    case P::HAS:
    case P::IN:
    case P::PLUS:
    case P::STAR:
    case P::SLASH:
    case P::PERCENT_SIGN:
    case P::QUESTION:
    case P::COLON:
      return true;
    case P::MINUS:
      return rule_of(node->parent) == P::RuleAdditive;
    case P::LT:
    case P::LE:
    case P::GT:
    case P::GE:
    case P::EQ:
    case P::NE:
      // comparisonOp also appears in `trigger alert ... level >= 3`.
      return rule_of(node->parent->parent) == P::RuleComparisonTail;
    default:
      return false;
  }
}

// Walks the parse tree and writes every token, and every comment between
// them, in the canonical layout. Lines are started lazily: an item only
// marks that its first token goes on a new line, so that a comment written
// after the previous token on its line can still join that line.
class Formatter {
 public:
  explicit Formatter(const std::vector<antlr4::Token*>& tokens) : tokens_(tokens) {}

  std::string format(P::FileContext* file) {
    visit(file);
    return out_.render();
  }

 private:
  // Layout state of the clause being written; one per open block.
  struct Clause {
    std::optional<std::size_t> hang;    // column of continuation lines
    std::vector<std::size_t> brackets;  // column after each open bracket
  };

  // ------------------------------------------------------------ tree walk

  void visit(antlr4::tree::ParseTree* tree) {
    if (auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(tree)) {
      visit_terminal(terminal);
      return;
    }
    auto* context = static_cast<antlr4::ParserRuleContext*>(tree);
    std::size_t rule = context->getRuleIndex();

    if (is_item_rule(rule)) begin_item();
    if (rule == P::RuleExpr && is_clause_rule(rule_of(context->parent))) mark_hang_ = true;
    if (is_first_of_kind(context, P::RuleGiven) || is_first_of_kind(context, P::RuleInterval)) {
      mark_hang_ = true;
    }

    if (is_glued_rule(rule)) {
      visit_glued(context);
    } else if (is_aligned_rule(rule)) {
      visit_aligned(context);
    } else {
      for (antlr4::tree::ParseTree* child : context->children) visit(child);
    }
  }

  // True for the first child of `rule` kind of its parent: the first given
  // of a `given` clause, the first interval of an hours line.
  static bool is_first_of_kind(antlr4::ParserRuleContext* context, std::size_t rule) {
    if (context->getRuleIndex() != rule) return false;
    for (antlr4::tree::ParseTree* sibling : context->parent->children) {
      if (rule_of(sibling) == rule) return sibling == context;
    }
    return false;
  }

  void visit_glued(antlr4::ParserRuleContext* context) {
    bool first = true;
    for (antlr4::tree::ParseTree* child : context->children) {
      if (!first) glue_next_ = true;
      visit(child);
      first = false;
    }
  }

  void visit_aligned(antlr4::ParserRuleContext* context) {
    compute_alignment(static_cast<antlr4::ParserRuleContext*>(context->parent),
                      context->getRuleIndex());
    std::size_t item_column = static_cast<std::size_t>(depth_) * kIndentWidth;

    visit(context->children.front());
    auto width = lead_widths_.find(context);
    if (width != lead_widths_.end()) pad_next_to_ = item_column + width->second;
    for (std::size_t i = 1; i < context->children.size(); ++i) visit(context->children[i]);
  }

  static bool next_is_minus(antlr4::tree::TerminalNode* node) {
    const std::vector<antlr4::tree::ParseTree*>& siblings = node->parent->children;
    auto at = std::find(siblings.begin(), siblings.end(), node);
    if (at == siblings.end() || at + 1 == siblings.end()) return false;
    auto* next = dynamic_cast<antlr4::tree::TerminalNode*>(*(at + 1));
    return next != nullptr && next->getSymbol()->getType() == P::MINUS;
  }

  void visit_terminal(antlr4::tree::TerminalNode* node) {
    antlr4::Token* token = node->getSymbol();
    switch (token->getType()) {
      case antlr4::Token::EOF:
        end_of_file(token);
        return;
      case P::LBRACE:
        open_block(token);
        return;
      case P::RBRACE:
        close_block(token);
        return;
      case P::COMMA:
        put(token, /*space=*/false);
        break_next_ = true;
        return;
      case P::LPAREN:
      case P::LBRACKET:
      case P::CALL_LPAREN:
        put(token, /*space=*/token->getType() != P::CALL_LPAREN);
        clause().brackets.push_back(out_.column());
        glue_next_ = true;
        return;
      case P::RPAREN:
      case P::RBRACKET:
        put(token, /*space=*/false);
        if (!clause().brackets.empty()) clause().brackets.pop_back();
        return;
      case P::RANGE:
        put(token, /*space=*/false);
        glue_next_ = true;
        return;
      case P::MINUS:
        if (rule_of(node->parent) == P::RuleUnary) {
          put(token);
          // `- -x`, not `--x`, which reads like a decrement.
          glue_next_ = !next_is_minus(node);
          return;
        }
        break;
      default:
        break;
    }

    if (is_binary_operator(node)) {
      put(token, /*space=*/true, /*may_break=*/true);
      break_next_ = true;
      return;
    }
    put(token);
  }

  // ------------------------------------------------------------ blocks and items

  void begin_item() {
    pending_ = Pending{depth_, depth_, /*closing=*/false};
    clause() = Clause{};
    forced_break_ = false;
  }

  void open_block(antlr4::Token* brace) {
    put(brace);
    open_braces_.push_back(brace);
    clauses_.emplace_back();
    ++depth_;
    block_just_opened_ = true;
  }

  void close_block(antlr4::Token* brace) {
    antlr4::Token* open = open_braces_.back();
    open_braces_.pop_back();
    clauses_.pop_back();
    --depth_;
    block_just_opened_ = false;

    // Nothing between the braces, not even a comment: `{}`.
    if (brace->getTokenIndex() == open->getTokenIndex() + 1) {
      put(brace, /*space=*/false);
      return;
    }
    pending_ = Pending{depth_, depth_ + 1, /*closing=*/true};
    put(brace);
  }

  void end_of_file(antlr4::Token* eof) {
    pending_ = Pending{0, 0, /*closing=*/true};
    flush_comments(eof->getTokenIndex());
  }

  // ------------------------------------------------------------ alignment

  // Pads the first part of the `rule` items of `block` in runs of
  // consecutive items: no blank line between them, and each first part on
  // one line. The first part of each item in a run is padded to the widest
  // plus one space.
  void compute_alignment(antlr4::ParserRuleContext* block, std::size_t rule) {
    if (!aligned_blocks_.insert(block).second) return;

    std::vector<antlr4::ParserRuleContext*> items;
    for (antlr4::tree::ParseTree* child : block->children) {
      if (rule_of(child) == rule) items.push_back(static_cast<antlr4::ParserRuleContext*>(child));
    }

    std::vector<antlr4::ParserRuleContext*> run;
    std::size_t widest = 0;
    auto close_run = [&] {
      for (antlr4::ParserRuleContext* item : run) lead_widths_[item] = widest + 1;
      run.clear();
      widest = 0;
    };
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::optional<std::size_t> width = measure(items[i]->children.front());
      if (i > 0 && blank_line_between(items[i - 1]->getStop(), items[i]->getStart())) close_run();
      if (!width) {
        close_run();
        continue;
      }
      run.push_back(items[i]);
      widest = std::max(widest, *width);
    }
    close_run();
  }

  // Width of `tree` written on one line, or nullopt when it spans lines
  // (a kept line break or a comment inside it).
  std::optional<std::size_t> measure(antlr4::tree::ParseTree* tree) {
    auto* context = dynamic_cast<antlr4::ParserRuleContext*>(tree);
    antlr4::Token* first =
        context ? context->getStart() : static_cast<antlr4::tree::TerminalNode*>(tree)->getSymbol();

    Formatter scratch(tokens_);
    scratch.last_index_ = static_cast<std::ptrdiff_t>(first->getTokenIndex()) - 1;
    scratch.last_line_ = first->getLine();
    scratch.last_was_comment_ = true;
    scratch.out_.start_line(0, 0);
    scratch.visit(tree);
    if (scratch.out_.line_count() != 1 || scratch.out_.line_has_comment()) return std::nullopt;
    return scratch.out_.column();
  }

  // True when the source has an empty line between `before` and `after`,
  // or between the comments that separate them.
  bool blank_line_between(antlr4::Token* before, antlr4::Token* after) const {
    std::size_t line = before->getLine();
    for (std::size_t i = before->getTokenIndex() + 1; i <= after->getTokenIndex(); ++i) {
      antlr4::Token* token = tokens_[i];
      if (i != after->getTokenIndex() && !is_comment(token)) continue;
      if (token->getLine() >= line + 2) return true;
      line = token->getLine();
    }
    return false;
  }

  // ------------------------------------------------------------ writing

  // Writes one token after the comments that precede it. `space` requests a
  // space before it on the same line, and `may_break` keeps a line break that
  // the source has before it.
  void put(antlr4::Token* token, bool space = true, bool may_break = false) {
    flush_comments(token->getTokenIndex());

    bool new_line = false;
    bool item_start = false;
    if (pending_) {
      start_pending_line(token->getLine(), /*for_comment=*/false);
      new_line = true;
      item_start = true;
    } else if (forced_break_ || ((may_break || break_next_) && token->getLine() > last_line_)) {
      start_continuation_line();
      new_line = true;
    }

    if (!new_line && out_.line_has_code()) {
      if (pad_next_to_) {
        out_.pad_to(*pad_next_to_);
      } else if (space && !glue_next_) {
        out_.append(" ");
      }
    }
    if (mark_hang_) {
      clause().hang = item_start ? out_.column() + kContinuationIndent : out_.column();
      mark_hang_ = false;
    }
    out_.append(token->getText());

    forced_break_ = false;
    glue_next_ = false;
    break_next_ = false;
    pad_next_to_.reset();
    last_index_ = static_cast<std::ptrdiff_t>(token->getTokenIndex());
    last_line_ = token->getLine();
    last_was_comment_ = false;
  }

  // Writes the comments between the last written token and `until`. A
  // comment on the line of the previous token stays at the end of that
  // line. Any other comment gets a line of its own, indented like the item
  // it precedes, or like the continuation lines inside a clause.
  void flush_comments(std::size_t until) {
    for (std::size_t i = static_cast<std::size_t>(last_index_ + 1); i < until; ++i) {
      antlr4::Token* comment = tokens_[i];
      if (!is_comment(comment)) continue;

      if (!last_was_comment_ && comment->getLine() == last_line_ && out_.line_has_code()) {
        out_.set_comment(comment->getText());
        forced_break_ = !pending_;
      } else if (pending_) {
        start_pending_line(comment->getLine(), /*for_comment=*/true);
        out_.append(comment->getText());
      } else {
        start_continuation_line();
        out_.append(comment->getText());
        forced_break_ = true;
      }
      last_index_ = static_cast<std::ptrdiff_t>(i);
      last_line_ = comment->getLine();
      last_was_comment_ = true;
    }
  }

  // Starts the line of a pending item, closing brace or comment, after one
  // blank line when the source has at least one there. No blank line opens
  // a block or the file, and none comes before a closing brace.
  void start_pending_line(std::size_t source_line, bool for_comment) {
    bool blank_allowed =
        !out_.empty() && !block_just_opened_ && (for_comment || !pending_->closing);
    if (blank_allowed && source_line >= last_line_ + 2) out_.blank_line();

    int depth = for_comment ? pending_->comment_depth : pending_->depth;
    out_.start_line(depth, static_cast<std::size_t>(depth) * kIndentWidth);
    block_just_opened_ = false;
    if (!for_comment) pending_.reset();
  }

  // Starts a continuation line of the current clause: aligned one column
  // after the innermost open bracket, else with the clause's value.
  void start_continuation_line() {
    const Clause& current = clause();
    std::size_t item_column = static_cast<std::size_t>(depth_) * kIndentWidth;
    std::size_t column = item_column + kContinuationIndent;
    if (!current.brackets.empty()) {
      column = current.brackets.back();
    } else if (current.hang) {
      column = *current.hang;
    }
    out_.start_line(depth_, column);
  }

  Clause& clause() { return clauses_.back(); }

  // Placement of the next line when it starts an item or a closing brace.
  struct Pending {
    int depth = 0;          // of the item or brace
    int comment_depth = 0;  // of comments written before it
    bool closing = false;   // a closing brace or the end of the file
  };

  const std::vector<antlr4::Token*>& tokens_;
  LineWriter out_;

  std::ptrdiff_t last_index_ = -1;  // stream index of the last token or comment written
  std::size_t last_line_ = 0;       // its source line
  bool last_was_comment_ = false;

  int depth_ = 0;
  std::vector<antlr4::Token*> open_braces_;
  std::vector<Clause> clauses_{Clause{}};
  std::optional<Pending> pending_;
  bool block_just_opened_ = false;

  bool forced_break_ = false;  // a comment ended the line inside a clause
  bool glue_next_ = false;     // no space before the next token
  bool break_next_ = false;    // keep a source line break before the next token
  bool mark_hang_ = false;     // the next token's column becomes the clause's hang
  std::optional<std::size_t> pad_next_to_;

  std::unordered_set<const antlr4::ParserRuleContext*> aligned_blocks_;
  std::unordered_map<const antlr4::ParserRuleContext*, std::size_t> lead_widths_;
};

// Tokens and comments that carry the file's meaning and content, in order.
std::vector<std::pair<std::size_t, std::string>> significant_tokens(const TokenList& list) {
  std::vector<std::pair<std::size_t, std::string>> result;
  for (antlr4::Token* token : list.tokens()) {
    std::string text = token->getText();
    if (is_comment(token)) {
      while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
    }
    result.emplace_back(token->getType(), std::move(text));
  }
  return result;
}

std::optional<std::string> format_parsed(const common::SourceFile& file,
                                         common::Diagnostics& diagnostics) {
  TokenList list(file.text);
  DiagnosticListener listener(file.path, diagnostics);
  P parser(&list.stream());
  parser.removeErrorListeners();
  parser.addErrorListener(&listener);
  P::FileContext* tree = parser.file();
  if (diagnostics.has_errors()) return std::nullopt;

  std::string formatted = Formatter(list.tokens()).format(tree);

  TokenList again(formatted);
  if (significant_tokens(again) != significant_tokens(list)) {
    diagnostics.error(file.path, common::SourceRange{{1, 1}, {1, 1}},
                      "the formatter would change the tokens or comments of this file, so it "
                      "was left unchanged; please report this as a bug in vigie fmt");
    return std::nullopt;
  }
  return formatted;
}

}  // namespace

std::optional<std::string> format_source(const common::SourceFile& file,
                                         common::Diagnostics& diagnostics) {
  // parse_file reports every syntax and literal error with the messages
  // that `vigie check` prints. The formatter runs only on files without
  // them, so it never has to guess the layout of broken input.
  parse_file(file, diagnostics);
  if (diagnostics.has_errors()) return std::nullopt;

  try {
    return format_parsed(file, diagnostics);
  } catch (const std::exception& failure) {
    // As in parse_file: ANTLR recovers from syntax errors, so an exception
    // is a runtime failure such as memory exhaustion.
    diagnostics.error(file.path, common::SourceRange{{1, 1}, {1, 1}},
                      std::string("the formatter failed: ") + failure.what());
    return std::nullopt;
  }
}

}  // namespace vigie::parse
