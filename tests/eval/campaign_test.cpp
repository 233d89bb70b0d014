// CompiledCampaign on the hand-built heatwave campaign: lets, scores,
// routes, `useful`, audience, priority, `applies` and settle_answers.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "eval/evaluator.hpp"
#include "expr_builders.hpp"

namespace vigie::eval {
namespace {

using namespace testing;
using namespace testing::heatwave;

Context context_for(const HeatwaveContact& contact, int year = 2019, unsigned month = 6,
                    unsigned day = 24) {
  Context context;
  context.fields = contact.fields;
  context.answers = contact.answers;
  context.today = Value::of_date(days_of(year, month, day));
  return context;
}

std::vector<std::string> fired_routes(const ir::Campaign& campaign, const Results& results) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < results.routes.size(); ++i) {
    if (results.routes[i]) names.push_back(campaign.routes[i].name);
  }
  return names;
}

TEST_CASE("heatwave specification case scores 15 and is urgent", "[eval]") {
  const ir::Campaign campaign = heatwave_campaign();
  const CompiledCampaign compiled(campaign);
  const HeatwaveContact contact = isolated_confused_contact();
  Results results = compiled.make_results();

  compiled.evaluate(context_for(contact), results);

  CHECK(same_value(results.lets[kFrail], Value::of_bool(true)));
  CHECK(same_value(results.scores[kRisk], Value::of_int(15)));
  CHECK(fired_routes(campaign, results) == std::vector<std::string>{"urgence"});
  CHECK(results.useful);
}

TEST_CASE("heatwave unreachable contact gets a home visit", "[eval]") {
  const ir::Campaign campaign = heatwave_campaign();
  const CompiledCampaign compiled(campaign);
  const HeatwaveContact contact;  // nothing answered, no field
  Context context = context_for(contact);
  context.outcome = ir::kUnreachable;
  Results results = compiled.make_results();

  compiled.evaluate(context, results);

  CHECK(same_value(results.lets[kFrail], Value::of_bool(false)));
  CHECK(same_value(results.scores[kRisk], Value::of_int(0)));
  CHECK(fired_routes(campaign, results) == std::vector<std::string>{"visite"});
  CHECK_FALSE(results.useful);
}

TEST_CASE("heatwave score cases", "[eval]") {
  struct ScoreCase {
    std::string name;
    std::int32_t alone;   // -1: unanswered
    std::int32_t visits;  // -1: unanswered
    std::int32_t health;  // -1: unanswered
    std::uint64_t symptoms;
    int birth_year;
    std::int64_t risk;
    std::vector<std::string> routes;
  };
  const std::vector<ScoreCase> cases = {
      {"alone and rarely visited", kYes, kRarely, kNo, 0, 1950, 5, {"social"}},
      {"alone only", kYes, kDaily, kNo, 0, 1950, 3, {}},
      {"health with two symptoms makes frail",
       kNo,
       kWeekly,
       kYes,
       (1u << kFatigue) | (1u << kCramps),
       1950,
       5,
       {"social"}},
      {"unanswered questions add nothing", -1, -1, -1, 0, 1950, 0, {}},
      {"age 85 alone is frail", kYes, kDaily, kNo, 0, 1934, 5, {"social"}},
      {"risk 8 without confusion is urgent", kYes, kRarely, kYes, 0, 1950, 8, {"urgence"}},
  };

  const ir::Campaign campaign = heatwave_campaign();
  const CompiledCampaign compiled(campaign);
  Results results = compiled.make_results();
  for (const ScoreCase& c : cases) {
    HeatwaveContact contact;
    contact.fields[kBirth] = Value::of_date(days_of(c.birth_year, 1, 15));
    if (c.alone >= 0) contact.answers[kAlone] = Value::of_option(c.alone);
    if (c.visits >= 0) contact.answers[kVisits] = Value::of_option(c.visits);
    if (c.health >= 0) contact.answers[kHealth] = Value::of_option(c.health);
    if (c.health == kYes) contact.answers[kSymptoms] = Value::of_set(c.symptoms);

    compiled.evaluate(context_for(contact), results);

    INFO(c.name << ": risk " << describe(results.scores[kRisk]));
    CHECK(same_value(results.scores[kRisk], Value::of_int(c.risk)));
    CHECK(fired_routes(campaign, results) == c.routes);
  }
}

TEST_CASE("heatwave audience and priority", "[eval]") {
  const ir::Campaign campaign = heatwave_campaign();
  const CompiledCampaign compiled(campaign);
  HeatwaveContact contact = isolated_confused_contact();

  CHECK(compiled.in_audience(context_for(contact)));
  CHECK(compiled.priority(context_for(contact)) == 88.0);

  contact.fields[kLivesAlone] = Value::of_bool(true);
  CHECK(compiled.priority(context_for(contact)) == 98.0);

  contact.fields[kBirth] = Value::of_date(days_of(1960, 1, 1));
  CHECK_FALSE(compiled.in_audience(context_for(contact)));

  contact.fields[kBirth] = Value::missing();
  CHECK_FALSE(compiled.in_audience(context_for(contact)));
  CHECK(compiled.priority(context_for(contact)) == 0.0);
}

TEST_CASE("campaign without audience or priority", "[eval]") {
  ir::Campaign campaign = heatwave_campaign();
  campaign.audience.reset();
  campaign.priority.reset();
  const CompiledCampaign compiled(campaign);
  const HeatwaveContact contact;

  CHECK(compiled.in_audience(context_for(contact)));
  CHECK(compiled.priority(context_for(contact)) == 0.0);
}

TEST_CASE("priority of a decimal expression", "[eval]") {
  ir::Campaign campaign = heatwave_campaign();
  campaign.priority = binary(BinaryOp::mul, dec_lit(1.5), int_lit(3));
  const CompiledCampaign compiled(campaign);

  CHECK(compiled.priority(context_for(HeatwaveContact{})) == 4.5);
}

TEST_CASE("applies reads earlier answers", "[eval]") {
  const ir::Campaign campaign = heatwave_campaign();
  const CompiledCampaign compiled(campaign);
  HeatwaveContact contact;

  CHECK(compiled.applies(kAlone, context_for(contact)));
  CHECK_FALSE(compiled.applies(kSymptoms, context_for(contact)));

  contact.answers[kHealth] = Value::of_option(kYes);
  CHECK(compiled.applies(kSymptoms, context_for(contact)));

  contact.answers[kHealth] = Value::of_option(kNo);
  CHECK_FALSE(compiled.applies(kSymptoms, context_for(contact)));

  CHECK_FALSE(compiled.applies(-1, context_for(contact)));
  CHECK_FALSE(compiled.applies(kQuestionCount, context_for(contact)));
}

TEST_CASE("settle_answers clears a dependent answer", "[eval]") {
  const ir::Campaign campaign = heatwave_campaign();
  const CompiledCampaign compiled(campaign);
  HeatwaveContact contact = isolated_confused_contact();
  contact.answers[kHealth] = Value::of_option(kNo);  // changed after symptoms were given

  const bool complete = compiled.settle_answers(contact.answers, context_for(contact));

  CHECK(complete);
  CHECK(contact.answers[kSymptoms].is_missing());
  CHECK(same_value(contact.answers[kHealth], Value::of_option(kNo)));
  CHECK(same_value(contact.answers[kAlone], Value::of_option(kYes)));
}

TEST_CASE("settle_answers completeness", "[eval]") {
  const ir::Campaign campaign = heatwave_campaign();
  const CompiledCampaign compiled(campaign);

  HeatwaveContact full = isolated_confused_contact();
  CHECK(compiled.settle_answers(full.answers, context_for(full)));
  CHECK(same_value(full.answers[kSymptoms], Value::of_set(1u << kConfusion)));

  HeatwaveContact without_optional = isolated_confused_contact();
  without_optional.answers[kTemp] = Value::missing();
  CHECK(compiled.settle_answers(without_optional.answers, context_for(without_optional)));

  HeatwaveContact without_symptoms = isolated_confused_contact();
  without_symptoms.answers[kSymptoms] = Value::missing();
  CHECK_FALSE(compiled.settle_answers(without_symptoms.answers, context_for(without_symptoms)));

  HeatwaveContact without_visits = isolated_confused_contact();
  without_visits.answers[kVisits] = Value::missing();
  CHECK_FALSE(compiled.settle_answers(without_visits.answers, context_for(without_visits)));

  HeatwaveContact short_span = isolated_confused_contact();
  short_span.answers.resize(kVisits);
  CHECK_FALSE(compiled.settle_answers(short_span.answers, context_for(short_span)));
}

// A chain of conditions: clearing q1 makes q2 not apply, which in turn
// makes q3 not apply, because each condition sees the settled answers.
TEST_CASE("settle_answers cascades through conditions", "[eval]") {
  ir::Campaign campaign;
  campaign.questions = {question("q1", ir::StepKind::yes_no), question("q2", ir::StepKind::yes_no),
                        question("q3", ir::StepKind::yes_no)};
  campaign.questions[0].condition = bool_lit(false);
  campaign.questions[1].condition = call(ir::Function::answered, {answer(0, TypeKind::yes_no)});
  campaign.questions[2].condition =
      binary(BinaryOp::eq, answer(1, TypeKind::yes_no), option_lit(kYes));
  const CompiledCampaign compiled(campaign);
  std::vector<Value> answers = {Value::of_option(kYes), Value::of_option(kYes),
                                Value::of_option(kNo)};
  Context context;
  context.answers = answers;

  CHECK(compiled.settle_answers(answers, context));
  CHECK(answers[0].is_missing());
  CHECK(answers[1].is_missing());
  CHECK(answers[2].is_missing());
}

TEST_CASE("score rules with computed and missing points", "[eval]") {
  ir::Campaign campaign;
  campaign.fields = {{"n", ir::FieldType::integer, false, true, {}},
                     {"w", ir::FieldType::decimal, false, true, {}}};
  ir::Score total;
  total.name = "total";
  total.decimal = true;
  total.rules = {
      {bool_lit(true), field(0, TypeKind::integer)},  // missing points add nothing
      {bool_lit(true), binary(BinaryOp::mul, field(1, TypeKind::decimal), int_lit(2))},
      {bool_lit(false), int_lit(100)},               // condition false
      {bool_lit(true), int_lit(1)},                  // int points in a decimal score
      {field(0, TypeKind::boolean), int_lit(1000)},  // missing condition
  };
  campaign.scores.push_back(total);
  ir::Score ints;
  ints.name = "ints";
  ints.rules = {{bool_lit(true), binary(BinaryOp::div, int_lit(1), int_lit(0))},
                {bool_lit(true), int_lit(INT64_MAX)},
                {bool_lit(true), int_lit(1)}};  // would overflow: adds nothing
  campaign.scores.push_back(ints);
  campaign.rule_order = {{ir::RuleRef::Kind::score, 0}, {ir::RuleRef::Kind::score, 1}};
  const CompiledCampaign compiled(campaign);

  std::vector<Value> fields = {Value::missing(), Value::of_decimal(1.25)};
  Context context;
  context.fields = fields;
  Results results = compiled.make_results();
  compiled.evaluate(context, results);

  CHECK(same_value(results.scores[0], Value::of_decimal(3.5)));
  CHECK(same_value(results.scores[1], Value::of_int(INT64_MAX)));
}

TEST_CASE("lets read earlier lets and useful is configurable", "[eval]") {
  ir::Campaign campaign = heatwave_campaign();
  ir::Let doubled;
  doubled.name = "doubled_risk";
  doubled.value = binary(BinaryOp::mul, score_ref(kRisk), int_lit(2));
  campaign.lets.push_back(doubled);
  ir::Let big;
  big.name = "big";
  big.value = binary(BinaryOp::gt, let_ref(1, TypeKind::integer), int_lit(20));
  campaign.lets.push_back(big);
  campaign.rule_order.insert(campaign.rule_order.begin() + 2,
                             {{ir::RuleRef::Kind::let, 1}, {ir::RuleRef::Kind::let, 2}});
  campaign.useful = binary(BinaryOp::logical_and,
                           binary(BinaryOp::eq, outcome(), disposition_lit(ir::kCompleted)),
                           let_ref(2, TypeKind::boolean));
  const CompiledCampaign compiled(campaign);
  const HeatwaveContact contact = isolated_confused_contact();
  Results results = compiled.make_results();

  compiled.evaluate(context_for(contact), results);

  CHECK(same_value(results.lets[1], Value::of_int(30)));
  CHECK(same_value(results.lets[2], Value::of_bool(true)));
  CHECK(results.useful);

  Context partial = context_for(contact);
  partial.outcome = ir::kPartial;
  compiled.evaluate(partial, results);
  CHECK_FALSE(results.useful);
}

TEST_CASE("evaluate resizes a default Results", "[eval]") {
  const ir::Campaign campaign = heatwave_campaign();
  const CompiledCampaign compiled(campaign);
  Results results;

  compiled.evaluate(context_for(isolated_confused_contact()), results);

  REQUIRE(results.scores.size() == 1);
  CHECK(same_value(results.scores[kRisk], Value::of_int(15)));
}

TEST_CASE("evaluate_expr reads results of evaluate", "[eval]") {
  const ir::Campaign campaign = heatwave_campaign();
  const CompiledCampaign compiled(campaign);
  const HeatwaveContact contact = isolated_confused_contact();
  const Context context = context_for(contact);
  Results results = compiled.make_results();
  compiled.evaluate(context, results);

  CHECK(same_value(
      compiled.evaluate_expr(binary(BinaryOp::eq, score_ref(kRisk), int_lit(15)), context, results),
      Value::of_bool(true)));
  CHECK(same_value(compiled.evaluate_expr(route_ref(kUrgence), context, results),
                   Value::of_bool(true)));
  CHECK(same_value(compiled.evaluate_expr(route_ref(kSocial), context, results),
                   Value::of_bool(false)));
}

TEST_CASE("deep expression beyond the inline stack", "[eval]") {
  // 1 + (1 + (1 + ...)) needs one stack slot per level.
  Expr expr = int_lit(1);
  for (int i = 0; i < 200; ++i) expr = binary(BinaryOp::add, int_lit(1), std::move(expr));
  ir::Campaign campaign;
  const CompiledCampaign compiled(campaign);

  CHECK(same_value(compiled.evaluate_expr(expr, Context{}, Results{}), Value::of_int(201)));
}

}  // namespace
}  // namespace vigie::eval
