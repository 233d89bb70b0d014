#include "eval/evaluator.hpp"

#include <algorithm>

#include "eval/interpreter.hpp"
#include "eval/program.hpp"
#include "eval/program_builder.hpp"
#include "eval/value_ops.hpp"

namespace vigie::eval {

struct CompiledCampaign::Impl {
  const ir::Campaign* campaign = nullptr;
  std::vector<Instr> code;
  std::vector<Cell> constants;

  Program rules;  // lets, scores, routes and `useful`, in dependency order
  Program audience;
  Program priority;
  std::vector<Program> conditions;  // per question; empty() when it has no `if`

  Value run(Program program, const Context& context, const Results& read, Results* write) const {
    return run_program(code.data(), constants.data(), program, context, read, write);
  }
};

namespace {

Program compile_optional(ProgramBuilder& builder, const std::optional<ir::Expr>& expr) {
  if (!expr) return Program{};
  builder.begin();
  builder.expression(*expr);
  return builder.end();
}

// Without a `useful` clause a contact is useful when its outcome is
// `completed`.
ir::Expr default_useful() {
  ir::Expr outcome;
  outcome.kind = ir::ExprKind::outcome;
  outcome.type.kind = ir::TypeKind::disposition;

  ir::Expr completed;
  completed.kind = ir::ExprKind::literal;
  completed.type.kind = ir::TypeKind::disposition;
  completed.value = Value::of_disposition(ir::kCompleted);

  ir::Expr test;
  test.kind = ir::ExprKind::binary;
  test.binary_op = ir::BinaryOp::eq;
  test.type.kind = ir::TypeKind::boolean;
  test.args = {outcome, completed};
  return test;
}

Program compile_rules(ProgramBuilder& builder, const ir::Campaign& campaign) {
  builder.begin();
  for (const ir::RuleRef& ref : campaign.rule_order) {
    const auto index = static_cast<std::size_t>(ref.index);
    switch (ref.kind) {
      case ir::RuleRef::Kind::let:
        builder.expression(campaign.lets[index].value);
        builder.store(Op::store_let, ref.index);
        break;
      case ir::RuleRef::Kind::score:
        builder.score(campaign.scores[index], ref.index);
        break;
      case ir::RuleRef::Kind::route:
        builder.expression(campaign.routes[index].when);
        builder.store(Op::store_route, ref.index);
        break;
    }
  }

  // Not a conditional expression: that would copy *campaign.useful, and
  // text constants must point into the campaign itself.
  if (campaign.useful) {
    builder.expression(*campaign.useful);
  } else {
    builder.expression(default_useful());
  }
  builder.store(Op::store_useful);
  return builder.end();
}

}  // namespace

CompiledCampaign::CompiledCampaign(const ir::Campaign& campaign) : impl_(std::make_unique<Impl>()) {
  impl_->campaign = &campaign;
  ProgramBuilder builder(impl_->code, impl_->constants);

  impl_->rules = compile_rules(builder, campaign);
  impl_->audience = compile_optional(builder, campaign.audience);
  impl_->priority = compile_optional(builder, campaign.priority);
  impl_->conditions.reserve(campaign.questions.size());
  for (const ir::Question& question : campaign.questions) {
    impl_->conditions.push_back(compile_optional(builder, question.condition));
  }
}

CompiledCampaign::~CompiledCampaign() = default;
CompiledCampaign::CompiledCampaign(CompiledCampaign&&) noexcept = default;
CompiledCampaign& CompiledCampaign::operator=(CompiledCampaign&&) noexcept = default;

const ir::Campaign& CompiledCampaign::campaign() const {
  return *impl_->campaign;
}

bool CompiledCampaign::in_audience(const Context& context) const {
  if (impl_->audience.empty()) return true;

  static const Results no_results;
  const Value holds = impl_->run(impl_->audience, context, no_results, nullptr);
  return holds.kind == common::ValueKind::boolean && holds.boolean;
}

double CompiledCampaign::priority(const Context& context) const {
  if (impl_->priority.empty()) return 0;

  static const Results no_results;
  const Value value = impl_->run(impl_->priority, context, no_results, nullptr);
  if (value.kind == common::ValueKind::integer) return static_cast<double>(value.integer);
  if (value.kind == common::ValueKind::decimal) return value.decimal;
  return 0;
}

bool CompiledCampaign::applies(std::int32_t question, const Context& context) const {
  if (question < 0 || static_cast<std::size_t>(question) >= impl_->conditions.size()) return false;

  const Program condition = impl_->conditions[static_cast<std::size_t>(question)];
  if (condition.empty()) return true;

  static const Results no_results;
  const Value holds = impl_->run(condition, context, no_results, nullptr);
  return holds.kind == common::ValueKind::boolean && holds.boolean;
}

bool CompiledCampaign::settle_answers(std::span<Value> answers, const Context& context) const {
  // Conditions read the answers as settled so far, so that clearing an
  // answer also clears the answers of the questions that depend on it.
  Context settled = context;
  settled.answers = answers;
  bool complete = true;

  const std::vector<ir::Question>& questions = impl_->campaign->questions;
  for (std::size_t i = 0; i < questions.size(); ++i) {
    const ir::Question& question = questions[i];
    if (question.kind == ir::StepKind::say) continue;

    const bool has_slot = i < answers.size();
    if (!applies(static_cast<std::int32_t>(i), settled)) {
      if (has_slot) answers[i] = Value::missing();
      continue;
    }
    const bool answered = has_slot && !answers[i].is_missing();
    if (!question.optional && !answered) complete = false;
  }
  return complete;
}

Results CompiledCampaign::make_results() const {
  const ir::Campaign& campaign = *impl_->campaign;
  Results results;
  results.lets.assign(campaign.lets.size(), Value::missing());
  results.scores.assign(campaign.scores.size(), Value::of_int(0));
  results.routes.assign(campaign.routes.size(), 0);
  return results;
}

void CompiledCampaign::evaluate(const Context& context, Results& results) const {
  const ir::Campaign& campaign = *impl_->campaign;
  if (results.lets.size() != campaign.lets.size() ||
      results.scores.size() != campaign.scores.size() ||
      results.routes.size() != campaign.routes.size()) {
    // Only a Results that did not come from make_results() gets here; it
    // allocates once and is then reused without allocating.
    results = make_results();
  }

  impl_->run(impl_->rules, context, results, &results);
}

Value CompiledCampaign::evaluate_expr(const ir::Expr& expr, const Context& context,
                                      const Results& results) const {
  std::vector<Instr> code;
  std::vector<Cell> constants;
  ProgramBuilder builder(code, constants);
  builder.begin();
  builder.expression(expr);
  const Program program = builder.end();

  return run_program(code.data(), constants.data(), program, context, results, nullptr);
}

}  // namespace vigie::eval
