// Lets, scores and routes: checked on first reference so that a rule's type
// is known where it is read, which also finds cycles and gives the
// dependency order (Campaign::rule_order).

#include "check/campaign_checker.hpp"

namespace vigie::check {
namespace {

using RuleKind = ir::RuleRef::Kind;

constexpr std::size_t kMaxRuleDepth = 256;

const Scope& rule_scope() {
  static const Scope scope{
      "a rule",         /*answers=*/true,  std::numeric_limits<std::int32_t>::max(),
      /*rules=*/true,
      /*outcome=*/true, /*attempts=*/true, ""};
  return scope;
}

}  // namespace

void CampaignChecker::check_rules() {
  for (const ast::LetDecl& let : decl_.lets) {
    campaign_.lets.push_back(ir::Let{let.name.name, ir::Expr{}, let.range});
  }
  for (const ast::ScoreDecl& score : decl_.scores) {
    campaign_.scores.push_back(ir::Score{score.name.name, false, {}, score.range});
  }
  for (const ast::RouteDecl& route : decl_.routes) {
    ir::Route checked;
    checked.name = route.name.name;
    checked.title = route.title ? route.title->value : route.name.name;
    checked.range = route.range;
    campaign_.routes.push_back(std::move(checked));
  }
  let_states_.assign(decl_.lets.size(), RuleState::unvisited);
  let_types_.assign(decl_.lets.size(), std::nullopt);
  score_states_.assign(decl_.scores.size(), RuleState::unvisited);
  route_states_.assign(decl_.routes.size(), RuleState::unvisited);

  for (std::size_t i = 0; i < decl_.lets.size(); ++i) {
    check_rule(RuleKind::let, static_cast<std::int32_t>(i));
  }
  for (std::size_t i = 0; i < decl_.scores.size(); ++i) {
    check_rule(RuleKind::score, static_cast<std::int32_t>(i));
  }
  for (std::size_t i = 0; i < decl_.routes.size(); ++i) {
    check_rule(RuleKind::route, static_cast<std::int32_t>(i));
  }
}

void CampaignChecker::check_rule(RuleKind kind, std::int32_t index) {
  std::vector<RuleState>& states = kind == RuleKind::let     ? let_states_
                                   : kind == RuleKind::score ? score_states_
                                                             : route_states_;
  auto position = static_cast<std::size_t>(index);
  if (states[position] != RuleState::unvisited) return;

  states[position] = RuleState::in_progress;
  rule_stack_.push_back(ir::RuleRef{kind, index});
  switch (kind) {
    case RuleKind::let:
      check_let(index);
      break;
    case RuleKind::score:
      check_score(index);
      break;
    case RuleKind::route:
      check_route(index);
      break;
  }
  rule_stack_.pop_back();
  states[position] = RuleState::done;
  campaign_.rule_order.push_back(ir::RuleRef{kind, index});
}

void CampaignChecker::check_let(std::int32_t index) {
  const ast::LetDecl& let = decl_.lets[static_cast<std::size_t>(index)];
  if (!let.value) return;
  std::optional<ir::Expr> value = check_expr(*let.value, rule_scope());
  if (!value) return;
  let_types_[static_cast<std::size_t>(index)] = value->type;
  campaign_.lets[static_cast<std::size_t>(index)].value = std::move(*value);
}

void CampaignChecker::check_score(std::int32_t index) {
  const ast::ScoreDecl& score = decl_.scores[static_cast<std::size_t>(index)];
  ir::Score& checked = campaign_.scores[static_cast<std::size_t>(index)];
  Scope scope = rule_scope();
  scope.subject = "the condition of a rule of score '" + score.name.name + "'";

  for (const ast::ScoreRule& rule : score.rules) {
    std::optional<ir::Expr> condition =
        rule.condition ? check_condition(*rule.condition, scope) : std::nullopt;
    std::optional<ir::Expr> points =
        rule.points ? check_number(*rule.points, scope, "the points of a score rule")
                    : std::nullopt;
    if (!condition || !points) continue;
    if (points->type.kind == ir::TypeKind::decimal) checked.decimal = true;
    checked.rules.push_back(ir::ScoreRule{std::move(*condition), std::move(*points)});
  }
}

void CampaignChecker::check_route(std::int32_t index) {
  const ast::RouteDecl& route = decl_.routes[static_cast<std::size_t>(index)];
  ir::Route& checked = campaign_.routes[static_cast<std::size_t>(index)];
  Scope scope = rule_scope();
  scope.subject = "the `when` of route '" + route.name.name + "'";

  if (!route.when) {
    reporter_.error(file_, route.name.range,
                    "route '" + route.name.name +
                        "' has no `when` line; add the condition that fires it, as in `when "
                        "risk >= 8`");
  } else if (std::optional<ir::Expr> when = check_condition(*route.when, scope)) {
    checked.when = std::move(*when);
  }

  if (!route.notifier || !route.within) {
    reporter_.error(file_, route.name.range,
                    "route '" + route.name.name +
                        "' has no `notify NAME within D` line; add one, as in `notify "
                        "cellule_urgence within 1h`");
    return;
  }
  checked.notifier = route.notifier->name;
  checked.within = common::Seconds(route.within->seconds);
}

std::optional<ir::Expr> CampaignChecker::reference_rule(const NameEntry& entry,
                                                        common::SourceRange range,
                                                        const Scope& scope) {
  RuleKind kind = entry.kind == NameEntry::Kind::let     ? RuleKind::let
                  : entry.kind == NameEntry::Kind::score ? RuleKind::score
                                                         : RuleKind::route;
  if (!scope.rules) {
    reporter_.error(
        file_, range,
        scope.subject + " cannot read " + rule_label(kind, entry.index) + "; " + scope.allowed);
    return std::nullopt;
  }

  // Each dependency level costs a few stack frames; a chain this long is a
  // generated campaign gone wrong, not a hand-written one.
  if (rule_stack_.size() >= kMaxRuleDepth) {
    reporter_.error(file_, range,
                    "rules depend on each other more than " + std::to_string(kMaxRuleDepth) +
                        " levels deep here; compute intermediate values in fewer steps");
    return std::nullopt;
  }

  const std::vector<RuleState>& states = kind == RuleKind::let     ? let_states_
                                         : kind == RuleKind::score ? score_states_
                                                                   : route_states_;
  if (states[static_cast<std::size_t>(entry.index)] == RuleState::in_progress) {
    std::string path;
    bool in_cycle = false;
    for (const ir::RuleRef& rule : rule_stack_) {
      in_cycle = in_cycle || (rule.kind == kind && rule.index == entry.index);
      if (in_cycle) path += rule_label(rule.kind, rule.index) + " -> ";
    }
    path += rule_label(kind, entry.index);
    reporter_.error(file_, range,
                    "cycle among rules: " + path + "; a rule cannot depend on itself");
    return std::nullopt;
  }
  check_rule(kind, entry.index);

  ir::Expr result;
  result.range = range;
  result.index = entry.index;
  switch (kind) {
    case RuleKind::let: {
      const std::optional<ir::Type>& type = let_types_[static_cast<std::size_t>(entry.index)];
      if (!type) return std::nullopt;
      result.kind = ir::ExprKind::let;
      result.type = *type;
      break;
    }
    case RuleKind::score:
      result.kind = ir::ExprKind::score;
      result.type = {campaign_.scores[static_cast<std::size_t>(entry.index)].decimal
                         ? ir::TypeKind::decimal
                         : ir::TypeKind::integer};
      break;
    case RuleKind::route:
      result.kind = ir::ExprKind::route;
      result.type = {ir::TypeKind::boolean};
      break;
  }
  return result;
}

std::string CampaignChecker::rule_label(RuleKind kind, std::int32_t index) const {
  auto position = static_cast<std::size_t>(index);
  switch (kind) {
    case RuleKind::let:
      return "let '" + decl_.lets[position].name.name + "'";
    case RuleKind::score:
      return "score '" + decl_.scores[position].name.name + "'";
    case RuleKind::route:
      return "route '" + decl_.routes[position].name.name + "'";
  }
  return "?";
}

// Without a `useful` clause a contact is useful when the questionnaire was
// completed, which is how the service contract counts a useful contact.
void CampaignChecker::check_useful() {
  if (decl_.useful) {
    Scope scope = rule_scope();
    scope.subject = "`useful when`";
    campaign_.useful = check_condition(*decl_.useful->value, scope);
    return;
  }

  ir::Expr outcome;
  outcome.kind = ir::ExprKind::outcome;
  outcome.type = {ir::TypeKind::disposition};
  ir::Expr completed;
  completed.kind = ir::ExprKind::literal;
  completed.type = {ir::TypeKind::disposition};
  completed.value = common::Value::of_disposition(ir::kCompleted);
  ir::Expr useful;
  useful.kind = ir::ExprKind::binary;
  useful.type = {ir::TypeKind::boolean};
  useful.binary_op = ir::BinaryOp::eq;
  useful.args.push_back(std::move(outcome));
  useful.args.push_back(std::move(completed));
  campaign_.useful = std::move(useful);
}

}  // namespace vigie::check
