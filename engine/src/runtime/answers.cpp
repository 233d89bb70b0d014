#include "runtime/answers.hpp"

#include "runtime/roster.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace vigie::runtime {
namespace {

std::int32_t option_index(const ir::Question& question, const std::string& id) {
  for (std::size_t i = 0; i < question.options.size(); ++i) {
    if (question.options[i].id == id) return static_cast<std::int32_t>(i);
  }
  return -1;
}

std::optional<double> parse_number(const std::string& text) {
  std::string normalized = text;
  for (char& c : normalized) {
    if (c == ',') c = '.';
  }
  double value = 0;
  const char* end = normalized.data() + normalized.size();
  auto [ptr, error] = std::from_chars(normalized.data(), end, value);
  if (error != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<common::Value> typed_answer(const ir::Question& question, const Answer& answer) {
  // An empty multi answer means "none of the options", which is an answer.
  if (answer.values.empty() && question.kind == ir::StepKind::multi)
    return common::Value::of_set(0);
  if (answer.values.empty()) return std::nullopt;
  const std::string& first = answer.values.front();

  switch (question.kind) {
    case ir::StepKind::say:
      return std::nullopt;
    case ir::StepKind::yes_no:
      if (answer.values.size() != 1) return std::nullopt;
      if (first == "yes") return common::Value::of_option(0);
      if (first == "no") return common::Value::of_option(1);
      return std::nullopt;
    case ir::StepKind::choice: {
      if (answer.values.size() != 1) return std::nullopt;
      std::int32_t index = option_index(question, first);
      if (index < 0) return std::nullopt;
      return common::Value::of_option(index);
    }
    case ir::StepKind::multi: {
      std::uint64_t bits = 0;
      for (const std::string& value : answer.values) {
        if (value.empty()) continue;
        std::int32_t index = option_index(question, value);
        if (index < 0) return std::nullopt;
        bits |= std::uint64_t{1} << index;
      }
      return common::Value::of_set(bits);
    }
    case ir::StepKind::number: {
      if (answer.values.size() != 1) return std::nullopt;
      auto number = parse_number(first);
      if (!number || *number < question.min || *number > question.max) return std::nullopt;
      if (question.integer) {
        if (std::floor(*number) != *number) return std::nullopt;
        return common::Value::of_int(static_cast<std::int64_t>(*number));
      }
      return common::Value::of_decimal(*number);
    }
  }
  return std::nullopt;
}

}  // namespace

std::size_t apply_answers(const ir::Campaign& campaign, const std::vector<Answer>& reported,
                          std::span<common::Value> answers) {
  std::size_t ignored = 0;
  for (const Answer& answer : reported) {
    std::int32_t index = campaign.question_index(answer.question);
    if (index < 0) {
      ++ignored;
      continue;
    }
    auto value = typed_answer(campaign.questions[static_cast<std::size_t>(index)], answer);
    if (!value) {
      ++ignored;
      continue;
    }
    answers[static_cast<std::size_t>(index)] = *value;
  }
  return ignored;
}

std::string answer_text(const ir::Question& question, const common::Value& value) {
  switch (value.kind) {
    case common::ValueKind::option:
      if (question.kind == ir::StepKind::yes_no) return value.index == 0 ? "yes" : "no";
      return question.options[static_cast<std::size_t>(value.index)].id;
    case common::ValueKind::set: {
      std::string text;
      for (std::size_t i = 0; i < question.options.size(); ++i) {
        if ((value.bits >> i & 1U) == 0) continue;
        if (!text.empty()) text += '|';
        text += question.options[i].id;
      }
      return text;
    }
    case common::ValueKind::integer:
    case common::ValueKind::decimal:
      return value_text(value);
    default:
      return "";
  }
}

}  // namespace vigie::runtime
