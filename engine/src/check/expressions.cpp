// Expressions: name resolution and type checking, producing typed ir::Expr.
// A nullopt result means a diagnostic was already reported for that
// subexpression; callers propagate it without reporting again, so one
// mistake gives one diagnostic.

#include <array>

#include "check/campaign_checker.hpp"

namespace vigie::check {
namespace {

using Kind = ir::TypeKind;

constexpr std::array<const char*, 14> kOperatorNames = {
    "*", "/", "%", "+", "-", "<", "<=", ">", ">=", "==", "!=", "has", "and", "or"};

const char* operator_name(ast::BinaryOp op) {
  return kOperatorNames[static_cast<std::size_t>(op)];
}

bool is_numeric(const ir::Type& type) {
  return type.kind == Kind::integer || type.kind == Kind::decimal;
}

bool is_enum(const ir::Type& type) {
  return type.kind == Kind::yes_no || type.kind == Kind::choice || type.kind == Kind::multi ||
         type.kind == Kind::disposition;
}

// Two operands may be compared with == and != when they have one type, or
// are both numbers (int is promoted to decimal).
bool comparable(const ir::Type& a, const ir::Type& b) {
  return a == b || (is_numeric(a) && is_numeric(b));
}

ir::Type numeric_result(const ir::Type& a, const ir::Type& b) {
  bool both_int = a.kind == Kind::integer && b.kind == Kind::integer;
  return ir::Type{both_int ? Kind::integer : Kind::decimal};
}

ir::Expr make_node(ir::ExprKind kind, ir::Type type, common::SourceRange range) {
  ir::Expr expr;
  expr.kind = kind;
  expr.type = type;
  expr.range = range;
  return expr;
}

ir::Expr make_literal(common::Value value, ir::Type type, common::SourceRange range) {
  ir::Expr expr = make_node(ir::ExprKind::literal, type, range);
  expr.value = value;
  return expr;
}

ir::Expr make_binary(ast::BinaryOp op, ir::Type type, common::SourceRange range, ir::Expr lhs,
                     ir::Expr rhs) {
  ir::Expr expr = make_node(ir::ExprKind::binary, type, range);
  expr.binary_op = to_ir_op(op);
  expr.args.push_back(std::move(lhs));
  expr.args.push_back(std::move(rhs));
  return expr;
}

std::int64_t days_since_epoch(int year, int month, int day) {
  date::sys_days days = date::year(year) / month / day;
  return days.time_since_epoch().count();
}

const std::string* name_of(const ast::Expr& expr) {
  const auto* name = std::get_if<ast::NameRef>(&expr.node);
  return name == nullptr ? nullptr : &name->name;
}

}  // namespace

ir::BinaryOp to_ir_op(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::mul:
      return ir::BinaryOp::mul;
    case ast::BinaryOp::div:
      return ir::BinaryOp::div;
    case ast::BinaryOp::mod:
      return ir::BinaryOp::mod;
    case ast::BinaryOp::add:
      return ir::BinaryOp::add;
    case ast::BinaryOp::sub:
      return ir::BinaryOp::sub;
    case ast::BinaryOp::lt:
      return ir::BinaryOp::lt;
    case ast::BinaryOp::le:
      return ir::BinaryOp::le;
    case ast::BinaryOp::gt:
      return ir::BinaryOp::gt;
    case ast::BinaryOp::ge:
      return ir::BinaryOp::ge;
    case ast::BinaryOp::eq:
      return ir::BinaryOp::eq;
    case ast::BinaryOp::ne:
      return ir::BinaryOp::ne;
    case ast::BinaryOp::has:
      return ir::BinaryOp::has;
    case ast::BinaryOp::logical_and:
      return ir::BinaryOp::logical_and;
    case ast::BinaryOp::logical_or:
      return ir::BinaryOp::logical_or;
  }
  return ir::BinaryOp::eq;
}

std::optional<ir::Expr> CampaignChecker::check_expr(const ast::Expr& expr, const Scope& scope) {
  const common::SourceRange& range = expr.range;
  const auto& node = expr.node;

  if (const auto* literal = std::get_if<ast::IntLiteral>(&node)) {
    return make_literal(common::Value::of_int(literal->value), {Kind::integer}, range);
  }
  if (const auto* literal = std::get_if<ast::DecimalLiteral>(&node)) {
    return make_literal(common::Value::of_decimal(literal->value), {Kind::decimal}, range);
  }
  if (const auto* literal = std::get_if<ast::PercentLiteral>(&node)) {
    return make_literal(common::Value::of_decimal(literal->value), {Kind::decimal}, range);
  }
  if (const auto* literal = std::get_if<ast::StringLiteral>(&node)) {
    return make_literal(common::Value::of_text(intern(literal->value)), {Kind::text}, range);
  }
  if (const auto* literal = std::get_if<ast::BoolLiteral>(&node)) {
    return make_literal(common::Value::of_bool(literal->value), {Kind::boolean}, range);
  }
  if (const auto* literal = std::get_if<ast::DurationLiteral>(&node)) {
    return make_literal(common::Value::of_duration(literal->seconds), {Kind::duration}, range);
  }
  if (const auto* literal = std::get_if<ast::DateLiteral>(&node)) {
    std::int64_t days = days_since_epoch(literal->year, literal->month, literal->day);
    return make_literal(common::Value::of_date(days), {Kind::date}, range);
  }
  if (std::holds_alternative<ast::DateTimeLiteral>(node)) {
    reporter_.error(file_, range,
                    "a date-time cannot appear in an expression; compare with a date such as "
                    "2019-06-24");
    return std::nullopt;
  }
  if (const auto* name = std::get_if<ast::NameRef>(&node))
    return check_name(expr, name->name, scope);
  if (std::holds_alternative<ast::ListLiteral>(node)) {
    reporter_.error(file_, range,
                    "a list may appear only after `in`, compared with a multi question, or in "
                    "`expect routes == [...]`");
    return std::nullopt;
  }
  if (const auto* unary = std::get_if<ast::Unary>(&node)) return check_unary(expr, *unary, scope);
  if (const auto* binary = std::get_if<ast::Binary>(&node)) {
    return check_binary(expr, *binary, scope);
  }
  if (const auto* in = std::get_if<ast::InList>(&node)) return check_in_list(expr, *in, scope);
  if (const auto* conditional = std::get_if<ast::Conditional>(&node)) {
    return check_conditional(expr, *conditional, scope);
  }
  return check_call(expr, std::get<ast::Call>(node), scope);
}

std::optional<ir::Expr> CampaignChecker::check_condition(const ast::Expr& expr,
                                                         const Scope& scope) {
  std::optional<ir::Expr> checked = check_expr(expr, scope);
  if (!checked) return std::nullopt;
  if (checked->type.kind != Kind::boolean) {
    report_not_bool(scope.subject, expr, checked->type);
    return std::nullopt;
  }
  return checked;
}

// The hint rewrites the expression itself into a comparison of its type.
void CampaignChecker::report_not_bool(const std::string& subject, const ast::Expr& expr,
                                      const ir::Type& type) {
  std::string text = source_text(expr.range);
  std::string hint = "compare it with a value of its type";
  if (type.kind == Kind::yes_no) hint = "compare it, as in `" + text + " == yes`";
  if (is_numeric(type)) hint = "compare it, as in `" + text + " > 0`";
  if (type.kind == Kind::choice || type.kind == Kind::multi) {
    std::vector<std::string> options = option_names(type);
    std::string op = type.kind == Kind::multi ? " has " : " == ";
    if (!options.empty()) hint = "compare it, as in `" + text + op + options[0] + "`";
  }
  reporter_.error(file_, expr.range,
                  subject + " must be a bool condition, but this expression is " + type_name(type) +
                      "; " + hint);
}

std::optional<ir::Expr> CampaignChecker::check_number(const ast::Expr& expr, const Scope& scope,
                                                      const std::string& subject) {
  std::optional<ir::Expr> checked = check_expr(expr, scope);
  if (!checked) return std::nullopt;
  if (!is_numeric(checked->type)) {
    reporter_.error(
        file_, expr.range,
        subject + " must be an int or decimal, but this expression is " + type_name(checked->type));
    return std::nullopt;
  }
  return checked;
}

std::optional<ir::Expr> CampaignChecker::check_name(const ast::Expr& expr, const std::string& name,
                                                    const Scope& scope) {
  auto found = names_.find(name);
  if (found != names_.end()) {
    const NameEntry& entry = found->second;
    switch (entry.kind) {
      case NameEntry::Kind::field: {
        const ir::Field& field = campaign_.fields[static_cast<std::size_t>(entry.index)];
        static constexpr std::array<Kind, 6> kFieldTypes = {
            Kind::text, Kind::integer, Kind::decimal, Kind::boolean, Kind::date, Kind::text};
        ir::Expr result = make_node(
            ir::ExprKind::field, {kFieldTypes[static_cast<std::size_t>(field.type)]}, expr.range);
        result.index = entry.index;
        return result;
      }
      case NameEntry::Kind::question: {
        if (!scope.answers) {
          reporter_.error(
              file_, expr.range,
              scope.subject + " cannot read the answer '" + name + "'; " + scope.allowed);
          return std::nullopt;
        }
        if (entry.index >= scope.answers_before) {
          reporter_.error(file_, expr.range,
                          scope.subject + " reads '" + name + "', which is not asked before it; " +
                              scope.allowed);
          return std::nullopt;
        }
        const ir::Question& question = campaign_.questions[static_cast<std::size_t>(entry.index)];
        if (question.kind == ir::StepKind::say) {
          reporter_.error(file_, expr.range,
                          "'" + name + "' is a `say` step and has no answer; name an `ask` step");
          return std::nullopt;
        }
        ir::Expr result = make_node(ir::ExprKind::answer, answer_type(entry.index), expr.range);
        result.index = entry.index;
        return result;
      }
      case NameEntry::Kind::let:
      case NameEntry::Kind::score:
      case NameEntry::Kind::route:
        return reference_rule(entry, expr.range, scope);
    }
  }

  if (name == "outcome") {
    if (!scope.outcome) {
      reporter_.error(file_, expr.range, scope.subject + " cannot read outcome; " + scope.allowed);
      return std::nullopt;
    }
    return make_node(ir::ExprKind::outcome, {Kind::disposition}, expr.range);
  }
  if (name == "attempts") {
    if (!scope.attempts) {
      reporter_.error(file_, expr.range, scope.subject + " cannot read attempts; " + scope.allowed);
      return std::nullopt;
    }
    return make_node(ir::ExprKind::attempts, {Kind::integer}, expr.range);
  }
  if (name == "cycle") return make_node(ir::ExprKind::cycle, {Kind::integer}, expr.range);
  if (name == "today") return make_node(ir::ExprKind::today, {Kind::date}, expr.range);

  report_unknown_name(name, expr.range);
  return std::nullopt;
}

void CampaignChecker::report_unknown_name(const std::string& name, common::SourceRange range) {
  if (name == "routes") {
    reporter_.error(file_, range,
                    "`routes` may appear only in a test, as in `expect routes == [urgence]`");
    return;
  }
  if (name == "yes" || name == "no") {
    reporter_.error(file_, range,
                    "'" + name +
                        "' is a yes_no answer; compare a yes_no question with it, as in "
                        "`alone == " +
                        name + "`");
    return;
  }
  for (const ir::Question& question : campaign_.questions) {
    for (const ir::Option& option : question.options) {
      if (option.id != name) continue;
      std::string example = question.kind == ir::StepKind::multi ? question.id + " has " + name
                                                                 : question.id + " == " + name;
      reporter_.error(file_, range,
                      "'" + name + "' is an option of question '" + question.id +
                          "'; compare the answer with it, as in `" + example + "`");
      return;
    }
  }
  if (campaign_.disposition_index(name) >= 0) {
    reporter_.error(file_, range,
                    "'" + name + "' is a disposition; compare outcome with it, as in `outcome == " +
                        name + "`");
    return;
  }

  std::vector<std::string> candidates = {"outcome", "attempts", "cycle", "today"};
  for (const auto& [known, entry] : names_) candidates.push_back(known);
  reporter_.error(file_, range,
                  common::with_suggestion("unknown name '" + name + "'", name, candidates));
}

std::optional<ir::Expr> CampaignChecker::check_unary(const ast::Expr& expr, const ast::Unary& unary,
                                                     const Scope& scope) {
  std::optional<ir::Expr> operand = check_expr(*unary.operand, scope);
  if (!operand) return std::nullopt;

  bool negate = unary.op == ast::UnaryOp::negate;
  bool valid = negate ? is_numeric(operand->type) || operand->type.kind == Kind::duration
                      : operand->type.kind == Kind::boolean;
  if (!valid) {
    reporter_.error(file_, unary.operand->range,
                    negate ? "'-' needs a number, but this is " + type_name(operand->type)
                           : "`not` needs a bool, but this is " + type_name(operand->type));
    return std::nullopt;
  }

  ir::Expr result = make_node(ir::ExprKind::unary, operand->type, expr.range);
  result.unary_op = negate ? ir::UnaryOp::negate : ir::UnaryOp::logical_not;
  result.args.push_back(std::move(*operand));
  return result;
}

std::optional<ir::Expr> CampaignChecker::check_binary(const ast::Expr& expr,
                                                      const ast::Binary& binary,
                                                      const Scope& scope) {
  switch (binary.op) {
    case ast::BinaryOp::lt:
    case ast::BinaryOp::le:
    case ast::BinaryOp::gt:
    case ast::BinaryOp::ge:
    case ast::BinaryOp::eq:
    case ast::BinaryOp::ne:
      return check_comparison(expr, binary, scope);
    case ast::BinaryOp::has:
      return check_has(expr, binary, scope);
    case ast::BinaryOp::logical_and:
    case ast::BinaryOp::logical_or:
      return check_logical(expr, binary, scope);
    default:
      return check_arithmetic(expr, binary, scope);
  }
}

// The operand checked first gives the type that a bare option or
// disposition name on the other side is read against, so both
// `visits == rarely` and `rarely == visits` work.
std::optional<ir::Expr> CampaignChecker::check_comparison(const ast::Expr& expr,
                                                          const ast::Binary& binary,
                                                          const Scope& scope) {
  bool swapped = is_unresolved_name(*binary.lhs) && !is_unresolved_name(*binary.rhs);
  const ast::Expr& first_ast = swapped ? *binary.rhs : *binary.lhs;
  const ast::Expr& second_ast = swapped ? *binary.lhs : *binary.rhs;

  std::optional<ir::Expr> first = check_expr(first_ast, scope);
  if (!first) {
    if (!is_unresolved_name(second_ast) &&
        !std::holds_alternative<ast::ListLiteral>(second_ast.node)) {
      check_expr(second_ast, scope);
    }
    return std::nullopt;
  }
  if (first->type.kind == Kind::multi && name_of(second_ast) != nullptr &&
      literal_for(second_ast, first->type)) {
    const std::string& id = campaign_.questions[static_cast<std::size_t>(first->type.question)].id;
    reporter_.error(file_, second_ast.range,
                    "question '" + id + "' holds a set of options; test one with `has`, as in `" +
                        id + " has " + *name_of(second_ast) + "`");
    return std::nullopt;
  }
  std::optional<ir::Expr> second = check_operand(second_ast, first->type, scope);
  if (!second) return std::nullopt;

  bool ordering = binary.op != ast::BinaryOp::eq && binary.op != ast::BinaryOp::ne;
  const ir::Type& a = first->type;
  const ir::Type& b = second->type;
  if (!comparable(a, b)) {
    reporter_.error(file_, second_ast.range,
                    std::string("cannot compare ") + type_name(a) + " with " + type_name(b) +
                        " using '" + operator_name(binary.op) + "'; both sides need one type");
    return std::nullopt;
  }
  bool orderable = is_numeric(a) || a.kind == Kind::date || a.kind == Kind::duration;
  if (ordering && !orderable) {
    reporter_.error(file_, binary.op_range,
                    std::string("'") + operator_name(binary.op) +
                        "' orders numbers, dates and "
                        "durations, not " +
                        type_name(a) + "; use == or !=");
    return std::nullopt;
  }

  ir::Expr lhs = swapped ? std::move(*second) : std::move(*first);
  ir::Expr rhs = swapped ? std::move(*first) : std::move(*second);
  return make_binary(binary.op, {Kind::boolean}, expr.range, std::move(lhs), std::move(rhs));
}

std::optional<ir::Expr> CampaignChecker::check_has(const ast::Expr& expr, const ast::Binary& binary,
                                                   const Scope& scope) {
  std::optional<ir::Expr> set = check_expr(*binary.lhs, scope);
  if (!set) return std::nullopt;
  if (set->type.kind != Kind::multi) {
    reporter_.error(file_, binary.lhs->range,
                    "`has` needs a multi question on its left, as in `symptoms has confusion`, "
                    "but this is " +
                        type_name(set->type));
    return std::nullopt;
  }

  ir::Type element{Kind::choice, set->type.question};
  std::optional<ir::Expr> option = literal_for(*binary.rhs, element);
  if (!option) {
    const std::string* name = name_of(*binary.rhs);
    if (name != nullptr) {
      report_not_a_literal(*name, binary.rhs->range, element);
    } else {
      reporter_.error(file_, binary.rhs->range,
                      "`has` needs an option of question '" +
                          campaign_.questions[static_cast<std::size_t>(set->type.question)].id +
                          "' on its right; options are " + join_names(option_names(element)));
    }
    return std::nullopt;
  }
  return make_binary(binary.op, {Kind::boolean}, expr.range, std::move(*set), std::move(*option));
}

std::optional<ir::Expr> CampaignChecker::check_arithmetic(const ast::Expr& expr,
                                                          const ast::Binary& binary,
                                                          const Scope& scope) {
  std::optional<ir::Expr> lhs = check_expr(*binary.lhs, scope);
  std::optional<ir::Expr> rhs = check_expr(*binary.rhs, scope);
  if (!lhs || !rhs) return std::nullopt;

  const ir::Type& a = lhs->type;
  const ir::Type& b = rhs->type;
  std::string op = operator_name(binary.op);
  bool additive = binary.op == ast::BinaryOp::add || binary.op == ast::BinaryOp::sub;
  if (additive && a.kind == Kind::duration && b.kind == Kind::duration) {
    return make_binary(binary.op, a, expr.range, std::move(*lhs), std::move(*rhs));
  }
  if (additive && a.kind == Kind::date && b.kind == Kind::date) {
    reporter_.error(file_, binary.op_range,
                    "dates cannot be added or subtracted; use days_between(a, b) for the "
                    "number of days between two dates");
    return std::nullopt;
  }
  if (!is_numeric(a) || !is_numeric(b)) {
    const ast::Expr& offending = !is_numeric(a) ? *binary.lhs : *binary.rhs;
    const ir::Type& offending_type = !is_numeric(a) ? a : b;
    reporter_.error(
        file_, offending.range,
        "'" + op + "' needs int or decimal operands, but this is " + type_name(offending_type));
    return std::nullopt;
  }
  if (binary.op == ast::BinaryOp::mod && (a.kind != Kind::integer || b.kind != Kind::integer)) {
    const ast::Expr& offending = a.kind != Kind::integer ? *binary.lhs : *binary.rhs;
    reporter_.error(file_, offending.range, "'%' needs int operands, but this is decimal");
    return std::nullopt;
  }

  // Division always gives a decimal: a campaign designer reading 7 / 2
  // expects 3.5, not 3.
  ir::Type type = binary.op == ast::BinaryOp::div ? ir::Type{Kind::decimal} : numeric_result(a, b);
  return make_binary(binary.op, type, expr.range, std::move(*lhs), std::move(*rhs));
}

std::optional<ir::Expr> CampaignChecker::check_logical(const ast::Expr& expr,
                                                       const ast::Binary& binary,
                                                       const Scope& scope) {
  std::optional<ir::Expr> lhs = check_expr(*binary.lhs, scope);
  std::optional<ir::Expr> rhs = check_expr(*binary.rhs, scope);
  std::string op = operator_name(binary.op);
  for (const auto& [checked, source] :
       {std::pair{&lhs, binary.lhs.get()}, std::pair{&rhs, binary.rhs.get()}}) {
    if (*checked && (*checked)->type.kind != Kind::boolean) {
      report_not_bool("each side of `" + op + "`", *source, (*checked)->type);
      checked->reset();
    }
  }
  if (!lhs || !rhs) return std::nullopt;
  return make_binary(binary.op, {Kind::boolean}, expr.range, std::move(*lhs), std::move(*rhs));
}

std::optional<ir::Expr> CampaignChecker::check_in_list(const ast::Expr& expr, const ast::InList& in,
                                                       const Scope& scope) {
  std::optional<ir::Expr> value = check_expr(*in.value, scope);
  if (!value) return std::nullopt;
  if (value->type.kind == Kind::multi) {
    reporter_.error(file_, in.value->range,
                    "'in' tests one value, but this is a set of options; use `has` for each "
                    "option");
    return std::nullopt;
  }

  ir::Expr result = make_node(ir::ExprKind::in_list, {Kind::boolean}, expr.range);
  bool valid = true;
  for (const ast::ExprPtr& item : in.items) {
    std::optional<ir::Expr> checked = check_operand(*item, value->type, scope);
    if (!checked) {
      valid = false;
      continue;
    }
    if (!comparable(value->type, checked->type)) {
      reporter_.error(file_, item->range,
                      "this item is " + type_name(checked->type) + ", but the value is " +
                          type_name(value->type) + "; list items of the value's type");
      valid = false;
      continue;
    }
    result.args.push_back(std::move(*checked));
  }
  if (!valid) return std::nullopt;
  result.args.insert(result.args.begin(), std::move(*value));
  return result;
}

std::optional<ir::Expr> CampaignChecker::check_conditional(const ast::Expr& expr,
                                                           const ast::Conditional& conditional,
                                                           const Scope& scope) {
  std::optional<ir::Expr> condition = check_expr(*conditional.condition, scope);
  if (condition && condition->type.kind != Kind::boolean) {
    report_not_bool("the condition of '?:'", *conditional.condition, condition->type);
    condition.reset();
  }
  std::optional<ir::Expr> then_value = check_expr(*conditional.then_value, scope);
  std::optional<ir::Expr> else_value =
      then_value ? check_operand(*conditional.else_value, then_value->type, scope)
                 : check_expr(*conditional.else_value, scope);
  if (!condition || !then_value || !else_value) return std::nullopt;

  const ir::Type& a = then_value->type;
  const ir::Type& b = else_value->type;
  if (!comparable(a, b)) {
    reporter_.error(file_, conditional.else_value->range,
                    "both branches of '?:' need one type, but this one is " + type_name(b) +
                        " and the other " + type_name(a));
    return std::nullopt;
  }

  ir::Type type = is_numeric(a) ? numeric_result(a, b) : a;
  ir::Expr result = make_node(ir::ExprKind::conditional, type, expr.range);
  result.args.push_back(std::move(*condition));
  result.args.push_back(std::move(*then_value));
  result.args.push_back(std::move(*else_value));
  return result;
}

// An operand compared with `other`: a bare name that is a value of other's
// enum type (an option, yes/no, a disposition) becomes a literal, and
// wins over a field or answer of the same name.
std::optional<ir::Expr> CampaignChecker::check_operand(const ast::Expr& expr, const ir::Type& other,
                                                       const Scope& scope) {
  if (const auto* list = std::get_if<ast::ListLiteral>(&expr.node);
      list != nullptr && other.kind == Kind::multi) {
    return set_literal(expr, *list, other);
  }
  if (!is_enum(other)) return check_expr(expr, scope);

  if (std::optional<ir::Expr> literal = literal_for(expr, other)) return literal;
  const std::string* name = name_of(expr);
  if (name != nullptr && is_unresolved_name(expr)) {
    report_not_a_literal(*name, expr.range, other);
    return std::nullopt;
  }
  return check_expr(expr, scope);
}

std::optional<ir::Expr> CampaignChecker::literal_for(const ast::Expr& expr, const ir::Type& other) {
  const std::string* name = name_of(expr);
  if (name == nullptr) return std::nullopt;

  if (other.kind == Kind::yes_no) {
    if (*name != "yes" && *name != "no") return std::nullopt;
    return make_literal(common::Value::of_option(*name == "yes" ? 0 : 1), other, expr.range);
  }
  if (other.kind == Kind::disposition) {
    std::int32_t index = campaign_.disposition_index(*name);
    if (index < 0) return std::nullopt;
    return make_literal(common::Value::of_disposition(index), other, expr.range);
  }
  if (other.kind != Kind::choice && other.kind != Kind::multi) return std::nullopt;

  const std::vector<ir::Option>& options =
      campaign_.questions[static_cast<std::size_t>(other.question)].options;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (options[i].id != *name) continue;
    return make_literal(common::Value::of_option(static_cast<std::int32_t>(i)),
                        ir::Type{Kind::choice, other.question}, expr.range);
  }
  return std::nullopt;
}

std::optional<ir::Expr> CampaignChecker::set_literal(const ast::Expr& expr,
                                                     const ast::ListLiteral& list,
                                                     const ir::Type& multi) {
  std::uint64_t bits = 0;
  bool valid = true;
  for (const ast::ExprPtr& item : list.items) {
    std::optional<ir::Expr> option = literal_for(*item, multi);
    if (!option) {
      const std::string* name = name_of(*item);
      if (name != nullptr) {
        report_not_a_literal(*name, item->range, multi);
      } else {
        reporter_.error(file_, item->range,
                        "list an option of question '" +
                            campaign_.questions[static_cast<std::size_t>(multi.question)].id +
                            "' here; options are " + join_names(option_names(multi)));
      }
      valid = false;
      continue;
    }
    // Options past the 64th were already reported on the question.
    if (option->value.index >= 64) continue;
    std::uint64_t bit = std::uint64_t{1} << option->value.index;
    if ((bits & bit) != 0) {
      reporter_.error(file_, item->range,
                      "option '" + *name_of(*item) + "' is listed twice; list it once");
      valid = false;
    }
    bits |= bit;
  }
  if (!valid) return std::nullopt;
  return make_literal(common::Value::of_set(bits), multi, expr.range);
}

void CampaignChecker::report_not_a_literal(const std::string& name, common::SourceRange range,
                                           const ir::Type& other) {
  std::vector<std::string> names = option_names(other);
  if (other.kind == Kind::yes_no) {
    reporter_.error(file_, range, "a yes_no answer is yes or no, not '" + name + "'");
    return;
  }
  if (other.kind == Kind::disposition) {
    reporter_.error(file_, range, unknown_message("disposition", name, names, "dispositions"));
    return;
  }
  const ir::Question& question = campaign_.questions[static_cast<std::size_t>(other.question)];
  reporter_.error(file_, range,
                  common::with_suggestion("question '" + question.id + "' has no option '" + name +
                                              "'; options are " + join_names(names),
                                          name, names));
}

bool CampaignChecker::is_unresolved_name(const ast::Expr& expr) const {
  const std::string* name = name_of(expr);
  if (name == nullptr) return false;
  if (names_.count(*name) != 0) return false;
  return *name != "outcome" && *name != "attempts" && *name != "cycle" && *name != "today";
}

std::optional<ir::Expr> CampaignChecker::check_call(const ast::Expr& expr, const ast::Call& call,
                                                    const Scope& scope) {
  struct Signature {
    const char* name;
    ir::Function function;
    const char* usage;
  };
  static constexpr std::array<Signature, 6> kFunctions = {{
      {"age", ir::Function::age, "age(date)"},
      {"count", ir::Function::count, "count(multi question)"},
      {"answered", ir::Function::answered, "answered(question)"},
      {"min", ir::Function::min, "min(number, number, ...)"},
      {"max", ir::Function::max, "max(number, number, ...)"},
      {"days_between", ir::Function::days_between, "days_between(date, date)"},
  }};

  const std::string& name = call.function.name;
  const Signature* signature = nullptr;
  std::vector<std::string> names;
  for (const Signature& candidate : kFunctions) {
    names.emplace_back(candidate.name);
    if (name == candidate.name) signature = &candidate;
  }
  if (signature == nullptr) {
    reporter_.error(
        file_, call.function.range,
        common::with_suggestion(
            "unknown function '" + name + "'; functions are " + join_names(names), name, names));
    return std::nullopt;
  }

  ir::Function function = signature->function;
  bool variadic = function == ir::Function::min || function == ir::Function::max;
  std::size_t arity = function == ir::Function::days_between ? 2 : 1;
  if ((variadic && call.args.size() < 2) || (!variadic && call.args.size() != arity)) {
    std::string expected = variadic     ? "at least 2 arguments"
                           : arity == 1 ? "1 argument"
                                        : "2 arguments";
    reporter_.error(file_, call.function.range,
                    name + " takes " + expected + ", as in " + signature->usage + ", not " +
                        std::to_string(call.args.size()));
    return std::nullopt;
  }

  ir::Expr result = make_node(ir::ExprKind::call, {Kind::integer}, expr.range);
  result.function = function;
  if (function == ir::Function::answered) {
    const std::string* question = name_of(*call.args[0]);
    auto entry = question == nullptr ? names_.end() : names_.find(*question);
    if (entry == names_.end() || entry->second.kind != NameEntry::Kind::question) {
      reporter_.error(file_, call.args[0]->range,
                      "answered takes a question id, as in answered(temp)");
      return std::nullopt;
    }
    std::optional<ir::Expr> answer = check_expr(*call.args[0], scope);
    if (!answer) return std::nullopt;
    result.type = {Kind::boolean};
    result.args.push_back(std::move(*answer));
    return result;
  }

  bool valid = true;
  for (const ast::ExprPtr& arg : call.args) {
    std::optional<ir::Expr> checked = check_expr(*arg, scope);
    if (!checked) {
      valid = false;
      continue;
    }
    bool accepted = function == ir::Function::count ? checked->type.kind == Kind::multi
                    : variadic                      ? is_numeric(checked->type)
                                                    : checked->type.kind == Kind::date;
    if (!accepted) {
      reporter_.error(file_, arg->range,
                      name + " is called as " + signature->usage + ", but this argument is " +
                          type_name(checked->type));
      valid = false;
      continue;
    }
    if (checked->type.kind == Kind::decimal) result.type = {Kind::decimal};
    result.args.push_back(std::move(*checked));
  }
  if (!valid) return std::nullopt;
  return result;
}

ir::Type CampaignChecker::answer_type(std::int32_t index) const {
  const ir::Question& question = campaign_.questions[static_cast<std::size_t>(index)];
  switch (question.kind) {
    case ir::StepKind::yes_no:
      return {Kind::yes_no};
    case ir::StepKind::choice:
      return {Kind::choice, index};
    case ir::StepKind::multi:
      return {Kind::multi, index};
    case ir::StepKind::number:
      return {question.integer ? Kind::integer : Kind::decimal};
    case ir::StepKind::say:
      break;
  }
  return {Kind::boolean};
}

std::string CampaignChecker::type_name(const ir::Type& type) const {
  auto question_id = [&]() -> std::string {
    if (type.question < 0 ||
        static_cast<std::size_t>(type.question) >= campaign_.questions.size()) {
      return "?";
    }
    return campaign_.questions[static_cast<std::size_t>(type.question)].id;
  };
  switch (type.kind) {
    case Kind::boolean:
      return "bool";
    case Kind::integer:
      return "int";
    case Kind::decimal:
      return "decimal";
    case Kind::text:
      return "text";
    case Kind::date:
      return "date";
    case Kind::duration:
      return "duration";
    case Kind::yes_no:
      return "yes_no";
    case Kind::choice:
      return "an answer to '" + question_id() + "'";
    case Kind::multi:
      return "the options chosen in '" + question_id() + "'";
    case Kind::disposition:
      return "disposition";
    case Kind::route_list:
      return "a list of routes";
  }
  return "?";
}

std::vector<std::string> CampaignChecker::option_names(const ir::Type& type) const {
  std::vector<std::string> names;
  if (type.kind == Kind::yes_no) return {"yes", "no"};
  if (type.kind == Kind::disposition) {
    for (const ir::Disposition& disposition : campaign_.dispositions) {
      names.push_back(disposition.name);
    }
    return names;
  }
  if (type.question < 0) return names;
  for (const ir::Option& option :
       campaign_.questions[static_cast<std::size_t>(type.question)].options) {
    names.push_back(option.id);
  }
  return names;
}

}  // namespace vigie::check
