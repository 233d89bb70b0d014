#include "runtime/campaign_tests.hpp"

#include <sstream>

#include "runtime/roster.hpp"

namespace vigie::runtime {
namespace {

std::string route_list(const ir::Campaign& campaign, const std::vector<std::int32_t>& routes) {
  std::string text = "[";
  for (std::size_t i = 0; i < routes.size(); ++i) {
    if (i > 0) text += ", ";
    text += campaign.routes[static_cast<std::size_t>(routes[i])].name;
  }
  return text + "]";
}

// The source text of an operand, for "actual: risk = 13".
std::string operand_text(const std::string& expectation, const char* op) {
  std::size_t at = expectation.find(op);
  std::string lhs = at == std::string::npos ? expectation : expectation.substr(0, at);
  while (!lhs.empty() && lhs.back() == ' ') lhs.pop_back();
  return lhs;
}

class TestRun {
 public:
  TestRun(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
          const ir::Test& test)
      : campaign_(campaign),
        compiled_(compiled),
        test_(test),
        fields_(campaign.fields.size()),
        answers_(campaign.questions.size()),
        results_(compiled.make_results()) {}

  TestResult run() {
    eval::Context context = given_context();
    compiled_.settle_answers(answers_, context);
    compiled_.evaluate(context, results_);

    TestResult result;
    result.test = &test_;
    for (const ir::TestExpect& expect : test_.expects) {
      if (auto failure = check(expect, context)) result.failures.push_back(std::move(*failure));
    }
    return result;
  }

 private:
  eval::Context given_context() {
    eval::Context context;
    for (const ir::TestGiven& given : test_.givens) {
      switch (given.kind) {
        case ir::TestGiven::Kind::field:
          fields_[static_cast<std::size_t>(given.index)] = given.value;
          break;
        case ir::TestGiven::Kind::answer:
          answers_[static_cast<std::size_t>(given.index)] = given.value;
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
    context.fields = fields_;
    context.answers = answers_;
    return context;
  }

  std::optional<ExpectFailure> check(const ir::TestExpect& expect, const eval::Context& context) {
    ExpectFailure failure;
    failure.text = expect.text;
    failure.range = expect.range;

    if (expect.routes_check) {
      std::vector<std::int32_t> fired;
      for (std::size_t r = 0; r < results_.routes.size(); ++r) {
        if (results_.routes[r]) fired.push_back(static_cast<std::int32_t>(r));
      }
      if (fired == expect.routes) return std::nullopt;
      failure.expected = "routes == " + route_list(campaign_, expect.routes);
      failure.actual = "routes = " + route_list(campaign_, fired);
      return failure;
    }

    common::Value condition_value = compiled_.evaluate_expr(expect.condition, context, results_);
    if (condition_value.kind == common::ValueKind::boolean && condition_value.boolean)
      return std::nullopt;

    const ir::Expr& condition = expect.condition;
    const char* op =
        condition.kind == ir::ExprKind::binary ? ir::comparison_text(condition.binary_op) : nullptr;
    if (op != nullptr && condition.args.size() == 2) {
      // Show the left operand's value: that is what the designer computes.
      const ir::Expr& lhs = condition.args[0];
      common::Value actual = compiled_.evaluate_expr(lhs, context, results_);
      failure.expected = expect.text;
      failure.actual =
          operand_text(expect.text, op) + " = " + display_value(campaign_, lhs.type, actual);
      return failure;
    }
    failure.expected = expect.text + " is true";
    failure.actual = display_value(campaign_, condition.type, condition_value);
    return failure;
  }

  const ir::Campaign& campaign_;
  const eval::CompiledCampaign& compiled_;
  const ir::Test& test_;
  std::vector<common::Value> fields_;
  std::vector<common::Value> answers_;
  eval::Results results_;
};

std::string options_text(const ir::Campaign& campaign, const ir::Type& type, std::uint64_t bits) {
  std::string text = "[";
  const auto& options = campaign.questions[static_cast<std::size_t>(type.question)].options;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if ((bits >> i & 1U) == 0) continue;
    if (text.size() > 1) text += ", ";
    text += options[i].id;
  }
  return text + "]";
}

}  // namespace

std::string display_value(const ir::Campaign& campaign, const ir::Type& type,
                          const common::Value& value) {
  using common::ValueKind;
  switch (value.kind) {
    case ValueKind::missing:
      return "missing";
    case ValueKind::text:
      return "\"" + std::string(value.text) + "\"";
    case ValueKind::duration:
      return std::to_string(value.seconds) + "s";
    case ValueKind::disposition:
      return campaign.dispositions[static_cast<std::size_t>(value.index)].name;
    case ValueKind::option:
      if (type.kind == ir::TypeKind::yes_no) return value.index == 0 ? "yes" : "no";
      if (type.question >= 0) {
        return campaign.questions[static_cast<std::size_t>(type.question)]
            .options[static_cast<std::size_t>(value.index)]
            .id;
      }
      return std::to_string(value.index);
    case ValueKind::set:
      if (type.question >= 0) return options_text(campaign, type, value.bits);
      return std::to_string(value.bits);
    default:
      return value_text(value);
  }
}

std::vector<TestResult> run_campaign_tests(const ir::Campaign& campaign,
                                           const eval::CompiledCampaign& compiled) {
  std::vector<TestResult> results;
  for (const ir::Test& test : campaign.tests) {
    results.push_back(TestRun(campaign, compiled, test).run());
  }
  return results;
}

}  // namespace vigie::runtime
