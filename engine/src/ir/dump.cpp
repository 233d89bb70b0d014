#include "ir/dump.hpp"

#include <iomanip>
#include <sstream>

namespace vigie::ir {
namespace {

// Decimals with enough digits to tell any two doubles apart.
std::string number(double value) {
  std::ostringstream out;
  out << std::setprecision(17) << value;
  return out.str();
}

std::string type_name(const Type& type) {
  static const char* const kNames[] = {"bool",  "int",         "decimal",   "text",
                                       "date",  "duration",    "yes_no",    "choice",
                                       "multi", "disposition", "route_list"};
  std::string name = kNames[static_cast<int>(type.kind)];
  if (type.question >= 0) name += "#" + std::to_string(type.question);
  return name;
}

std::string value_text(const common::Value& value) {
  using common::ValueKind;
  switch (value.kind) {
    case ValueKind::missing:
      return "missing";
    case ValueKind::boolean:
      return value.boolean ? "bool:true" : "bool:false";
    case ValueKind::integer:
      return "int:" + std::to_string(value.integer);
    case ValueKind::decimal:
      return "decimal:" + number(value.decimal);
    case ValueKind::text:
      return "text:\"" + std::string(value.text) + "\"";
    case ValueKind::date:
      return "date:" + std::to_string(value.days);
    case ValueKind::duration:
      return "duration:" + std::to_string(value.seconds);
    case ValueKind::option:
      return "option:" + std::to_string(value.index);
    case ValueKind::set:
      return "set:" + std::to_string(value.bits);
    case ValueKind::disposition:
      return "disposition:" + std::to_string(value.index);
  }
  return "?";
}

// One expression as a nested list on one line:
// (kind type [value|index|op|function] args...).
void dump_expr(std::ostream& out, const Expr& expr) {
  static const char* const kKinds[] = {"literal", "field",   "answer",   "let",         "score",
                                       "route",   "outcome", "attempts", "cycle",       "today",
                                       "unary",   "binary",  "in_list",  "conditional", "call"};
  static const char* const kBinary[] = {
      "*", "/", "%", "+", "-", "<", "<=", ">", ">=", "==", "!=", "has", "and", "or"};
  static const char* const kFunctions[] = {"age", "count", "answered",
                                           "min", "max",   "days_between"};

  out << '(' << kKinds[static_cast<int>(expr.kind)] << ' ' << type_name(expr.type);
  switch (expr.kind) {
    case ExprKind::literal:
      out << ' ' << value_text(expr.value);
      break;
    case ExprKind::unary:
      out << (expr.unary_op == UnaryOp::negate ? " -" : " not");
      break;
    case ExprKind::binary:
      out << ' ' << kBinary[static_cast<int>(expr.binary_op)];
      break;
    case ExprKind::call:
      out << ' ' << kFunctions[static_cast<int>(expr.function)];
      break;
    default:
      break;
  }
  if (expr.index >= 0) out << " #" << expr.index;
  for (const Expr& arg : expr.args) {
    out << ' ';
    dump_expr(out, arg);
  }
  out << ')';
}

std::string expr_text(const Expr& expr) {
  std::ostringstream out;
  dump_expr(out, expr);
  return out.str();
}

std::string optional_expr(const std::optional<Expr>& expr) {
  return expr ? expr_text(*expr) : "none";
}

std::string seconds(common::Seconds value) {
  return std::to_string(value.count()) + "s";
}

std::string action(const RetryAction& action) {
  switch (action.kind) {
    case RetryAction::Kind::unset:
      return "unset";
    case RetryAction::Kind::retry:
      return "after " + seconds(action.delay);
    case RetryAction::Kind::stop:
      return "stop";
  }
  return "?";
}

std::string day_hours(const DayHours& day) {
  std::string text;
  for (const Interval& interval : day.intervals) {
    text += " " + std::to_string(interval.start) + "-" + std::to_string(interval.end);
  }
  return text.empty() ? " closed" : text;
}

// The expectation without its layout: whitespace outside string literals
// is dropped.
std::string without_layout(const std::string& text) {
  std::string result;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string && c == '\\' && i + 1 < text.size()) {
      result += c;
      result += text[++i];
      continue;
    }
    if (c == '"') in_string = !in_string;
    if (!in_string && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) continue;
    result += c;
  }
  return result;
}

void dump_schedule(std::ostream& out, const Campaign& campaign) {
  const Hours& hours = campaign.hours;
  out << "hours " << hours.name << '\n';
  for (std::size_t day = 0; day < hours.weekdays.size(); ++day) {
    out << "  weekday " << day << day_hours(hours.weekdays[day]) << '\n';
  }
  out << "  holiday" << (hours.holiday ? day_hours(*hours.holiday) : " unset") << '\n';
  for (const auto& [date, day] : hours.dates) {
    out << "  date " << common::format_date(date) << day_hours(day) << '\n';
  }

  const Calendar& calendar = campaign.calendar;
  out << "calendar " << calendar.name << " base " << static_cast<int>(calendar.base) << '\n';
  for (const auto& [date, label] : calendar.added) {
    out << "  add " << common::format_date(date) << " \"" << label << "\"\n";
  }
  for (const common::Date& date : calendar.removed) {
    out << "  remove " << common::format_date(date) << '\n';
  }

  const RetryPolicy& retry = campaign.retry;
  out << "retry " << retry.name << " attempts " << retry.attempts << " within "
      << seconds(retry.within) << " otherwise " << action(retry.otherwise) << '\n';
  for (std::size_t i = 0; i < retry.on.size(); ++i) {
    out << "  on " << i << ' ' << action(retry.on[i]) << '\n';
  }
}

void dump_script(std::ostream& out, const Campaign& campaign) {
  static const char* const kStepKinds[] = {"say", "yes_no", "choice", "multi", "number"};
  for (const Disposition& disposition : campaign.dispositions) {
    out << "disposition " << disposition.name << " \"" << disposition.label << "\""
        << (disposition.final ? " final" : "") << (disposition.builtin ? " builtin" : "") << '\n';
  }
  for (const Question& question : campaign.questions) {
    out << "step " << question.id << ' ' << kStepKinds[static_cast<int>(question.kind)] << " \""
        << question.text << "\" range " << number(question.min) << ".." << number(question.max)
        << (question.integer ? " integer" : " decimal") << (question.optional ? " optional" : "")
        << " if " << optional_expr(question.condition) << '\n';
    for (const Option& option : question.options) {
      out << "  option " << option.id << " \"" << option.label << "\"\n";
    }
  }
}

void dump_rules(std::ostream& out, const Campaign& campaign) {
  static const char* const kRuleKinds[] = {"let", "score", "route"};
  for (const Let& let : campaign.lets) {
    out << "let " << let.name << " = " << expr_text(let.value) << '\n';
  }
  for (const Score& score : campaign.scores) {
    out << "score " << score.name << (score.decimal ? " decimal" : " int") << '\n';
    for (const ScoreRule& rule : score.rules) {
      out << "  " << expr_text(rule.condition) << " => " << expr_text(rule.points) << '\n';
    }
  }
  for (const Route& route : campaign.routes) {
    out << "route " << route.name << " \"" << route.title << "\" when " << expr_text(route.when)
        << " notify " << route.notifier << " within " << seconds(route.within) << '\n';
  }
  out << "rule order";
  for (const RuleRef& ref : campaign.rule_order) {
    out << ' ' << kRuleKinds[static_cast<int>(ref.kind)] << '#' << ref.index;
  }
  out << '\n';
}

void dump_tests(std::ostream& out, const Campaign& campaign) {
  static const char* const kGivenKinds[] = {"field",   "answer",   "today",
                                            "outcome", "attempts", "cycle"};
  for (const Test& test : campaign.tests) {
    out << "test \"" << test.name << "\" in " << test.file << '\n';
    for (const TestGiven& given : test.givens) {
      out << "  given " << kGivenKinds[static_cast<int>(given.kind)] << " #" << given.index << " = "
          << value_text(given.value) << '\n';
    }
    for (const TestExpect& expect : test.expects) {
      out << "  expect " << without_layout(expect.text) << ' ' << expr_text(expect.condition);
      if (expect.routes_check) {
        out << " routes";
        for (std::int32_t route : expect.routes) out << ' ' << route;
      }
      out << '\n';
    }
  }
}

}  // namespace

std::string dump(const Campaign& campaign) {
  std::ostringstream out;
  out << "campaign " << campaign.name << " \"" << campaign.title << "\" in " << campaign.file
      << '\n';
  out << "timezone \"" << campaign.timezone << "\" from field " << campaign.timezone_field << '\n';
  out << "source " << campaign.source_instance << " key " << campaign.key_field << '\n';
  for (const Field& field : campaign.fields) {
    out << "  field " << field.name << ' ' << static_cast<int>(field.type)
        << (field.key ? " key" : "") << (field.optional ? " optional" : "") << '\n';
  }
  out << "audience " << optional_expr(campaign.audience) << '\n';
  out << "priority " << optional_expr(campaign.priority) << '\n';
  if (campaign.trigger) {
    out << "trigger \"" << campaign.trigger->alert << "\" "
        << static_cast<int>(campaign.trigger->comparison) << ' ' << campaign.trigger->level << '\n';
  }
  if (campaign.start_within) out << "start within " << seconds(*campaign.start_within) << '\n';
  if (campaign.recontact_every) {
    out << "recontact every " << seconds(*campaign.recontact_every) << '\n';
  }

  dump_schedule(out, campaign);
  dump_script(out, campaign);
  dump_rules(out, campaign);

  out << "useful " << optional_expr(campaign.useful) << '\n';
  if (campaign.target) {
    out << "target " << campaign.target->metric << ' ' << number(campaign.target->value) << '\n';
  }
  out << "pricing " << campaign.pricing_instance << '\n';
  dump_tests(out, campaign);
  return out.str();
}

std::string dump(const Module& module) {
  std::string text;
  for (const Campaign& campaign : module.campaigns) text += dump(campaign);
  return text;
}

}  // namespace vigie::ir
