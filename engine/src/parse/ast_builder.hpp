#pragma once
// Walks the ANTLR parse tree of one file and builds the AST. Literals are
// decoded here and malformed ones reported; a repeated single clause is
// reported and the first one kept. Parts that a syntax error left
// incomplete are skipped (the syntax error is already reported). Internal
// to parse/.

#include <optional>
#include <string>
#include <string_view>

#include "VigieParser.h"
#include "ast/ast.hpp"
#include "common/diagnostic.hpp"

namespace vigie::parse {

// Deepest expression tree accepted. Deeper trees (for example a chain of
// thousands of `not`) are reported so that the recursive passes of later
// layers cannot overflow the stack.
constexpr int kMaxExpressionDepth = 500;

// The token the parser really matched: null when the terminal is absent or
// was made up by error recovery (a "missing" token).
antlr4::Token* matched(antlr4::tree::TerminalNode* node);
antlr4::Token* matched(antlr4::Token* token);

class AstBuilder {
 public:
  AstBuilder(std::string path, common::Diagnostics& diagnostics)
      : path_(std::move(path)), diagnostics_(diagnostics) {}

  ast::File build(vigie_gen::VigieParser::FileContext* context);

 private:
  using P = vigie_gen::VigieParser;

  // An expression with the height of its tree; `expr` is null when a part
  // is missing after a syntax error or the tree is too deep.
  struct Built {
    ast::ExprPtr expr;
    int depth = 0;
  };

  // Clause keywords already seen in one campaign, for the blocks that the
  // AST stores as plain vectors.
  struct SeenClauses {
    bool dispositions = false;
  };

  void error(common::SourceRange range, std::string message);

  // Terminals and literals; each returns nullopt when the token is missing
  // or malformed (malformed literals are reported).
  std::optional<ast::Identifier> identifier(antlr4::tree::TerminalNode* node);
  std::optional<ast::Identifier> identifier(P::NameContext* context);
  std::optional<ast::StringLit> string_literal(antlr4::tree::TerminalNode* node);
  std::optional<ast::DateLit> date_literal(antlr4::tree::TerminalNode* node);
  std::optional<ast::DurationLit> duration_literal(antlr4::tree::TerminalNode* node);
  std::optional<ast::TimeOfDayLit> time_literal(antlr4::Token* token, bool allow_end_of_day);
  std::optional<std::int64_t> int_literal(antlr4::tree::TerminalNode* node);

  // Declarations.
  void add_top_decl(P::TopDeclContext* context, ast::File& file);
  std::optional<ast::HoursBlock> hours_block(P::HoursBlockContext* context);
  std::optional<ast::HoursLine> hours_line(P::HoursLineContext* context);
  bool hours_selector(P::HoursSelectorContext* context, ast::HoursLine& line);
  std::optional<int> weekday(antlr4::Token* token);
  std::optional<ast::Interval> interval(P::IntervalContext* context);
  std::optional<ast::RetryBlock> retry_block(P::RetryBlockContext* context);
  void add_retry_clause(P::RetryClauseContext* context, ast::RetryBlock& block);
  std::optional<ast::RetryRule> retry_rule(P::RetryActionContext* action, ast::RetryRule rule);
  std::optional<ast::CalendarDecl> calendar_decl(P::CalendarDeclContext* context);

  // Campaigns.
  std::optional<ast::CampaignDecl> campaign_decl(P::CampaignDeclContext* context);
  void add_campaign_clause(P::CampaignClauseContext* context, ast::CampaignDecl& campaign,
                           SeenClauses& seen);
  bool add_setting_clause(P::CampaignClauseContext* context, ast::CampaignDecl& campaign);
  bool add_schedule_clause(P::CampaignClauseContext* context, ast::CampaignDecl& campaign,
                           SeenClauses& seen);
  bool add_logic_clause(P::CampaignClauseContext* context, ast::CampaignDecl& campaign);
  bool is_first(bool already_set, antlr4::ParserRuleContext* clause, std::string_view keyword,
                std::string_view owner, std::string_view noun);
  void add_timezone(P::TimezoneClauseContext* context, ast::CampaignDecl& campaign);
  std::optional<ast::SourceDecl> source_decl(P::SourceClauseContext* context);
  std::optional<ast::Trigger> trigger(P::TriggerClauseContext* context);
  std::optional<ast::DispositionDecl> disposition(P::DispositionDeclContext* context);
  std::optional<ast::Script> script(P::ScriptClauseContext* context);
  std::optional<ast::ScriptStep> script_step(P::ScriptStepContext* context);
  bool question_kind(P::QuestionKindContext* context, ast::AskStep& step);
  bool ask_flags(P::AskStepContext* context, ast::AskStep& step);
  std::optional<ast::NumberBound> number_bound(P::NumberBoundContext* context);
  std::optional<ast::ScoreDecl> score_decl(P::ScoreClauseContext* context);
  std::optional<ast::RouteDecl> route_decl(P::RouteDeclClauseContext* context);
  std::optional<ast::TestDecl> test_decl(P::TestDeclClauseContext* context);
  std::optional<ast::ExprClause> expr_clause(antlr4::ParserRuleContext* clause,
                                             P::ExprContext* value);

  // Expressions, one method per precedence level.
  ast::ExprPtr expression(P::ExprContext* context);
  Built conditional(P::ExprContext* context);
  Built or_chain(P::OrExprContext* context);
  Built and_chain(P::AndExprContext* context);
  Built comparison(P::ComparisonContext* context);
  Built additive(P::AdditiveContext* context);
  Built multiplicative(P::MultiplicativeContext* context);
  Built unary(P::UnaryContext* context);
  Built primary(P::PrimaryContext* context);
  Built literal(P::PrimaryContext* context);
  Built call(P::NameRefContext* context);
  Built list(P::ListLiteralContext* context);
  bool expression_list(const std::vector<P::ExprContext*>& contexts,
                       std::vector<ast::ExprPtr>& items, int& depth);
  Built make(common::SourceRange range, int child_depth, decltype(ast::Expr::node) node);
  Built binary(ast::BinaryOp op, antlr4::Token* op_token, Built lhs, Built rhs);
  void reject_negative_literal(const ast::Expr& operand, common::SourceRange range);

  std::string path_;
  common::Diagnostics& diagnostics_;
};

}  // namespace vigie::parse
