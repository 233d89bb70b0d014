// The script: say and ask steps, options, number ranges and `if` conditions.

#include <set>

#include "check/campaign_checker.hpp"

namespace vigie::check {
namespace {

constexpr std::size_t kMaxMultiOptions = 64;  // a multi answer is a 64-bit set

ir::StepKind step_kind(ast::QuestionKind kind) {
  switch (kind) {
    case ast::QuestionKind::yes_no:
      return ir::StepKind::yes_no;
    case ast::QuestionKind::choice:
      return ir::StepKind::choice;
    case ast::QuestionKind::multi:
      return ir::StepKind::multi;
    case ast::QuestionKind::number:
      return ir::StepKind::number;
  }
  return ir::StepKind::yes_no;
}

}  // namespace

void CampaignChecker::check_script() {
  if (!decl_.script) return;

  const std::vector<ast::ScriptStep>& steps = decl_.script->steps;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    auto index = static_cast<std::int32_t>(i);
    if (const auto* say = std::get_if<ast::SayStep>(&steps[i])) {
      ir::Question question;
      question.id = say->id.name;
      question.text = say->text.value;
      question.kind = ir::StepKind::say;
      question.range = say->range;
      campaign_.questions.push_back(std::move(question));
      continue;
    }
    campaign_.questions.push_back(check_ask(std::get<ast::AskStep>(steps[i]), index));
  }
}

ir::Question CampaignChecker::check_ask(const ast::AskStep& ask, std::int32_t index) {
  ir::Question question;
  question.id = ask.id.name;
  question.text = ask.text.value;
  question.kind = step_kind(ask.kind);
  question.optional = ask.optional;
  question.range = ask.range;

  if (ask.kind == ast::QuestionKind::choice || ask.kind == ast::QuestionKind::multi) {
    check_options(ask, question);
  }
  if (ask.kind == ast::QuestionKind::number) {
    question.min = ask.min.value;
    question.max = ask.max.value;
    question.integer = !ask.min.has_decimal_point && !ask.max.has_decimal_point;
    if (ask.min.value > ask.max.value) {
      reporter_.error(file_, ask.max.range,
                      "the range of question '" + ask.id.name +
                          "' ends below its start; write the smaller bound first, as in 10..45");
    }
  }

  if (ask.condition) {
    Scope scope{"the condition of question '" + ask.id.name + "'",
                /*answers=*/true,
                index,
                /*rules=*/false,
                /*outcome=*/false,
                /*attempts=*/true,
                "it may read roster fields and the answers to earlier questions"};
    question.condition = check_condition(*ask.condition, scope);
  }
  return question;
}

void CampaignChecker::check_options(const ast::AskStep& ask, ir::Question& question) {
  const char* kind = ask.kind == ast::QuestionKind::multi ? "multi" : "choice";
  if (ask.options.empty()) {
    reporter_.error(file_, ask.kind_range,
                    std::string(kind) + " question '" + ask.id.name +
                        "' has no options; list them, as in `" + kind +
                        " { daily \"Every day\" }`");
    return;
  }

  std::map<std::string, const ast::OptionDecl*> seen;
  for (const ast::OptionDecl& option : ask.options) {
    auto [it, inserted] = seen.emplace(option.id.name, &option);
    if (!inserted) {
      reporter_.error(file_, option.id.range,
                      "option '" + option.id.name + "' is already listed at " +
                          format_position(file_, it->second->id.range) +
                          "; give each option of a question a distinct id");
      continue;
    }
    question.options.push_back(ir::Option{option.id.name, option.label.value});
  }

  if (ask.kind == ast::QuestionKind::multi && question.options.size() > kMaxMultiOptions) {
    reporter_.error(file_, ask.options[kMaxMultiOptions].id.range,
                    "multi question '" + ask.id.name + "' has " +
                        std::to_string(question.options.size()) +
                        " options; a multi question may have at most 64, so split it");
  }
}

}  // namespace vigie::check
