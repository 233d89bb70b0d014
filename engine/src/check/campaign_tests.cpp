// `test` blocks inside a campaign: `given` values and `expect` conditions.

#include <algorithm>

#include "check/campaign_checker.hpp"

namespace vigie::check {
namespace {

using Kind = ir::TypeKind;

// A number literal, possibly negated: `42`, `-3.5`.
struct NumberLiteral {
  double value = 0;
  bool integer = true;
};

std::optional<NumberLiteral> number_literal(const ast::Expr& expr) {
  if (const auto* literal = std::get_if<ast::IntLiteral>(&expr.node)) {
    return NumberLiteral{static_cast<double>(literal->value), true};
  }
  if (const auto* literal = std::get_if<ast::DecimalLiteral>(&expr.node)) {
    return NumberLiteral{literal->value, false};
  }
  const auto* unary = std::get_if<ast::Unary>(&expr.node);
  if (unary == nullptr || unary->op != ast::UnaryOp::negate || !unary->operand) return std::nullopt;
  std::optional<NumberLiteral> operand = number_literal(*unary->operand);
  if (operand) operand->value = -operand->value;
  return operand;
}

common::Value number_value(const NumberLiteral& number, bool integer) {
  if (integer) return common::Value::of_int(static_cast<std::int64_t>(number.value));
  return common::Value::of_decimal(number.value);
}

const Scope& expect_scope() {
  static const Scope scope{
      "an expectation", /*answers=*/true,  std::numeric_limits<std::int32_t>::max(),
      /*rules=*/true,
      /*outcome=*/true, /*attempts=*/true, ""};
  return scope;
}

}  // namespace

void CampaignChecker::check_tests() {
  for (const ast::TestDecl& test : decl_.tests) campaign_.tests.push_back(check_test(test));
}

ir::Test CampaignChecker::check_test(const ast::TestDecl& test) {
  ir::Test checked;
  checked.name = test.name.value;
  checked.file = file_;
  checked.range = test.range;

  std::map<std::string, const ast::Given*> seen;
  for (const ast::Given& given : test.givens) {
    auto [it, inserted] = seen.emplace(given.name.name, &given);
    if (!inserted) {
      reporter_.error(file_, given.name.range,
                      "'" + given.name.name + "' is already given at " +
                          format_position(file_, it->second->name.range) + "; give it once");
      continue;
    }
    if (std::optional<ir::TestGiven> value = check_given(given)) {
      checked.givens.push_back(std::move(*value));
    }
  }
  for (const ast::Expect& expect : test.expects) {
    if (std::optional<ir::TestExpect> value = check_expect(expect)) {
      checked.expects.push_back(std::move(*value));
    }
  }
  return checked;
}

std::optional<ir::TestGiven> CampaignChecker::check_given(const ast::Given& given) {
  const std::string& name = given.name.name;
  ir::TestGiven checked;
  checked.range = given.range;
  if (!given.value) return std::nullopt;
  const ast::Expr& value = *given.value;

  std::optional<common::Value> result;
  auto found = names_.find(name);
  if (found != names_.end() && found->second.kind == NameEntry::Kind::field) {
    checked.kind = ir::TestGiven::Kind::field;
    checked.index = found->second.index;
    ir::FieldType type = campaign_.fields[static_cast<std::size_t>(checked.index)].type;
    static constexpr std::array<Kind, 6> kFieldKinds = {Kind::text,    Kind::integer, Kind::decimal,
                                                        Kind::boolean, Kind::date,    Kind::text};
    result =
        given_value(value, {kFieldKinds[static_cast<std::size_t>(type)]}, "field '" + name + "'");
  } else if (found != names_.end() && found->second.kind == NameEntry::Kind::question) {
    checked.kind = ir::TestGiven::Kind::answer;
    checked.index = found->second.index;
    result = answer_value(value, checked.index);
  } else if (found != names_.end()) {
    reporter_.error(file_, given.name.range,
                    "'" + name +
                        "' is computed from the answers; a test gives only fields, "
                        "answers, today, outcome, attempts and cycle");
    return std::nullopt;
  } else if (name == "today") {
    checked.kind = ir::TestGiven::Kind::today;
    result = given_value(value, {Kind::date}, "today");
  } else if (name == "outcome") {
    checked.kind = ir::TestGiven::Kind::outcome;
    std::optional<ir::Expr> literal = literal_for(value, {Kind::disposition});
    if (literal) {
      result = literal->value;
    } else if (const auto* disposition = std::get_if<ast::NameRef>(&value.node)) {
      report_not_a_literal(disposition->name, value.range, {Kind::disposition});
    } else {
      reporter_.error(file_, value.range, "give outcome a disposition, as in `outcome = refused`");
    }
  } else if (name == "attempts" || name == "cycle") {
    checked.kind = name == "cycle" ? ir::TestGiven::Kind::cycle : ir::TestGiven::Kind::attempts;
    std::optional<NumberLiteral> number = number_literal(value);
    std::int64_t minimum = name == "cycle" ? 1 : 0;
    if (!number || !number->integer || number->value < static_cast<double>(minimum)) {
      reporter_.error(file_, value.range,
                      "give " + name + " a whole number of at least " + std::to_string(minimum));
    } else {
      result = common::Value::of_int(static_cast<std::int64_t>(number->value));
    }
  } else {
    std::vector<std::string> candidates = {"today", "outcome", "attempts", "cycle"};
    for (const auto& [known, entry] : names_) {
      if (entry.kind == NameEntry::Kind::field || entry.kind == NameEntry::Kind::question) {
        candidates.push_back(known);
      }
    }
    reporter_.error(file_, given.name.range,
                    common::with_suggestion("unknown name '" + name +
                                                "'; a test gives fields, answers, today, "
                                                "outcome, attempts and cycle",
                                            name, candidates));
    return std::nullopt;
  }

  if (!result) return std::nullopt;
  checked.value = *result;
  return checked;
}

std::optional<common::Value> CampaignChecker::given_value(const ast::Expr& value,
                                                          const ir::Type& type,
                                                          const std::string& target) {
  switch (type.kind) {
    case Kind::text:
      if (const auto* text = std::get_if<ast::StringLiteral>(&value.node)) {
        return common::Value::of_text(intern(text->value));
      }
      break;
    case Kind::integer:
    case Kind::decimal:
      if (std::optional<NumberLiteral> number = number_literal(value)) {
        if (number->integer || type.kind == Kind::decimal) {
          return number_value(*number, type.kind == Kind::integer);
        }
      }
      break;
    case Kind::boolean:
      if (const auto* flag = std::get_if<ast::BoolLiteral>(&value.node)) {
        return common::Value::of_bool(flag->value);
      }
      break;
    case Kind::date:
      if (const auto* day = std::get_if<ast::DateLiteral>(&value.node)) {
        date::sys_days days = date::year(day->year) / day->month / day->day;
        return common::Value::of_date(days.time_since_epoch().count());
      }
      break;
    default:
      break;
  }

  static const std::map<Kind, std::string> kExamples = {
      {Kind::text, "a string such as \"75011\""}, {Kind::integer, "a whole number such as 3"},
      {Kind::decimal, "a number such as 3.5"},    {Kind::boolean, "true or false"},
      {Kind::date, "a date such as 2019-06-24"},
  };
  reporter_.error(file_, value.range,
                  target + " is " + type_name(type) + "; give " + kExamples.at(type.kind));
  return std::nullopt;
}

std::optional<common::Value> CampaignChecker::answer_value(const ast::Expr& value,
                                                           std::int32_t index) {
  const ir::Question& question = campaign_.questions[static_cast<std::size_t>(index)];
  if (question.kind == ir::StepKind::say) {
    reporter_.error(file_, value.range,
                    "'" + question.id + "' is a `say` step and has no answer to give");
    return std::nullopt;
  }

  ir::Type type = answer_type(index);
  if (question.kind == ir::StepKind::number) {
    std::optional<common::Value> number =
        given_value(value, type, "question '" + question.id + "'");
    if (!number) return std::nullopt;
    double amount = number->kind == common::ValueKind::integer
                        ? static_cast<double>(number->integer)
                        : number->decimal;
    if (amount < question.min || amount > question.max) {
      reporter_.error(file_, value.range,
                      "the answer is outside the range of question '" + question.id +
                          "'; give a number within it");
      return std::nullopt;
    }
    return number;
  }

  if (question.kind == ir::StepKind::multi) {
    if (const auto* list = std::get_if<ast::ListLiteral>(&value.node)) {
      std::optional<ir::Expr> set = set_literal(value, *list, type);
      if (!set) return std::nullopt;
      return set->value;
    }
    reporter_.error(file_, value.range,
                    "question '" + question.id + "' takes a list of options, as in [" +
                        (question.options.empty() ? std::string("a") : question.options[0].id) +
                        "]");
    return std::nullopt;
  }

  if (std::optional<ir::Expr> literal = literal_for(value, type)) return literal->value;
  if (const auto* name = std::get_if<ast::NameRef>(&value.node)) {
    report_not_a_literal(name->name, value.range, type);
  } else {
    reporter_.error(file_, value.range,
                    "give question '" + question.id + "' one of " + join_names(option_names(type)));
  }
  return std::nullopt;
}

std::optional<ir::TestExpect> CampaignChecker::check_expect(const ast::Expect& expect) {
  if (!expect.condition) return std::nullopt;
  const ast::Expr& condition = *expect.condition;
  ir::TestExpect checked;
  checked.text = source_text(condition.range);
  checked.range = expect.range;

  const auto* binary = std::get_if<ast::Binary>(&condition.node);
  const auto* lhs = binary == nullptr ? nullptr : std::get_if<ast::NameRef>(&binary->lhs->node);
  if (lhs == nullptr || lhs->name != "routes") {
    std::optional<ir::Expr> value = check_condition(condition, expect_scope());
    if (!value) return std::nullopt;
    checked.condition = std::move(*value);
    return checked;
  }

  // `expect routes == [a, b]` lists exactly the routes that fire.
  const auto* list = std::get_if<ast::ListLiteral>(&binary->rhs->node);
  if (binary->op != ast::BinaryOp::eq || list == nullptr) {
    reporter_.error(file_, condition.range,
                    "write the routes expected to fire as a list, as in `expect routes == "
                    "[urgence]`, or `expect routes == []` for none");
    return std::nullopt;
  }
  std::vector<std::string> route_names;
  for (const ir::Route& route : campaign_.routes) route_names.push_back(route.name);
  bool valid = true;
  for (const ast::ExprPtr& item : list->items) {
    const auto* name = std::get_if<ast::NameRef>(&item->node);
    std::int32_t index = name == nullptr ? -1 : campaign_.route_index(name->name);
    if (index < 0) {
      std::string given = name == nullptr ? std::string() : name->name;
      reporter_.error(
          file_, item->range,
          common::with_suggestion("'" + source_text(item->range) + "' is not a route; routes are " +
                                      join_names(route_names),
                                  given, route_names));
      valid = false;
      continue;
    }
    if (std::find(checked.routes.begin(), checked.routes.end(), index) != checked.routes.end()) {
      reporter_.error(file_, item->range,
                      "route '" + name->name + "' is listed twice; list it once");
      valid = false;
      continue;
    }
    checked.routes.push_back(index);
  }
  if (!valid) return std::nullopt;

  std::sort(checked.routes.begin(), checked.routes.end());
  checked.routes_check = true;
  checked.condition.type = {Kind::boolean};
  checked.condition.value = common::Value::of_bool(true);
  checked.condition.range = condition.range;
  return checked;
}

}  // namespace vigie::check
