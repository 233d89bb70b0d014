// `vigie explain`, first half: the command-line inputs turned into typed
// values, then one evaluation of the campaign's rules, kept step by step.
// The text and JSON output are in explain_output.cpp.

#include "runtime/explain.hpp"

#include <cmath>
#include <set>

#include "common/diagnostic.hpp"
#include "runtime/campaign_tests.hpp"
#include "runtime/roster.hpp"
#include "vigie/convert.hpp"

namespace vigie::runtime {
namespace {

std::string join(const std::vector<std::string>& names, const char* separator = ", ") {
  std::string text;
  for (const std::string& name : names) {
    if (!text.empty()) text += separator;
    text += name;
  }
  return text;
}

// "did you mean 'x'?" when a near name exists, else the list of names.
std::string unknown_name_hint(const std::string& name, const std::vector<std::string>& names,
                              const char* kind) {
  std::string suggestion = common::nearest_name(name, names);
  if (!suggestion.empty()) return "; did you mean '" + suggestion + "'?";
  if (names.empty()) return std::string("; the campaign has no ") + kind;
  return std::string("; ") + kind + " are " + join(names);
}

// A number written like an answer, without trailing zeros: 10, 45, 0.5.
std::string number_text(double number) {
  return value_text(std::floor(number) == number
                        ? common::Value::of_int(static_cast<std::int64_t>(number))
                        : common::Value::of_decimal(number));
}

// ---------------------------------------------------------------- NAME=VALUE items

struct Assignment {
  std::string name;
  std::string value;
};

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Assignment split_assignment(std::string_view item, const char* option, const char* example) {
  std::size_t equals = item.find('=');
  if (equals == std::string_view::npos) {
    throw ExplainError("'" + std::string(trim(item)) + "' in " + option +
                       " has no value; write NAME=VALUE, as in " + example);
  }
  Assignment assignment{std::string(trim(item.substr(0, equals))),
                        std::string(trim(item.substr(equals + 1)))};
  if (assignment.name.empty()) {
    throw ExplainError("'" + std::string(trim(item)) + "' in " + option +
                       " has no name before '='; write NAME=VALUE, as in " + example);
  }
  return assignment;
}

// Splits "alone=yes,temp=30,5" at the commas between answers. A piece made
// of digits only continues the previous value when that ends with a digit,
// so that a decimal comma stays inside its number.
std::vector<Assignment> split_answers(const std::string& text) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string piece(trim(std::string_view(text).substr(start, comma - start)));
    start = comma + 1;

    bool continues_number = !pieces.empty() && all_digits(piece) && !pieces.back().empty() &&
                            std::isdigit(static_cast<unsigned char>(pieces.back().back())) != 0 &&
                            pieces.back().find(',') == std::string::npos;
    if (continues_number) {
      pieces.back() += "," + piece;
    } else if (!piece.empty()) {
      pieces.push_back(piece);
    }
  }

  std::vector<Assignment> assignments;
  for (const std::string& piece : pieces) {
    assignments.push_back(split_assignment(
        piece, "--answers",
        "alone=yes,symptoms=confusion|fatigue (options of a multi question are joined by |)"));
  }
  return assignments;
}

// ---------------------------------------------------------------- answers

std::vector<std::string> option_ids(const ir::Question& question) {
  if (question.kind == ir::StepKind::yes_no) return {"yes", "no"};
  std::vector<std::string> ids;
  for (const ir::Option& option : question.options) ids.push_back(option.id);
  return ids;
}

std::int32_t option_index(const ir::Question& question, std::string_view id) {
  std::vector<std::string> ids = option_ids(question);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == id) return static_cast<std::int32_t>(i);
  }
  return -1;
}

std::string invalid_option(const ir::Question& question, const std::string& value) {
  std::vector<std::string> ids = option_ids(question);
  std::string suggestion = common::nearest_name(value, ids);
  return "invalid answer '" + value + "' to question '" + question.id + "'; options are " +
         join(ids) + (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?");
}

common::Value single_option(const ir::Question& question, const std::string& value) {
  if (value.find('|') != std::string::npos) {
    throw ExplainError("question '" + question.id + "' takes one option, not '" + value +
                       "'; options are " + join(option_ids(question)));
  }
  std::int32_t index = option_index(question, value);
  if (index < 0) throw ExplainError(invalid_option(question, value));
  return common::Value::of_option(index);
}

common::Value option_set(const ir::Question& question, const std::string& value) {
  std::uint64_t bits = 0;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t bar = value.find('|', start);
    if (bar == std::string::npos) bar = value.size();
    std::string id(trim(std::string_view(value).substr(start, bar - start)));
    start = bar + 1;
    if (id.empty()) continue;

    std::int32_t index = option_index(question, id);
    if (index < 0) throw ExplainError(invalid_option(question, id) + "; join several with |");
    bits |= std::uint64_t{1} << index;
  }
  return common::Value::of_set(bits);
}

common::Value number_answer(const ir::Question& question, const std::string& value) {
  std::string range = number_text(question.min) + ".." + number_text(question.max);
  std::string bounds = number_text(question.min) + " to " + number_text(question.max);
  Converted<double> number = parse_decimal(value);
  if (!number.ok()) {
    throw ExplainError("invalid answer '" + value + "' to question '" + question.id +
                       "': not a number; write a number from " + bounds +
                       ", with a decimal point or comma");
  }
  if (*number.value < question.min || *number.value > question.max) {
    throw ExplainError("answer " + value + " to question '" + question.id +
                       "' is outside its range " + range + "; give a number from " + bounds);
  }
  if (!question.integer) return common::Value::of_decimal(*number.value);
  if (std::floor(*number.value) != *number.value) {
    throw ExplainError("answer " + value + " to question '" + question.id +
                       "' must be a whole number because its range " + range +
                       " has no decimal point; round it");
  }
  return common::Value::of_int(static_cast<std::int64_t>(*number.value));
}

common::Value typed_answer(const ir::Question& question, const std::string& value) {
  if (question.kind == ir::StepKind::multi) return option_set(question, value);
  if (value.empty()) {
    std::string expected =
        question.kind == ir::StepKind::number
            ? "a number from " + number_text(question.min) + ".." + number_text(question.max)
            : "one of " + join(option_ids(question));
    throw ExplainError("question '" + question.id + "' has an empty answer; write " + expected +
                       ", or leave the question out");
  }
  switch (question.kind) {
    case ir::StepKind::yes_no:
    case ir::StepKind::choice:
      return single_option(question, value);
    case ir::StepKind::number:
      return number_answer(question, value);
    case ir::StepKind::say:
    case ir::StepKind::multi:
      break;
  }
  return common::Value::missing();
}

std::vector<std::string> question_ids(const ir::Campaign& campaign) {
  std::vector<std::string> ids;
  for (const ir::Question& question : campaign.questions) {
    if (question.kind != ir::StepKind::say) ids.push_back(question.id);
  }
  return ids;
}

void read_answers(const ir::Campaign& campaign, const std::vector<std::string>& items,
                  std::vector<common::Value>& answers) {
  std::set<std::int32_t> seen;
  for (const std::string& item : items) {
    for (const Assignment& assignment : split_answers(item)) {
      std::int32_t index = campaign.question_index(assignment.name);
      if (index < 0) {
        throw ExplainError("unknown question '" + assignment.name + "' in --answers" +
                           unknown_name_hint(assignment.name, question_ids(campaign), "questions"));
      }
      const ir::Question& question = campaign.questions[static_cast<std::size_t>(index)];
      if (question.kind == ir::StepKind::say) {
        throw ExplainError("'" + assignment.name +
                           "' is a `say` step, which takes no answer; remove it from --answers");
      }
      if (!seen.insert(index).second) {
        throw ExplainError("question '" + assignment.name +
                           "' is answered twice in --answers; keep one answer");
      }
      answers[static_cast<std::size_t>(index)] = typed_answer(question, assignment.value);
    }
  }
}

// ---------------------------------------------------------------- fields

const char* field_type_text(ir::FieldType type) {
  switch (type) {
    case ir::FieldType::text:
      return "text";
    case ir::FieldType::integer:
      return "int";
    case ir::FieldType::decimal:
      return "decimal";
    case ir::FieldType::boolean:
      return "bool";
    case ir::FieldType::date:
      return "date";
    case ir::FieldType::phone:
      return "phone";
  }
  return "text";
}

template <typename T>
T converted_or_throw(Converted<T> converted, const ir::Field& field, const std::string& value,
                     const char* fix = "") {
  if (converted.ok()) return *converted.value;
  throw ExplainError("invalid value '" + value + "' for field '" + field.name + "' (" +
                     field_type_text(field.type) + "): " + converted.error + fix);
}

common::Value typed_field(const ir::Field& field, const std::string& value,
                          std::deque<std::string>& texts) {
  if (value.empty()) {
    throw ExplainError("field '" + field.name + "' has an empty value in --field; give a " +
                       field_type_text(field.type) + " value, or leave the field out");
  }
  switch (field.type) {
    case ir::FieldType::text:
    case ir::FieldType::phone:
      texts.push_back(value);
      return common::Value::of_text(texts.back());
    case ir::FieldType::integer:
      return common::Value::of_int(
          converted_or_throw(parse_integer(value), field, value, "; write digits, as in 12"));
    case ir::FieldType::decimal:
      return common::Value::of_decimal(converted_or_throw(parse_decimal(value), field, value));
    case ir::FieldType::boolean:
      return common::Value::of_bool(converted_or_throw(parse_bool(value), field, value));
    case ir::FieldType::date:
      return common::Value::of_date(
          days_from_civil(converted_or_throw(parse_date(value), field, value)));
  }
  return common::Value::missing();
}

std::vector<std::string> field_names(const ir::Campaign& campaign) {
  std::vector<std::string> names;
  for (const ir::Field& field : campaign.fields) names.push_back(field.name);
  return names;
}

void read_fields(const ir::Campaign& campaign, const std::vector<std::string>& items,
                 std::vector<common::Value>& fields, std::deque<std::string>& texts) {
  std::set<std::int32_t> seen;
  for (const std::string& item : items) {
    Assignment assignment = split_assignment(item, "--field", "birth=1931-05-02");
    std::int32_t index = campaign.field_index(assignment.name);
    if (index < 0) {
      throw ExplainError("unknown field '" + assignment.name + "' in --field" +
                         unknown_name_hint(assignment.name, field_names(campaign), "fields"));
    }
    if (!seen.insert(index).second) {
      throw ExplainError("field '" + assignment.name + "' is given twice in --field; keep one");
    }
    const ir::Field& field = campaign.fields[static_cast<std::size_t>(index)];
    fields[static_cast<std::size_t>(index)] = typed_field(field, assignment.value, texts);
  }
}

// ---------------------------------------------------------------- context

common::Value read_today(const ir::Campaign& campaign, const ExplainInputs& inputs,
                         const std::vector<common::Value>& fields) {
  if (inputs.today) {
    Converted<CivilDate> date = parse_date(*inputs.today);
    if (!date.ok()) {
      throw ExplainError("invalid --today '" + *inputs.today + "': " + date.error);
    }
    return common::Value::of_date(days_from_civil(*date.value));
  }

  // Like a live cycle: today in the contact's own zone when it has one.
  const date::time_zone* zone = common::find_zone(campaign.timezone);
  if (campaign.timezone_field >= 0) {
    const common::Value& own = fields[static_cast<std::size_t>(campaign.timezone_field)];
    if (own.kind == common::ValueKind::text && common::find_zone(own.text) != nullptr) {
      zone = common::find_zone(own.text);
    }
  }
  if (zone == nullptr) zone = date::locate_zone("UTC");
  return local_today(inputs.now, zone);
}

std::int32_t read_outcome(const ir::Campaign& campaign, const ExplainInputs& inputs) {
  if (!inputs.outcome) return ir::kCompleted;
  std::int32_t index = campaign.disposition_index(*inputs.outcome);
  if (index >= 0) return index;

  std::vector<std::string> names;
  for (const ir::Disposition& disposition : campaign.dispositions)
    names.push_back(disposition.name);
  throw ExplainError("unknown outcome '" + *inputs.outcome + "' in --outcome" +
                     unknown_name_hint(*inputs.outcome, names, "outcomes"));
}

// ---------------------------------------------------------------- evaluation

ExplainedValue explained(const ir::Type& type, const common::Value& value) {
  return ExplainedValue{type, value};
}

const ir::Type kBool{ir::TypeKind::boolean};

std::vector<GivenValue> given_values(const std::vector<common::Value>& values,
                                     const std::vector<std::string>& names,
                                     const std::vector<ir::Type>& types) {
  std::vector<GivenValue> given;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!values[i].is_missing()) given.push_back({names[i], explained(types[i], values[i])});
  }
  return given;
}

ir::Type field_type(const ir::Field& field) {
  switch (field.type) {
    case ir::FieldType::integer:
      return ir::Type{ir::TypeKind::integer};
    case ir::FieldType::decimal:
      return ir::Type{ir::TypeKind::decimal};
    case ir::FieldType::boolean:
      return ir::Type{ir::TypeKind::boolean};
    case ir::FieldType::date:
      return ir::Type{ir::TypeKind::date};
    case ir::FieldType::text:
    case ir::FieldType::phone:
      break;
  }
  return ir::Type{ir::TypeKind::text};
}

ir::Type answer_type(const ir::Question& question, std::int32_t index) {
  switch (question.kind) {
    case ir::StepKind::yes_no:
      return ir::Type{ir::TypeKind::yes_no, index};
    case ir::StepKind::choice:
      return ir::Type{ir::TypeKind::choice, index};
    case ir::StepKind::multi:
      return ir::Type{ir::TypeKind::multi, index};
    case ir::StepKind::number:
      return ir::Type{question.integer ? ir::TypeKind::integer : ir::TypeKind::decimal};
    case ir::StepKind::say:
      break;
  }
  return ir::Type{ir::TypeKind::text};
}

void record_inputs(const ir::Campaign& campaign, const std::vector<common::Value>& fields,
                   const std::vector<common::Value>& answers, Explanation& explanation) {
  std::vector<ir::Type> types;
  for (const ir::Field& field : campaign.fields) types.push_back(field_type(field));
  explanation.fields = given_values(fields, field_names(campaign), types);

  std::vector<std::string> ids;
  types.clear();
  for (std::size_t q = 0; q < campaign.questions.size(); ++q) {
    ids.push_back(campaign.questions[q].id);
    types.push_back(answer_type(campaign.questions[q], static_cast<std::int32_t>(q)));
  }
  explanation.answers = given_values(answers, ids, types);
}

// Discards the answers whose `if` does not hold and finds the questions
// still waiting for an answer. `context.answers` must view `answers`.
void settle(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
            const common::SourceManager& sources, std::vector<common::Value>& answers,
            const eval::Context& context, Explanation& explanation) {
  std::vector<common::Value> given = answers;
  explanation.complete = compiled.settle_answers(answers, context);
  for (std::size_t q = 0; q < campaign.questions.size(); ++q) {
    const ir::Question& question = campaign.questions[q];
    if (!given[q].is_missing() && answers[q].is_missing()) {
      std::string condition =
          question.condition ? source_text(sources, campaign.file, question.condition->range) : "";
      explanation.discarded.push_back({question.id, condition});
    }
    bool required = question.kind != ir::StepKind::say && !question.optional;
    if (required && answers[q].is_missing() &&
        compiled.applies(static_cast<std::int32_t>(q), context)) {
      explanation.unanswered.push_back(question.id);
    }
  }
}

void record_rules(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
                  const common::SourceManager& sources, const eval::Context& context,
                  const eval::Results& results, Explanation& explanation) {
  for (std::size_t l = 0; l < campaign.lets.size(); ++l) {
    const ir::Let& let = campaign.lets[l];
    explanation.lets.push_back({let.name, source_text(sources, campaign.file, let.value.range),
                                explained(let.value.type, results.lets[l])});
  }

  for (std::size_t s = 0; s < campaign.scores.size(); ++s) {
    const ir::Score& score = campaign.scores[s];
    ir::Type number{score.decimal ? ir::TypeKind::decimal : ir::TypeKind::integer};
    ScoreLine line{score.name, {}, explained(number, results.scores[s])};
    for (const ir::ScoreRule& rule : score.rules) {
      common::Value held = compiled.evaluate_expr(rule.condition, context, results);
      bool holds = held.kind == common::ValueKind::boolean && held.boolean;
      common::Value points =
          holds ? compiled.evaluate_expr(rule.points, context, results) : common::Value::missing();
      // Missing points add nothing, as in the evaluator.
      if (points.is_missing()) points = common::Value::of_int(0);
      line.rules.push_back({source_text(sources, campaign.file, rule.condition.range),
                            explained(kBool, held), explained(rule.points.type, points)});
    }
    explanation.scores.push_back(std::move(line));
  }

  for (std::size_t r = 0; r < campaign.routes.size(); ++r) {
    const ir::Route& route = campaign.routes[r];
    common::Value held = compiled.evaluate_expr(route.when, context, results);
    explanation.routes.push_back({route.name, route.title,
                                  source_text(sources, campaign.file, route.when.range),
                                  explained(kBool, held), static_cast<bool>(results.routes[r]),
                                  route.notifier, route.within});
  }

  explanation.useful_when = campaign.useful
                                ? source_text(sources, campaign.file, campaign.useful->range)
                                : "outcome == completed";
  explanation.useful = results.useful;
}

// Byte offset of code point `column` (1-based) in `line`, or its size.
std::size_t byte_offset(std::string_view line, std::uint32_t column) {
  std::uint32_t current = 1;
  for (std::size_t i = 0; i < line.size(); ++i) {
    bool starts_code_point = (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
    if (!starts_code_point) continue;
    if (current == column) return i;
    ++current;
  }
  return line.size();
}

// `line` up to a `#` comment that is outside a string literal.
std::string_view without_comment(std::string_view line) {
  bool in_string = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (in_string && line[i] == '\\') {
      ++i;
    } else if (line[i] == '"') {
      in_string = !in_string;
    } else if (!in_string && line[i] == '#') {
      return line.substr(0, i);
    }
  }
  return line;
}

}  // namespace

std::string source_text(const common::SourceManager& sources, const std::string& file,
                        const common::SourceRange& range) {
  std::string text;
  for (std::uint32_t number = range.begin.line; number <= range.end.line; ++number) {
    std::string_view line = sources.line_text(file, number);
    std::size_t end = number == range.end.line ? byte_offset(line, range.end.column) : line.size();
    line = line.substr(0, end);
    if (number == range.begin.line) line.remove_prefix(byte_offset(line, range.begin.column));
    if (number != range.end.line) line = without_comment(line);

    line = trim(line);
    if (line.empty()) continue;
    if (!text.empty()) text += ' ';
    text += line;
  }
  return text;
}

const ir::Campaign& select_campaign(const ir::Module& module, const std::string& path,
                                    const std::optional<std::string>& name) {
  std::vector<std::string> names;
  for (const ir::Campaign& campaign : module.campaigns) names.push_back(campaign.name);
  if (names.empty()) {
    throw ExplainError(path + " declares no campaign; add a `campaign NAME { ... }` block");
  }

  if (!name) {
    if (names.size() == 1) return module.campaigns.front();
    throw ExplainError(path + " declares several campaigns (" + join(names) +
                       "); choose one with --campaign NAME");
  }
  for (const ir::Campaign& campaign : module.campaigns) {
    if (campaign.name == *name) return campaign;
  }
  std::string suggestion = common::nearest_name(*name, names);
  throw ExplainError("no campaign named '" + *name + "' in " + path + " (it declares " +
                     join(names) + ")" +
                     (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?"));
}

Explanation explain(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
                    const common::SourceManager& sources, const ExplainInputs& inputs) {
  if (inputs.attempts < 0) {
    throw ExplainError("invalid --attempts " + std::to_string(inputs.attempts) +
                       "; give 0 or more");
  }
  if (inputs.cycle < 1) {
    throw ExplainError("invalid --cycle " + std::to_string(inputs.cycle) + "; give 1 or more");
  }

  Explanation explanation;
  explanation.campaign = &campaign;
  std::vector<common::Value> fields(campaign.fields.size());
  std::vector<common::Value> answers(campaign.questions.size());
  read_fields(campaign, inputs.fields, fields, *explanation.texts);
  read_answers(campaign, inputs.answers, answers);
  explanation.today = read_today(campaign, inputs, fields);
  explanation.requested_outcome = read_outcome(campaign, inputs);
  explanation.attempts = inputs.attempts;
  explanation.cycle = inputs.cycle;
  record_inputs(campaign, fields, answers, explanation);

  eval::Context context;
  context.fields = fields;
  context.answers = answers;
  context.outcome = explanation.requested_outcome;
  context.attempts = inputs.attempts;
  context.cycle = inputs.cycle;
  context.today = explanation.today;
  settle(campaign, compiled, sources, answers, context, explanation);

  // A run records a completed call with an unfinished questionnaire as
  // partial; the rules see that outcome.
  explanation.outcome = explanation.requested_outcome;
  if (explanation.outcome == ir::kCompleted && !explanation.complete) {
    explanation.outcome = ir::kPartial;
  }
  context.outcome = explanation.outcome;

  eval::Results results = compiled.make_results();
  compiled.evaluate(context, results);
  record_rules(campaign, compiled, sources, context, results, explanation);
  return explanation;
}

}  // namespace vigie::runtime
