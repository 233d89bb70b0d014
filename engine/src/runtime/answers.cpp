#include "runtime/answers.hpp"

#include "runtime/roster.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <string>

namespace vigie::runtime {
namespace {

std::int32_t option_index(const ir::Question& question, const std::string& id) {
  for (std::size_t i = 0; i < question.options.size(); ++i) {
    if (question.options[i].id == id) return static_cast<std::int32_t>(i);
  }
  return -1;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Whether `text` is a plain decimal: an optional '-', digits, then
// optionally a decimal point or comma and digits. Exponents ("1e1"), a
// '+' sign, spaces, "inf" and "nan" are rejected: an answer is the number
// the person said, and storing "1e1" as 10 would hide a typing mistake.
bool is_plain_decimal(const std::string& text) {
  std::size_t i = text.empty() || text[0] != '-' ? 0 : 1;
  const std::size_t integer_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == integer_start) return false;
  if (i == text.size()) return true;

  if (text[i] != '.' && text[i] != ',') return false;
  const std::size_t fraction_start = ++i;
  while (i < text.size() && is_digit(text[i])) ++i;
  return i > fraction_start && i == text.size();
}

// Parses a number answer; the comma is accepted as a decimal separator
// since French agents and registers write 1,5.
std::optional<double> parse_number(const std::string& text) {
  if (!is_plain_decimal(text)) return std::nullopt;
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

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

// The values a question accepts, for messages.
std::string accepted_values(const ir::Question& question) {
  std::vector<std::string> ids;
  for (const ir::Option& option : question.options) ids.push_back(option.id);
  switch (question.kind) {
    case ir::StepKind::yes_no:
      return "give yes or no";
    case ir::StepKind::choice:
      return "give one of " + join(ids, ", ");
    case ir::StepKind::multi:
      return "give any of " + join(ids, ", ") + " (none for an empty list)";
    case ir::StepKind::number: {
      std::ostringstream range;
      range << "give " << (question.integer ? "a whole number" : "a number") << " from "
            << question.min << " to " << question.max;
      return range.str();
    }
    case ir::StepKind::say:
      break;
  }
  return "give no answer";
}

}  // namespace

std::optional<std::string> answer_problem(const ir::Campaign& campaign, const Answer& answer) {
  std::int32_t index = campaign.question_index(answer.question);
  if (index < 0) {
    std::vector<std::string> ids;
    for (const ir::Question& question : campaign.questions) {
      if (question.kind != ir::StepKind::say) ids.push_back(question.id);
    }
    return "unknown question '" + answer.question + "'; the script asks " + join(ids, ", ");
  }
  const ir::Question& question = campaign.questions[static_cast<std::size_t>(index)];
  if (question.kind == ir::StepKind::say) {
    return "'" + question.id + "' is a `say` step, which takes no answer";
  }
  if (typed_answer(question, answer)) return std::nullopt;

  std::string given = answer.values.empty() ? "no value" : "'" + join(answer.values, "|") + "'";
  return "the answer " + given + " does not fit question '" + question.id + "'; " +
         accepted_values(question);
}

Answer answer_from_text(const std::string& question, const std::string& text) {
  Answer answer{question, {}};
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t bar = std::min(text.find('|', start), text.size());
    answer.values.push_back(text.substr(start, bar - start));
    start = bar + 1;
  }
  return answer;
}

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
