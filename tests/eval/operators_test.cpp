// Each operator and function on hand-built expressions, including its
// missing-value rule, through CompiledCampaign::evaluate_expr.

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "eval/evaluator.hpp"
#include "eval/program_builder.hpp"
#include "expr_builders.hpp"

namespace vigie::eval {
namespace {

using namespace testing;

// Context fields the cases read.
enum : std::int32_t {
  kMissing,   // absent optional field
  kFive,      // int 5
  kHalves,    // decimal 2.5
  kSet,       // options {0, 2}
  kOption,    // option 1
  kBirth,     // 1931-05-02
  kCity,      // "Paris" (separate storage from the literal)
  kTrue,      // bool true
  kEmptySet,  // no option chosen
};

struct Case {
  std::string name;
  Expr expr;
  Value expected;
};

class Evaluation {
 public:
  Evaluation() : compiled_(campaign_) {
    city_ = "Paris";
    fields_ = {Value::missing(),      Value::of_int(5),     Value::of_decimal(2.5),
               Value::of_set(0b101),  Value::of_option(1),  Value::of_date(days_of(1931, 5, 2)),
               Value::of_text(city_), Value::of_bool(true), Value::of_set(0)};
    context_.fields = fields_;
    context_.today = Value::of_date(days_of(2019, 6, 24));
    context_.outcome = ir::kPartial;
    context_.attempts = 3;
    context_.cycle = 2;
  }

  Value run(const Expr& expr) const { return compiled_.evaluate_expr(expr, context_, results_); }

  void check(const std::vector<Case>& cases) const {
    for (const Case& c : cases) {
      const Value actual = run(c.expr);
      INFO(c.name << ": expected " << describe(c.expected) << ", got " << describe(actual));
      CHECK(same_value(actual, c.expected));
    }
  }

  Context& context() { return context_; }

 private:
  ir::Campaign campaign_;
  CompiledCampaign compiled_;
  std::string city_;
  std::vector<Value> fields_;
  Context context_;
  Results results_;
};

Expr missing_int() {
  return field(kMissing, TypeKind::integer);
}
Expr missing_bool() {
  return field(kMissing, TypeKind::boolean);
}
Expr five() {
  return field(kFive, TypeKind::integer);
}
Expr halves() {
  return field(kHalves, TypeKind::decimal);
}
Expr bool_of(bool b) {
  return bool_lit(b);
}
Value yes(bool b) {
  return Value::of_bool(b);
}

TEST_CASE("eval unary operators", "[eval]") {
  Evaluation eval;
  eval.check({
      {"-int", negate(five()), Value::of_int(-5)},
      {"-decimal", negate(halves()), Value::of_decimal(-2.5)},
      {"-duration", negate(duration_lit(60)), Value::of_duration(-60)},
      {"-missing", negate(missing_int()), Value::missing()},
      {"-INT64_MIN overflows to missing", negate(int_lit(INT64_MIN)), Value::missing()},
      {"not true", logical_not(bool_of(true)), yes(false)},
      {"not false", logical_not(bool_of(false)), yes(true)},
      {"not missing reads missing as false", logical_not(missing_bool()), yes(true)},
  });
}

TEST_CASE("eval arithmetic", "[eval]") {
  Evaluation eval;
  using B = BinaryOp;
  eval.check({
      {"int * int", binary(B::mul, int_lit(6), int_lit(7)), Value::of_int(42)},
      {"int * decimal promotes", binary(B::mul, int_lit(2), dec_lit(1.5)), Value::of_decimal(3)},
      {"missing * int", binary(B::mul, missing_int(), int_lit(2)), Value::missing()},
      {"int overflow", binary(B::mul, int_lit(INT64_MAX), int_lit(2)), Value::missing()},
      {"duration * int", binary(B::mul, duration_lit(1800), int_lit(2)), Value::of_duration(3600)},
      {"int / int truncates", binary(B::div, int_lit(7), int_lit(2)), Value::of_int(3)},
      {"negative int / int truncates toward zero", binary(B::div, int_lit(-7), int_lit(2)),
       Value::of_int(-3)},
      {"int / int typed decimal", typed(binary(B::div, int_lit(7), int_lit(2)), TypeKind::decimal),
       Value::of_decimal(3.5)},
      {"decimal / int", binary(B::div, dec_lit(7), int_lit(2)), Value::of_decimal(3.5)},
      {"int / 0 is missing", binary(B::div, int_lit(1), int_lit(0)), Value::missing()},
      {"decimal / 0 is missing", binary(B::div, dec_lit(1.5), int_lit(0)), Value::missing()},
      {"INT64_MIN / -1 is missing", binary(B::div, int_lit(INT64_MIN), int_lit(-1)),
       Value::missing()},
      {"int % int", binary(B::mod, int_lit(7), int_lit(3)), Value::of_int(1)},
      {"negative int % int keeps the sign", binary(B::mod, int_lit(-7), int_lit(3)),
       Value::of_int(-1)},
      {"int % 0 is missing", binary(B::mod, int_lit(7), int_lit(0)), Value::missing()},
      {"decimal % int", binary(B::mod, dec_lit(7.5), int_lit(2)), Value::of_decimal(1.5)},
      {"decimal % 0 is missing", binary(B::mod, dec_lit(7.5), int_lit(0)), Value::missing()},
      {"int + int", binary(B::add, int_lit(1), int_lit(2)), Value::of_int(3)},
      {"int + decimal field", binary(B::add, five(), halves()), Value::of_decimal(7.5)},
      {"int + missing", binary(B::add, int_lit(1), missing_int()), Value::missing()},
      {"duration + duration", binary(B::add, duration_lit(3600), duration_lit(1800)),
       Value::of_duration(5400)},
      {"int - int", binary(B::sub, int_lit(5), int_lit(8)), Value::of_int(-3)},
      {"decimal - missing", binary(B::sub, halves(), missing_int()), Value::missing()},
  });
}

TEST_CASE("eval precedence as tree shape", "[eval]") {
  Evaluation eval;
  using B = BinaryOp;
  eval.check({
      {"1 + 2 * 3", binary(B::add, int_lit(1), binary(B::mul, int_lit(2), int_lit(3))),
       Value::of_int(7)},
      {"(1 + 2) * 3", binary(B::mul, binary(B::add, int_lit(1), int_lit(2)), int_lit(3)),
       Value::of_int(9)},
      {"10 - 4 - 3 is left-associative",
       binary(B::sub, binary(B::sub, int_lit(10), int_lit(4)), int_lit(3)), Value::of_int(3)},
      {"-5 * 2", binary(B::mul, negate(five()), int_lit(2)), Value::of_int(-10)},
      {"true or false and false",
       binary(B::logical_or, bool_of(true), binary(B::logical_and, bool_of(false), bool_of(false))),
       yes(true)},
      {"not false and false", binary(B::logical_and, logical_not(bool_of(false)), bool_of(false)),
       yes(false)},
      {"1 + 1 == 2 and 3 > 2",
       binary(B::logical_and, binary(B::eq, binary(B::add, int_lit(1), int_lit(1)), int_lit(2)),
              binary(B::gt, int_lit(3), int_lit(2))),
       yes(true)},
  });
}

TEST_CASE("eval comparisons", "[eval]") {
  Evaluation eval;
  using B = BinaryOp;
  const Expr city = field(kCity, TypeKind::text);
  const Expr birth = field(kBirth, TypeKind::date);
  const Expr option = field(kOption, TypeKind::choice);
  eval.check({
      {"int < int", binary(B::lt, five(), int_lit(6)), yes(true)},
      {"int <= int", binary(B::le, five(), int_lit(5)), yes(true)},
      {"int > int", binary(B::gt, five(), int_lit(5)), yes(false)},
      {"int >= int", binary(B::ge, five(), int_lit(5)), yes(true)},
      {"int == int", binary(B::eq, five(), int_lit(5)), yes(true)},
      {"int != int", binary(B::ne, five(), int_lit(5)), yes(false)},
      {"literal on the left: 3 < five", binary(B::lt, int_lit(3), five()), yes(true)},
      {"literal on the left: 6 <= five", binary(B::le, int_lit(6), five()), yes(false)},
      {"int == decimal promotes", binary(B::eq, int_lit(2), dec_lit(2.0)), yes(true)},
      {"decimal > int", binary(B::gt, halves(), int_lit(2)), yes(true)},
      {"two computed operands", binary(B::lt, binary(B::add, five(), int_lit(1)), five()),
       yes(false)},
      {"text equality compares content", binary(B::eq, city, text_lit(std::string_view("Paris"))),
       yes(true)},
      {"text inequality", binary(B::ne, city, text_lit("Lyon")), yes(true)},
      {"date <", binary(B::lt, birth, date_lit(1931, 5, 3)), yes(true)},
      {"date ==", binary(B::eq, birth, date_lit(1931, 5, 2)), yes(true)},
      {"duration >", binary(B::gt, duration_lit(7200), duration_lit(3600)), yes(true)},
      {"option == its index", binary(B::eq, option, option_lit(1)), yes(true)},
      {"option != other index", binary(B::ne, option, option_lit(2)), yes(true)},
      {"outcome == disposition", binary(B::eq, outcome(), disposition_lit(ir::kPartial)),
       yes(true)},
      {"set == set", binary(B::eq, field(kSet, TypeKind::multi), set_lit(0b101)), yes(true)},
      {"bool == bool", binary(B::eq, field(kTrue, TypeKind::boolean), bool_of(true)), yes(true)},
      {"missing == int", binary(B::eq, missing_int(), int_lit(1)), yes(false)},
      {"missing != int", binary(B::ne, missing_int(), int_lit(1)), yes(false)},
      {"missing < int", binary(B::lt, missing_int(), int_lit(1)), yes(false)},
      {"int >= missing", binary(B::ge, int_lit(1), missing_int()), yes(false)},
      {"missing == missing", binary(B::eq, missing_int(), missing_int()), yes(false)},
      {"computed missing == int",
       binary(B::eq, binary(B::add, missing_int(), int_lit(1)), int_lit(1)), yes(false)},
  });
}

TEST_CASE("eval has and in", "[eval]") {
  Evaluation eval;
  using B = BinaryOp;
  const Expr set = field(kSet, TypeKind::multi);
  const Expr computed_option = conditional(bool_of(true), option_lit(2), option_lit(1));
  eval.check({
      {"set has chosen option", binary(B::has, set, option_lit(2)), yes(true)},
      {"set has other option", binary(B::has, set, option_lit(1)), yes(false)},
      {"empty set has option", binary(B::has, field(kEmptySet, TypeKind::multi), option_lit(0)),
       yes(false)},
      {"missing has option", binary(B::has, field(kMissing, TypeKind::multi), option_lit(0)),
       yes(false)},
      {"set has computed option", binary(B::has, set, computed_option), yes(true)},
      {"computed set has option",
       binary(B::has, conditional(bool_of(false), set_lit(0), set), option_lit(0)), yes(true)},
      {"int in literals", in_list(five(), {int_lit(1), int_lit(5)}), yes(true)},
      {"int not in literals", in_list(five(), {int_lit(1), int_lit(2)}), yes(false)},
      {"int in mixed decimal literal", in_list(five(), {dec_lit(5.0)}), yes(true)},
      {"missing in literals", in_list(missing_int(), {int_lit(1)}), yes(false)},
      {"int in computed list",
       in_list(five(), {int_lit(1), binary(B::add, int_lit(2), int_lit(3))}), yes(true)},
      {"int not in computed list",
       in_list(int_lit(4), {int_lit(1), binary(B::add, int_lit(2), int_lit(3))}), yes(false)},
      {"missing in computed list", in_list(missing_int(), {binary(B::add, five(), int_lit(0))}),
       yes(false)},
      {"option in options",
       in_list(field(kOption, TypeKind::choice), {option_lit(0), option_lit(1)}), yes(true)},
  });
}

TEST_CASE("eval logical operators with missing", "[eval]") {
  Evaluation eval;
  using B = BinaryOp;
  eval.check({
      {"true and true", binary(B::logical_and, bool_of(true), bool_of(true)), yes(true)},
      {"true and false", binary(B::logical_and, bool_of(true), bool_of(false)), yes(false)},
      {"false and true", binary(B::logical_and, bool_of(false), bool_of(true)), yes(false)},
      {"true and missing", binary(B::logical_and, bool_of(true), missing_bool()), yes(false)},
      {"missing and true", binary(B::logical_and, missing_bool(), bool_of(true)), yes(false)},
      {"false or false", binary(B::logical_or, bool_of(false), bool_of(false)), yes(false)},
      {"false or true", binary(B::logical_or, bool_of(false), bool_of(true)), yes(true)},
      {"missing or true", binary(B::logical_or, missing_bool(), bool_of(true)), yes(true)},
      {"missing or missing", binary(B::logical_or, missing_bool(), missing_bool()), yes(false)},
      {"true or missing", binary(B::logical_or, bool_of(true), missing_bool()), yes(true)},
  });
}

TEST_CASE("eval conditional", "[eval]") {
  Evaluation eval;
  eval.check({
      {"true picks then", conditional(bool_of(true), int_lit(1), int_lit(2)), Value::of_int(1)},
      {"false picks else", conditional(bool_of(false), int_lit(1), int_lit(2)), Value::of_int(2)},
      {"missing picks else", conditional(missing_bool(), int_lit(1), int_lit(2)), Value::of_int(2)},
      {"nested in else",
       conditional(bool_of(false), int_lit(1), conditional(bool_of(true), int_lit(2), int_lit(3))),
       Value::of_int(2)},
      {"nested in then",
       conditional(bool_of(true), conditional(bool_of(false), int_lit(1), int_lit(2)), int_lit(3)),
       Value::of_int(2)},
      {"branch may be missing", conditional(bool_of(true), missing_int(), int_lit(2)),
       Value::missing()},
  });
}

TEST_CASE("eval age around birthdays", "[eval]") {
  struct AgeCase {
    Expr birth;
    int year;
    unsigned month;
    unsigned day;
    Value expected;
  };
  const std::vector<AgeCase> cases = {
      {date_lit(1931, 5, 2), 2019, 5, 1, Value::of_int(87)},
      {date_lit(1931, 5, 2), 2019, 5, 2, Value::of_int(88)},
      {date_lit(1931, 5, 2), 2019, 6, 24, Value::of_int(88)},
      {date_lit(1931, 5, 2), 2019, 1, 1, Value::of_int(87)},
      {date_lit(1931, 12, 31), 2019, 12, 31, Value::of_int(88)},
      {date_lit(2000, 2, 29), 2001, 2, 28, Value::of_int(0)},
      {date_lit(2000, 2, 29), 2001, 3, 1, Value::of_int(1)},
      {date_lit(2000, 2, 29), 2004, 2, 28, Value::of_int(3)},
      {date_lit(2000, 2, 29), 2004, 2, 29, Value::of_int(4)},
      {date_lit(1960, 3, 1), 2024, 2, 29, Value::of_int(63)},
      {field(kMissing, TypeKind::date), 2019, 6, 24, Value::missing()},
  };

  Evaluation eval;
  for (const AgeCase& c : cases) {
    eval.context().today = Value::of_date(days_of(c.year, c.month, c.day));
    const Value actual = eval.run(call(ir::Function::age, {c.birth}));
    INFO("birth " << describe(c.birth.value) << " at " << c.year << "-" << c.month << "-" << c.day
                  << ": got " << describe(actual));
    CHECK(same_value(actual, c.expected));
  }

  eval.context().today = Value::missing();
  CHECK(eval.run(call(ir::Function::age, {date_lit(1931, 5, 2)})).is_missing());
}

TEST_CASE("eval functions", "[eval]") {
  Evaluation eval;
  using F = ir::Function;
  const Expr set = field(kSet, TypeKind::multi);
  eval.check({
      {"count of two options", call(F::count, {set}), Value::of_int(2)},
      {"count of empty set", call(F::count, {field(kEmptySet, TypeKind::multi)}), Value::of_int(0)},
      {"count of missing", call(F::count, {field(kMissing, TypeKind::multi)}), Value::missing()},
      {"answered present", call(F::answered, {five()}), yes(true)},
      {"answered missing", call(F::answered, {missing_int()}), yes(false)},
      {"min of ints", call(F::min, {int_lit(3), int_lit(1), int_lit(2)}), Value::of_int(1)},
      {"max of ints", call(F::max, {int_lit(3), int_lit(1), int_lit(2)}), Value::of_int(3)},
      {"max int and decimal", call(F::max, {int_lit(1), dec_lit(2.5)}), Value::of_decimal(2.5)},
      {"min int and decimal gives decimal", call(F::min, {int_lit(1), dec_lit(2.5)}),
       Value::of_decimal(1)},
      {"min with missing", call(F::min, {int_lit(1), missing_int()}), Value::missing()},
      {"max with missing first", call(F::max, {missing_int(), int_lit(1)}), Value::missing()},
      {"max of dates", call(F::max, {date_lit(2019, 6, 24), date_lit(2019, 6, 30)}),
       Value::of_date(days_of(2019, 6, 30))},
      {"days_between forward",
       call(F::days_between, {date_lit(2019, 6, 24), date_lit(2019, 6, 30)}), Value::of_int(6)},
      {"days_between backward",
       call(F::days_between, {date_lit(2019, 6, 30), date_lit(2019, 6, 24)}), Value::of_int(-6)},
      {"days_between across a leap day",
       call(F::days_between, {date_lit(2024, 2, 28), date_lit(2024, 3, 1)}), Value::of_int(2)},
      {"days_between missing",
       call(F::days_between, {field(kMissing, TypeKind::date), date_lit(2019, 6, 30)}),
       Value::missing()},
  });
}

TEST_CASE("eval context values", "[eval]") {
  Evaluation eval;
  eval.check({
      {"outcome", outcome(), Value::of_disposition(ir::kPartial)},
      {"attempts", attempts(), Value::of_int(3)},
      {"cycle", cycle(), Value::of_int(2)},
      {"today", today(), Value::of_date(days_of(2019, 6, 24))},
      {"field beyond the span is missing", field(40, TypeKind::integer), Value::missing()},
      {"answer with no answers is missing", answer(0, TypeKind::yes_no), Value::missing()},
      {"let with empty results is missing", let_ref(0, TypeKind::integer), Value::missing()},
  });
}

// `false and X` must not run X: the and_jump targets the first instruction
// after X, and `true or X` likewise.
TEST_CASE("eval program short-circuits and/or", "[eval]") {
  using B = BinaryOp;
  for (BinaryOp op : {B::logical_and, B::logical_or}) {
    std::vector<Instr> code;
    std::vector<Cell> constants;
    ProgramBuilder builder(code, constants);
    builder.begin();
    builder.expression(binary(op, bool_of(op == B::logical_or),
                              binary(B::eq, binary(B::div, int_lit(1), int_lit(0)), int_lit(1))));
    const Program program = builder.end();

    REQUIRE(program.start == 0);
    REQUIRE(code.size() >= 3);
    const Op expected_jump = op == B::logical_and ? Op::and_jump : Op::or_jump;
    CHECK(code[1].op == expected_jump);
    CHECK(code[1].a == static_cast<std::int32_t>(code.size()) - 1);
    CHECK(code.back().op == Op::ret);
  }
}

}  // namespace
}  // namespace vigie::eval
