#pragma once
// Hand-built checked IR for eval tests and benchmarks: short constructors
// for typed expressions, and a heatwave campaign equal to the example in the
// language specification, built without the checker.

#include <cstdint>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "common/value.hpp"
#include "ir/campaign.hpp"

namespace vigie::eval::testing {

using common::Value;
using common::ValueKind;
using ir::BinaryOp;
using ir::Expr;
using ir::ExprKind;
using ir::TypeKind;

inline std::int64_t days_of(int year, unsigned month, unsigned day) {
  const date::sys_days days{date::year{year} / date::month{month} / date::day{day}};
  return days.time_since_epoch().count();
}

inline Expr literal(Value value, TypeKind type) {
  Expr expr;
  expr.kind = ExprKind::literal;
  expr.value = value;
  expr.type.kind = type;
  return expr;
}

inline Expr int_lit(std::int64_t v) {
  return literal(Value::of_int(v), TypeKind::integer);
}
inline Expr dec_lit(double v) {
  return literal(Value::of_decimal(v), TypeKind::decimal);
}
inline Expr bool_lit(bool v) {
  return literal(Value::of_bool(v), TypeKind::boolean);
}
inline Expr text_lit(std::string_view v) {
  return literal(Value::of_text(v), TypeKind::text);
}
inline Expr option_lit(std::int32_t v) {
  return literal(Value::of_option(v), TypeKind::choice);
}
inline Expr set_lit(std::uint64_t v) {
  return literal(Value::of_set(v), TypeKind::multi);
}
inline Expr duration_lit(std::int64_t s) {
  return literal(Value::of_duration(s), TypeKind::duration);
}
inline Expr disposition_lit(std::int32_t v) {
  return literal(Value::of_disposition(v), TypeKind::disposition);
}
inline Expr date_lit(int year, unsigned month, unsigned day) {
  return literal(Value::of_date(days_of(year, month, day)), TypeKind::date);
}

inline Expr leaf(ExprKind kind, std::int32_t index, TypeKind type, std::int32_t question = -1) {
  Expr expr;
  expr.kind = kind;
  expr.index = index;
  expr.type.kind = type;
  expr.type.question = question;
  return expr;
}

inline Expr field(std::int32_t index, TypeKind type) {
  return leaf(ExprKind::field, index, type);
}
inline Expr answer(std::int32_t index, TypeKind type) {
  return leaf(ExprKind::answer, index, type, index);
}
inline Expr let_ref(std::int32_t index, TypeKind type) {
  return leaf(ExprKind::let, index, type);
}
inline Expr score_ref(std::int32_t index) {
  return leaf(ExprKind::score, index, TypeKind::integer);
}
inline Expr route_ref(std::int32_t index) {
  return leaf(ExprKind::route, index, TypeKind::boolean);
}
inline Expr outcome() {
  return leaf(ExprKind::outcome, -1, TypeKind::disposition);
}
inline Expr attempts() {
  return leaf(ExprKind::attempts, -1, TypeKind::integer);
}
inline Expr cycle() {
  return leaf(ExprKind::cycle, -1, TypeKind::integer);
}
inline Expr today() {
  return leaf(ExprKind::today, -1, TypeKind::date);
}

inline bool is_comparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::lt:
    case BinaryOp::le:
    case BinaryOp::gt:
    case BinaryOp::ge:
    case BinaryOp::eq:
    case BinaryOp::ne:
    case BinaryOp::has:
    case BinaryOp::logical_and:
    case BinaryOp::logical_or:
      return true;
    default:
      return false;
  }
}

// The result type follows the checker's rules: comparisons and logic give
// bool; arithmetic gives decimal when either side is decimal.
inline Expr binary(BinaryOp op, Expr lhs, Expr rhs) {
  Expr expr;
  expr.kind = ExprKind::binary;
  expr.binary_op = op;
  if (is_comparison(op)) {
    expr.type.kind = TypeKind::boolean;
  } else if (lhs.type.kind == TypeKind::decimal || rhs.type.kind == TypeKind::decimal) {
    expr.type.kind = TypeKind::decimal;
  } else {
    expr.type.kind = lhs.type.kind == TypeKind::integer ? rhs.type.kind : lhs.type.kind;
  }
  expr.args = {std::move(lhs), std::move(rhs)};
  return expr;
}

// Forces the checked result type, e.g. an int division typed decimal.
inline Expr typed(Expr expr, TypeKind type) {
  expr.type.kind = type;
  return expr;
}

inline Expr negate(Expr operand) {
  Expr expr;
  expr.kind = ExprKind::unary;
  expr.unary_op = ir::UnaryOp::negate;
  expr.type = operand.type;
  expr.args = {std::move(operand)};
  return expr;
}

inline Expr logical_not(Expr operand) {
  Expr expr;
  expr.kind = ExprKind::unary;
  expr.unary_op = ir::UnaryOp::logical_not;
  expr.type.kind = TypeKind::boolean;
  expr.args = {std::move(operand)};
  return expr;
}

inline Expr in_list(Expr needle, std::vector<Expr> elements) {
  Expr expr;
  expr.kind = ExprKind::in_list;
  expr.type.kind = TypeKind::boolean;
  expr.args.push_back(std::move(needle));
  for (Expr& element : elements) expr.args.push_back(std::move(element));
  return expr;
}

inline Expr conditional(Expr condition, Expr then_value, Expr else_value) {
  Expr expr;
  expr.kind = ExprKind::conditional;
  expr.type = then_value.type;
  if (else_value.type.kind == TypeKind::decimal) expr.type.kind = TypeKind::decimal;
  expr.args = {std::move(condition), std::move(then_value), std::move(else_value)};
  return expr;
}

inline Expr call(ir::Function function, std::vector<Expr> args) {
  Expr expr;
  expr.kind = ExprKind::call;
  expr.function = function;
  switch (function) {
    case ir::Function::age:
    case ir::Function::count:
    case ir::Function::days_between:
      expr.type.kind = TypeKind::integer;
      break;
    case ir::Function::answered:
      expr.type.kind = TypeKind::boolean;
      break;
    case ir::Function::min:
    case ir::Function::max:
      expr.type = args.front().type;
      for (const Expr& arg : args) {
        if (arg.type.kind == TypeKind::decimal) expr.type.kind = TypeKind::decimal;
      }
      break;
  }
  expr.args = std::move(args);
  return expr;
}

// Describes a value for test failure messages.
inline std::string describe(const Value& v) {
  std::ostringstream out;
  switch (v.kind) {
    case ValueKind::missing:
      out << "missing";
      break;
    case ValueKind::boolean:
      out << "bool " << (v.boolean ? "true" : "false");
      break;
    case ValueKind::integer:
      out << "int " << v.integer;
      break;
    case ValueKind::decimal:
      out << "decimal " << v.decimal;
      break;
    case ValueKind::text:
      out << "text \"" << v.text << '"';
      break;
    case ValueKind::date:
      out << "date " << v.days;
      break;
    case ValueKind::duration:
      out << "duration " << v.seconds << "s";
      break;
    case ValueKind::option:
      out << "option " << v.index;
      break;
    case ValueKind::set:
      out << "set " << v.bits;
      break;
    case ValueKind::disposition:
      out << "disposition " << v.index;
      break;
  }
  return out.str();
}

// Same kind and same payload (exact, also for decimals).
inline bool same_value(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValueKind::missing:
      return true;
    case ValueKind::boolean:
      return a.boolean == b.boolean;
    case ValueKind::integer:
      return a.integer == b.integer;
    case ValueKind::decimal:
      return a.decimal == b.decimal;
    case ValueKind::text:
      return a.text == b.text;
    case ValueKind::date:
      return a.days == b.days;
    case ValueKind::duration:
      return a.seconds == b.seconds;
    case ValueKind::option:
    case ValueKind::disposition:
      return a.index == b.index;
    case ValueKind::set:
      return a.bits == b.bits;
  }
  return false;
}

// ---------------------------------------------------------------- heatwave

// Indexes of the hand-built heatwave campaign.
namespace heatwave {
enum FieldIndex : std::int32_t { kId, kPhone, kBirth, kLivesAlone, kFieldCount };
enum QuestionIndex : std::int32_t {
  kIntro,
  kAlone,
  kVisits,
  kHealth,
  kSymptoms,
  kTemp,
  kQuestionCount
};
enum VisitsOption : std::int32_t { kDaily, kWeekly, kRarely };
enum SymptomOption : std::int32_t { kFatigue, kCramps, kConfusion };
enum RouteIndex : std::int32_t { kUrgence, kSocial, kVisite };
inline constexpr std::int32_t kYes = 0;
inline constexpr std::int32_t kNo = 1;
inline constexpr std::int32_t kFrail = 0;
inline constexpr std::int32_t kRisk = 0;
}  // namespace heatwave

inline ir::Question question(std::string id, ir::StepKind kind,
                             std::initializer_list<const char*> options = {}) {
  ir::Question q;
  q.id = std::move(id);
  q.kind = kind;
  if (kind == ir::StepKind::yes_no) {
    q.options = {{"yes", "Oui"}, {"no", "Non"}};
  }
  for (const char* option : options) q.options.push_back({option, option});
  return q;
}

inline ir::Route route(std::string name, Expr when) {
  ir::Route r;
  r.name = std::move(name);
  r.when = std::move(when);
  return r;
}

// The campaign of the language specification's example: script, `frail`,
// `risk`, routes urgence, social and visite, audience and priority.
inline ir::Campaign heatwave_campaign() {
  using namespace heatwave;
  ir::Campaign c;
  c.name = "canicule";

  c.fields = {{"id", ir::FieldType::text, true, false, {}},
              {"phone", ir::FieldType::phone, false, false, {}},
              {"birth", ir::FieldType::date, false, false, {}},
              {"lives_alone", ir::FieldType::boolean, false, true, {}}};
  c.key_field = kId;

  const char* builtin[] = {"completed", "partial",  "no_answer",  "busy",
                           "voicemail", "failed",   "callback",   "wrong_number",
                           "refused",   "deceased", "unreachable"};
  for (const char* name : builtin) c.dispositions.push_back({name, name, false, true});
  c.dispositions.push_back({"away", "Absent(e) du domicile", true, false});

  c.questions.push_back(question("intro", ir::StepKind::say));
  c.questions.push_back(question("alone", ir::StepKind::yes_no));
  c.questions.push_back(question("visits", ir::StepKind::choice, {"daily", "weekly", "rarely"}));
  c.questions.push_back(question("health", ir::StepKind::yes_no));
  c.questions.push_back(
      question("symptoms", ir::StepKind::multi, {"fatigue", "cramps", "confusion"}));
  c.questions[kSymptoms].condition =
      binary(BinaryOp::eq, answer(kHealth, TypeKind::yes_no), option_lit(kYes));
  c.questions.push_back(question("temp", ir::StepKind::number));
  c.questions[kTemp].optional = true;
  c.questions[kTemp].min = 10;
  c.questions[kTemp].max = 45;

  const Expr age_of_birth = call(ir::Function::age, {field(kBirth, TypeKind::date)});
  c.audience = binary(BinaryOp::ge, age_of_birth, int_lit(65));
  c.priority = binary(BinaryOp::add, age_of_birth,
                      conditional(field(kLivesAlone, TypeKind::boolean), int_lit(10), int_lit(0)));

  // let frail = age(birth) >= 85 or count(symptoms) >= 2
  ir::Let frail;
  frail.name = "frail";
  frail.value =
      binary(BinaryOp::logical_or, binary(BinaryOp::ge, age_of_birth, int_lit(85)),
             binary(BinaryOp::ge, call(ir::Function::count, {answer(kSymptoms, TypeKind::multi)}),
                    int_lit(2)));
  c.lets.push_back(frail);

  ir::Score risk;
  risk.name = "risk";
  risk.rules = {
      {binary(BinaryOp::eq, answer(kAlone, TypeKind::yes_no), option_lit(kYes)), int_lit(3)},
      {binary(BinaryOp::eq, answer(kVisits, TypeKind::choice), option_lit(kRarely)), int_lit(2)},
      {binary(BinaryOp::eq, answer(kHealth, TypeKind::yes_no), option_lit(kYes)), int_lit(3)},
      {binary(BinaryOp::has, answer(kSymptoms, TypeKind::multi), option_lit(kConfusion)),
       int_lit(5)},
      {let_ref(kFrail, TypeKind::boolean), int_lit(2)},
  };
  c.scores.push_back(risk);

  c.routes.push_back(route(
      "urgence",
      binary(BinaryOp::logical_or, binary(BinaryOp::ge, score_ref(kRisk), int_lit(8)),
             binary(BinaryOp::has, answer(kSymptoms, TypeKind::multi), option_lit(kConfusion)))));
  c.routes.push_back(route(
      "social", binary(BinaryOp::logical_and, binary(BinaryOp::ge, score_ref(kRisk), int_lit(5)),
                       logical_not(route_ref(kUrgence)))));
  c.routes.push_back(
      route("visite", binary(BinaryOp::eq, outcome(), disposition_lit(ir::kUnreachable))));

  c.rule_order = {{ir::RuleRef::Kind::let, kFrail},
                  {ir::RuleRef::Kind::score, kRisk},
                  {ir::RuleRef::Kind::route, kUrgence},
                  {ir::RuleRef::Kind::route, kSocial},
                  {ir::RuleRef::Kind::route, kVisite}};
  return c;
}

// Roster fields and answers of one contact of the heatwave campaign.
struct HeatwaveContact {
  std::vector<Value> fields = std::vector<Value>(heatwave::kFieldCount);
  std::vector<Value> answers = std::vector<Value>(heatwave::kQuestionCount);
};

// The specification's test case: alone=yes, visits=rarely, health=yes,
// symptoms=[confusion], birth=1931-05-02 (today 2019-06-24: risk 15).
inline HeatwaveContact isolated_confused_contact() {
  using namespace heatwave;
  HeatwaveContact contact;
  contact.fields[kId] = Value::of_text("C-0001");
  contact.fields[kPhone] = Value::of_text("+33100000000");
  contact.fields[kBirth] = Value::of_date(days_of(1931, 5, 2));
  contact.answers[kAlone] = Value::of_option(kYes);
  contact.answers[kVisits] = Value::of_option(kRarely);
  contact.answers[kHealth] = Value::of_option(kYes);
  contact.answers[kSymptoms] = Value::of_set(1u << kConfusion);
  return contact;
}

}  // namespace vigie::eval::testing
