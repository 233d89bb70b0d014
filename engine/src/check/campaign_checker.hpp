#pragma once
// Internal to check/: checks one campaign declaration and builds its
// ir::Campaign. The member functions are defined by concept in
// campaign_checker.cpp (clauses, source, dispositions), script.cpp,
// expressions.cpp, rules.cpp and campaign_tests.cpp.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "check/declarations.hpp"
#include "check/reporter.hpp"
#include "common/source.hpp"
#include "ir/campaign.hpp"

namespace vigie::check {

// The names an expression may read, and the text that explains a rejection.
struct Scope {
  std::string subject;  // "the audience filter", used in messages
  bool answers = true;
  std::int32_t answers_before = std::numeric_limits<std::int32_t>::max();
  bool rules = true;  // lets, scores, routes
  bool outcome = true;
  bool attempts = true;
  std::string allowed;  // what it may read instead, for messages
};

// Maps a syntax-tree operator to its IR twin.
ir::BinaryOp to_ir_op(ast::BinaryOp op);

class CampaignChecker {
 public:
  CampaignChecker(const ast::CampaignDecl& decl, const std::string& file, const GlobalScope& scope,
                  const common::SourceManager& sources, Reporter& reporter);

  ir::Campaign check();

 private:
  // Names that expressions read, in one namespace per campaign.
  struct NameEntry {
    enum class Kind { field, question, let, score, route };
    Kind kind;
    std::int32_t index;
    common::SourceRange range;
  };

  enum class RuleState { unvisited, in_progress, done };

  // campaign_checker.cpp
  void check_clauses();
  void check_timezone();
  void check_calendar();
  void check_source();
  void check_dispositions();
  void check_hours_and_retry();
  void declare_names();
  void declare_name(const ast::Identifier& name, NameEntry::Kind kind, std::int32_t index);
  void check_target();
  std::string_view intern(std::string text);
  std::string source_text(common::SourceRange range) const;

  // script.cpp
  void check_script();
  ir::Question check_ask(const ast::AskStep& ask, std::int32_t index);
  void check_options(const ast::AskStep& ask, ir::Question& question);

  // expressions.cpp
  std::optional<ir::Expr> check_expr(const ast::Expr& expr, const Scope& scope);
  std::optional<ir::Expr> check_condition(const ast::Expr& expr, const Scope& scope);
  std::optional<ir::Expr> check_number(const ast::Expr& expr, const Scope& scope,
                                       const std::string& subject);
  std::optional<ir::Expr> check_name(const ast::Expr& expr, const std::string& name,
                                     const Scope& scope);
  std::optional<ir::Expr> check_unary(const ast::Expr& expr, const ast::Unary& unary,
                                      const Scope& scope);
  std::optional<ir::Expr> check_binary(const ast::Expr& expr, const ast::Binary& binary,
                                       const Scope& scope);
  std::optional<ir::Expr> check_comparison(const ast::Expr& expr, const ast::Binary& binary,
                                           const Scope& scope);
  std::optional<ir::Expr> check_has(const ast::Expr& expr, const ast::Binary& binary,
                                    const Scope& scope);
  std::optional<ir::Expr> check_arithmetic(const ast::Expr& expr, const ast::Binary& binary,
                                           const Scope& scope);
  std::optional<ir::Expr> check_logical(const ast::Expr& expr, const ast::Binary& binary,
                                        const Scope& scope);
  std::optional<ir::Expr> check_in_list(const ast::Expr& expr, const ast::InList& in,
                                        const Scope& scope);
  std::optional<ir::Expr> check_conditional(const ast::Expr& expr,
                                            const ast::Conditional& conditional,
                                            const Scope& scope);
  std::optional<ir::Expr> check_call(const ast::Expr& expr, const ast::Call& call,
                                     const Scope& scope);
  std::optional<ir::Expr> check_operand(const ast::Expr& expr, const ir::Type& other,
                                        const Scope& scope);
  std::optional<ir::Expr> literal_for(const ast::Expr& expr, const ir::Type& other);
  std::optional<ir::Expr> set_literal(const ast::Expr& expr, const ast::ListLiteral& list,
                                      const ir::Type& multi);
  void report_not_a_literal(const std::string& name, common::SourceRange range,
                            const ir::Type& other);
  void report_not_bool(const std::string& subject, const ast::Expr& expr, const ir::Type& type);
  void report_unknown_name(const std::string& name, common::SourceRange range);
  bool is_unresolved_name(const ast::Expr& expr) const;
  ir::Type answer_type(std::int32_t question) const;
  std::string type_name(const ir::Type& type) const;
  std::vector<std::string> option_names(const ir::Type& type) const;

  // rules.cpp
  void check_rules();
  void check_rule(ir::RuleRef::Kind kind, std::int32_t index);
  void check_let(std::int32_t index);
  void check_score(std::int32_t index);
  void check_route(std::int32_t index);
  std::optional<ir::Expr> reference_rule(const NameEntry& entry, common::SourceRange range,
                                         const Scope& scope);
  std::string rule_label(ir::RuleRef::Kind kind, std::int32_t index) const;
  void check_useful();

  // campaign_tests.cpp
  void check_tests();
  ir::Test check_test(const ast::TestDecl& test);
  std::optional<ir::TestGiven> check_given(const ast::Given& given);
  std::optional<common::Value> given_value(const ast::Expr& value, const ir::Type& type,
                                           const std::string& target);
  std::optional<common::Value> answer_value(const ast::Expr& value, std::int32_t question);
  std::optional<ir::TestExpect> check_expect(const ast::Expect& expect);

  const ast::CampaignDecl& decl_;
  const std::string& file_;
  const GlobalScope& scope_;
  const common::SourceManager& sources_;
  Reporter& reporter_;
  ir::Campaign campaign_;

  std::map<std::string, NameEntry> names_;
  std::vector<RuleState> let_states_, score_states_, route_states_;
  std::vector<std::optional<ir::Type>> let_types_;
  std::vector<ir::RuleRef> rule_stack_;
};

}  // namespace vigie::check
