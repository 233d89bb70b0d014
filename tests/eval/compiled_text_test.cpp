// CompiledCampaign on campaigns compiled from .vigie text by the checker:
// the heatwave campaign of the language specification, its own `test`
// blocks, and operator precedence as the parser builds it.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "check/compiler.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "eval/evaluator.hpp"
#include "expr_builders.hpp"

namespace vigie::eval {
namespace {

using namespace testing;

const std::string kHeatwavePath = std::string(VIGIE_SOURCE_DIR) + "/tests/eval/data/heatwave.vigie";

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Keeps the sources and the module alive as long as the campaign is used.
struct Compiled {
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module;

  explicit Compiled(const std::string& text, const std::string& path = kHeatwavePath) {
    module = check::compile_text(path, text, sources, diagnostics);
  }

  std::string errors() const {
    std::string all;
    for (const common::Diagnostic& d : diagnostics.sorted()) {
      all += common::format_diagnostic(d, sources) + "\n";
    }
    return all;
  }
};

// The heatwave text with `extra` inserted among its rules.
std::string heatwave_with(const std::string& extra) {
  std::string text = read_text(kHeatwavePath);
  const std::string anchor = "  useful when outcome == completed";
  const std::size_t at = text.find(anchor);
  REQUIRE(at != std::string::npos);
  text.insert(at, extra + "\n");
  return text;
}

std::int32_t let_index(const ir::Campaign& campaign, const std::string& name) {
  for (std::size_t i = 0; i < campaign.lets.size(); ++i) {
    if (campaign.lets[i].name == name) return static_cast<std::int32_t>(i);
  }
  return -1;
}

// Runs a campaign's `test` blocks through evaluate and evaluate_expr.
void run_campaign_tests(const ir::Campaign& campaign) {
  const CompiledCampaign compiled(campaign);
  REQUIRE_FALSE(campaign.tests.empty());

  for (const ir::Test& test : campaign.tests) {
    std::vector<Value> fields(campaign.fields.size());
    std::vector<Value> answers(campaign.questions.size());
    Context context;
    for (const ir::TestGiven& given : test.givens) {
      switch (given.kind) {
        case ir::TestGiven::Kind::field:
          fields[static_cast<std::size_t>(given.index)] = given.value;
          break;
        case ir::TestGiven::Kind::answer:
          answers[static_cast<std::size_t>(given.index)] = given.value;
          break;
        case ir::TestGiven::Kind::today:
          context.today = given.value;
          break;
        case ir::TestGiven::Kind::outcome:
          context.outcome = given.value.index;
          break;
        case ir::TestGiven::Kind::attempts:
          context.attempts = given.value.integer;
          break;
        case ir::TestGiven::Kind::cycle:
          context.cycle = given.value.integer;
          break;
      }
    }
    context.fields = fields;
    context.answers = answers;
    Results results = compiled.make_results();
    compiled.evaluate(context, results);

    for (const ir::TestExpect& expect : test.expects) {
      INFO(test.name << ": expect " << expect.text);
      if (expect.routes_check) {
        std::vector<std::int32_t> fired;
        for (std::size_t i = 0; i < results.routes.size(); ++i) {
          if (results.routes[i]) fired.push_back(static_cast<std::int32_t>(i));
        }
        CHECK(fired == expect.routes);
        continue;
      }
      const Value holds = compiled.evaluate_expr(expect.condition, context, results);
      CHECK(same_value(holds, Value::of_bool(true)));
    }
  }
}

TEST_CASE("compiled heatwave has no diagnostics", "[eval]") {
  Compiled compiled(read_text(kHeatwavePath));

  INFO(compiled.errors());
  REQUIRE_FALSE(compiled.diagnostics.has_errors());
  REQUIRE(compiled.module.campaigns.size() == 1);
}

TEST_CASE("compiled heatwave passes its own tests", "[eval]") {
  Compiled compiled(read_text(kHeatwavePath));
  INFO(compiled.errors());
  REQUIRE_FALSE(compiled.diagnostics.has_errors());

  run_campaign_tests(compiled.module.campaigns.front());
}

TEST_CASE("compiled heatwave specification case", "[eval]") {
  Compiled compiled(read_text(kHeatwavePath));
  INFO(compiled.errors());
  REQUIRE_FALSE(compiled.diagnostics.has_errors());
  const ir::Campaign& campaign = compiled.module.campaigns.front();
  const CompiledCampaign evaluator(campaign);

  std::vector<Value> fields(campaign.fields.size());
  std::vector<Value> answers(campaign.questions.size());
  fields[static_cast<std::size_t>(campaign.field_index("birth"))] =
      Value::of_date(days_of(1931, 5, 2));
  const auto answer_at = [&](const char* id) -> Value& {
    return answers[static_cast<std::size_t>(campaign.question_index(id))];
  };
  answer_at("alone") = Value::of_option(heatwave::kYes);
  answer_at("visits") = Value::of_option(heatwave::kRarely);
  answer_at("health") = Value::of_option(heatwave::kYes);
  answer_at("symptoms") = Value::of_set(1u << heatwave::kConfusion);
  Context context;
  context.fields = fields;
  context.answers = answers;
  context.today = Value::of_date(days_of(2019, 6, 24));
  Results results = evaluator.make_results();

  evaluator.evaluate(context, results);

  const auto risk = static_cast<std::size_t>(campaign.score_index("risk"));
  CHECK(same_value(results.scores[risk], Value::of_int(15)));
  CHECK(same_value(results.lets[static_cast<std::size_t>(let_index(campaign, "frail"))],
                   Value::of_bool(true)));
  CHECK(results.routes[static_cast<std::size_t>(campaign.route_index("urgence"))]);
  CHECK_FALSE(results.routes[static_cast<std::size_t>(campaign.route_index("social"))]);
  CHECK_FALSE(results.routes[static_cast<std::size_t>(campaign.route_index("visite"))]);
  CHECK(results.useful);
  CHECK(evaluator.in_audience(context));
  CHECK(evaluator.priority(context) == 88.0);

  answer_at("health") = Value::of_option(heatwave::kNo);
  CHECK(evaluator.settle_answers(answers, context));
  CHECK(answer_at("symptoms").is_missing());
}

TEST_CASE("compiled text precedence", "[eval]") {
  struct PrecedenceCase {
    std::string let;
    Value expected;
  };
  const std::vector<PrecedenceCase> cases = {
      {"let p1 = 1 + 2 * 3", Value::of_int(7)},
      {"let p2 = (1 + 2) * 3", Value::of_int(9)},
      {"let p3 = 10 - 4 - 3", Value::of_int(3)},
      {"let p4 = 7 / 2 * 2", Value::of_decimal(7)},  // the checker types `/` as decimal
      {"let p5 = 7 % 4 + 1", Value::of_int(4)},
      {"let p6 = -2 * 3 + 10", Value::of_int(4)},
      {"let p7 = 1 + 2 < 4 and 2 * 2 == 4", Value::of_bool(true)},
      {"let p8 = true or false and false", Value::of_bool(true)},
      {"let p9 = not false and false", Value::of_bool(false)},
      {"let p10 = false ? 1 : true ? 2 : 3", Value::of_int(2)},
      {"let p11 = 1 + 1.5", Value::of_decimal(2.5)},
      {"let p12 = 3 in [1, 2 + 1] or false", Value::of_bool(true)},
      {"let p13 = min(3, 1 + 1, 4) * max(1, 2)", Value::of_int(4)},
      {"let p14 = 5 / 0", Value::missing()},
      {"let p15 = 5 / 0 == 0", Value::of_bool(false)},
  };

  for (const PrecedenceCase& c : cases) {
    Compiled compiled(heatwave_with("  " + c.let));
    INFO(c.let << "\n" << compiled.errors());
    REQUIRE_FALSE(compiled.diagnostics.has_errors());
    const ir::Campaign& campaign = compiled.module.campaigns.front();
    const CompiledCampaign evaluator(campaign);
    Results results = evaluator.make_results();

    evaluator.evaluate(Context{}, results);

    const std::string name = c.let.substr(4, c.let.find(' ', 4) - 4);
    const std::int32_t index = let_index(campaign, name);
    REQUIRE(index >= 0);
    const Value actual = results.lets[static_cast<std::size_t>(index)];
    INFO("got " << describe(actual));
    CHECK(same_value(actual, c.expected));
  }
}

}  // namespace
}  // namespace vigie::eval
