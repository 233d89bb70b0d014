#include <catch2/catch.hpp>

#include "parse_helpers.hpp"

using namespace vigie;
using namespace vigie::parse::test;

namespace {

// Parses EXPR as a campaign's audience and prints its tree, or the
// diagnostics when there are any.
std::string parse_expression(const std::string& expression) {
  auto parsed = parse_text("campaign c {\n  audience " + expression + "\n}\n");
  if (!parsed->diagnostics.empty()) return formatted_diagnostics(*parsed);
  const auto& campaigns = parsed->file.campaigns;
  if (campaigns.size() != 1 || !campaigns[0].audience) return "<no audience>";
  return sexpr(*campaigns[0].audience->value);
}

}  // namespace

TEST_CASE("expression precedence follows the language", "[parse][expr]") {
  struct Case {
    const char* source;
    const char* tree;
  };
  const Case cases[] = {
      {"a + b * c", "(+ a (* b c))"},
      {"a * b + c", "(+ (* a b) c)"},
      {"a - b - c", "(- (- a b) c)"},
      {"a / b % c", "(% (/ a b) c)"},
      {"-a * b", "(* (neg a) b)"},
      {"not a == b", "(== (not a) b)"},
      {"not not a", "(not (not a))"},
      {"- -a", "(neg (neg a))"},
      {"a + b >= c * 2", "(>= (+ a b) (* c int:2))"},
      {"a < b and c > d", "(and (< a b) (> c d))"},
      {"a or b and c", "(or a (and b c))"},
      {"a and b or c and d", "(or (and a b) (and c d))"},
      {"a == b != c", "(!= (== a b) c)"},
      {"a <= 1 or b != 2", "(or (<= a int:1) (!= b int:2))"},
      {"symptoms has confusion", "(has symptoms confusion)"},
      {"symptoms has confusion or risk >= 8", "(or (has symptoms confusion) (>= risk int:8))"},
      {"visits in [daily, weekly]", "(in visits daily weekly)"},
      {"a + 1 in [2, 3] and b", "(and (in (+ a int:1) int:2 int:3) b)"},
      {"x in []", "(in x)"},
      {"c ? a : b", "(? c a b)"},
      {"a or b ? 1 : 2", "(? (or a b) int:1 int:2)"},
      {"c1 ? 1 : c2 ? 2 : 3", "(? c1 int:1 (? c2 int:2 int:3))"},
      {"c1 ? c2 ? 1 : 2 : 3", "(? c1 (? c2 int:1 int:2) int:3)"},
      {"age(birth) + (lives_alone ? 10 : 0)", "(+ (call age birth) (? lives_alone int:10 int:0))"},
      {"(a + b) * c", "(* (+ a b) c)"},
      {"min(a, b, 3)", "(call min a b int:3)"},
      {"count(symptoms) >= 2", "(>= (call count symptoms) int:2)"},
      {"days_between(birth, today)", "(call days_between birth today)"},
      {"answered()", "(call answered)"},
      {"routes == [urgence, visite]", "(== routes [urgence visite])"},
      {"attempts >= 3", "(>= attempts int:3)"},
      {"alone == yes and health != no", "(and (== alone yes) (!= health no))"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.source);
    CHECK(parse_expression(c.source) == c.tree);
  }
}

TEST_CASE("expression literals are decoded", "[parse][expr]") {
  struct Case {
    const char* source;
    const char* tree;
  };
  const Case cases[] = {
      {"42", "int:42"},
      {"3.5", "dec:3.5"},
      {"65%", "pct:0.65"},
      {"\"Plan \\\"canicule\\\"\"", "str:\"Plan \"canicule\"\""},
      {"true", "bool:true"},
      {"false", "bool:false"},
      {"2h30m", "dur:9000s"},
      {"7d", "dur:604800s"},
      {"2019-06-24", "date:2019-6-24"},
      {"2019-06-24T10:00", "datetime:2019-6-24+36000s"},
      {"[]", "[]"},
      {"[confusion]", "[confusion]"},
      {"-3", "(neg int:3)"},
      {"10 % 3", "(% int:10 int:3)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.source);
    CHECK(parse_expression(c.source) == c.tree);
  }
}

TEST_CASE("expression ranges count code points", "[parse][expr]") {
  auto parsed = parse_text("campaign c {\n  audience \"été\" == x and not y\n}\n");
  REQUIRE(parsed->diagnostics.empty());
  const ast::Expr& audience = *parsed->file.campaigns.at(0).audience->value;

  CHECK(range_text(audience.range) == "2:12-2:32");
  const auto& conjunction = std::get<ast::Binary>(audience.node);
  CHECK(range_text(conjunction.op_range) == "2:23-2:26");

  const ast::Expr& equality = *conjunction.lhs;
  CHECK(range_text(equality.range) == "2:12-2:22");
  const auto& equality_node = std::get<ast::Binary>(equality.node);
  CHECK(range_text(equality_node.lhs->range) == "2:12-2:17");
  CHECK(range_text(equality_node.op_range) == "2:18-2:20");
  CHECK(range_text(equality_node.rhs->range) == "2:21-2:22");

  const ast::Expr& negation = *conjunction.rhs;
  CHECK(range_text(negation.range) == "2:27-2:32");
}

TEST_CASE("parenthesized expression range covers brackets", "[parse][expr]") {
  auto parsed = parse_text("campaign c { audience (a + b) * age(birth) }");
  REQUIRE(parsed->diagnostics.empty());
  const ast::Expr& audience = *parsed->file.campaigns.at(0).audience->value;
  const auto& product = std::get<ast::Binary>(audience.node);

  CHECK(range_text(product.lhs->range) == "1:23-1:30");
  CHECK(range_text(product.rhs->range) == "1:33-1:43");
  const auto& call = std::get<ast::Call>(product.rhs->node);
  CHECK(call.function.name == "age");
  CHECK(range_text(call.function.range) == "1:33-1:36");
}

TEST_CASE("call needs its parenthesis next to the name", "[parse][expr]") {
  // With newlines not significant, a space before '(' separates a name from
  // a parenthesized expression, so score rules may start with '('.
  auto parsed =
      parse_text("campaign c {\n  score s {\n    frail => bonus\n    (a or b) => 3\n  }\n}\n");
  REQUIRE(parsed->diagnostics.empty());
  const auto& rules = parsed->file.campaigns.at(0).scores.at(0).rules;
  REQUIRE(rules.size() == 2);
  CHECK(sexpr(*rules[0].points) == "bonus");
  CHECK(sexpr(*rules[1].condition) == "(or a b)");
}
