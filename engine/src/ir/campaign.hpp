#pragma once
// The checked campaign: every name resolved to an index, every expression
// typed. Built only by check/; read by eval/, schedule/ and runtime/.
//
// Indexes: fields, questions, lets, scores, routes and dispositions are
// referred to by their position in the vectors below.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/source.hpp"
#include "common/time.hpp"
#include "common/value.hpp"

namespace vigie::ir {

using common::SourceRange;

// ---------------------------------------------------------------- types

enum class TypeKind : std::uint8_t {
  boolean,
  integer,
  decimal,
  text,
  date,
  duration,
  yes_no,       // values: option 0 = yes, 1 = no
  choice,       // option index of `question`
  multi,        // set of option indexes of `question`
  disposition,  // index into Campaign::dispositions
  route_list,   // only in tests: `expect routes == [a, b]`
};

struct Type {
  TypeKind kind = TypeKind::boolean;
  std::int32_t question = -1;  // for choice and multi: the question whose options these are

  friend bool operator==(const Type&, const Type&) = default;
};

// ---------------------------------------------------------------- expressions

enum class ExprKind : std::uint8_t {
  literal,   // `value` (text literals point into `text_storage`)
  field,     // roster field `index`
  answer,    // question `index`
  let,       // let `index`
  score,     // score `index`
  route,     // route `index` (bool: the route fires)
  outcome,   // the contact's outcome (disposition)
  attempts,  // attempts made in this cycle (int)
  cycle,     // cycle number, 1-based (int)
  today,     // cycle start date in the contact's zone (date)
  unary,
  binary,
  in_list,      // args[0] in [args[1..]]
  conditional,  // args[0] ? args[1] : args[2]
  call,
};

enum class UnaryOp : std::uint8_t { negate, logical_not };

enum class BinaryOp : std::uint8_t {
  mul,
  div,
  mod,
  add,
  sub,
  lt,
  le,
  gt,
  ge,
  eq,
  ne,
  has,  // set has option
  logical_and,
  logical_or,
};

// The spelling of a comparison (`<` ... `!=`), or nullptr for other operators.
const char* comparison_text(BinaryOp op);

enum class Function : std::uint8_t { age, count, answered, min, max, days_between };

struct Expr {
  ExprKind kind = ExprKind::literal;
  Type type;
  common::Value value;      // literal
  std::int32_t index = -1;  // field, answer, let, score, route
  UnaryOp unary_op = UnaryOp::negate;
  BinaryOp binary_op = BinaryOp::add;
  Function function = Function::age;
  std::vector<Expr> args;  // operands, in source order
  SourceRange range;
};

// ---------------------------------------------------------------- source

enum class FieldType : std::uint8_t { text, integer, decimal, boolean, date, phone };

struct Field {
  std::string name;
  FieldType type = FieldType::text;
  bool key = false;
  bool optional = false;
  SourceRange range;
};

// ---------------------------------------------------------------- hours and calendar

struct Interval {
  common::TimeOfDay start = 0;  // inclusive, seconds since local midnight
  common::TimeOfDay end = 0;    // exclusive, at most 86400
};

// The open intervals of one day, sorted and non-overlapping; empty = closed.
struct DayHours {
  std::vector<Interval> intervals;
};

struct Hours {
  std::string name;                        // empty for an inline block
  std::array<DayHours, 7> weekdays;        // Monday = 0; unnamed days are closed
  std::optional<DayHours> holiday;         // replaces the weekday rule on holidays
  std::map<common::Date, DayHours> dates;  // replaces everything else that day
};

enum class BuiltinCalendar : std::uint8_t {
  none,
  fr_metropole,
  fr_alsace_moselle,
  fr_guadeloupe,
  fr_martinique,
  fr_guyane,
  fr_reunion,
  fr_mayotte,
};

struct Calendar {
  std::string name;
  BuiltinCalendar base = BuiltinCalendar::none;
  std::map<common::Date, std::string> added;  // date -> label (may be empty)
  std::set<common::Date> removed;
};

// ---------------------------------------------------------------- retry

struct RetryAction {
  enum class Kind : std::uint8_t { unset, retry, stop };
  Kind kind = Kind::unset;
  common::Seconds delay{0};  // for retry
};

struct RetryPolicy {
  std::string name;             // empty for an inline block
  int attempts = 1;             // hard cap per contact and cycle
  common::Seconds within{0};    // window from cycle start
  std::vector<RetryAction> on;  // indexed like Campaign::dispositions
  RetryAction otherwise;        // for non-final dispositions without an `on` line
};

// ---------------------------------------------------------------- dispositions

// Built-in dispositions come first, in this order, then custom ones.
// `unreachable` is an outcome only: no attempt reports it.
enum BuiltinDisposition : std::int32_t {
  kCompleted = 0,
  kPartial,
  kNoAnswer,
  kBusy,
  kVoicemail,
  kFailed,
  kCallback,
  kWrongNumber,
  kRefused,
  kDeceased,
  kUnreachable,
  kBuiltinDispositionCount,
};

struct Disposition {
  std::string name;
  std::string label;
  bool final = false;
  bool builtin = false;
};

// ---------------------------------------------------------------- script

enum class StepKind : std::uint8_t { say, yes_no, choice, multi, number };

struct Option {
  std::string id;
  std::string label;
};

// One script step. Answers are indexed by step index; `say` steps are never
// answered.
struct Question {
  std::string id;
  std::string text;
  StepKind kind = StepKind::say;
  std::vector<Option> options;  // choice, multi (at most 64 for multi)
  double min = 0;               // number
  double max = 0;
  bool integer = true;  // number: no bound had a decimal point
  bool optional = false;
  std::optional<Expr> condition;  // reads earlier answers only
  SourceRange range;
};

// ---------------------------------------------------------------- rules

struct Let {
  std::string name;
  Expr value;
  SourceRange range;
};

struct ScoreRule {
  Expr condition;
  Expr points;  // int or decimal
};

struct Score {
  std::string name;
  bool decimal = false;  // true when any rule's points are decimal
  std::vector<ScoreRule> rules;
  SourceRange range;
};

struct Route {
  std::string name;
  std::string title;
  Expr when;
  std::string notifier;       // notifier instance name from the engine config
  common::Seconds within{0};  // deliver before this delay after the cycle ends for the contact
  SourceRange range;
};

// A node in the dependency order of lets, scores and routes.
struct RuleRef {
  enum class Kind : std::uint8_t { let, score, route };
  Kind kind;
  std::int32_t index;
};

struct Trigger {
  std::string alert;
  BinaryOp comparison = BinaryOp::ge;
  std::int64_t level = 0;
};

struct Target {
  std::string metric;  // `useful_rate`
  double value = 0;    // 0..1
};

// ---------------------------------------------------------------- tests

struct TestGiven {
  enum class Kind : std::uint8_t { field, answer, today, outcome, attempts, cycle };
  Kind kind = Kind::answer;
  std::int32_t index = -1;  // field or question
  common::Value value;      // text values point into Campaign::text_storage
  SourceRange range;
};

struct TestExpect {
  Expr condition;                    // bool; for `routes == [..]` see `routes`
  bool routes_check = false;         // `expect routes == [a, b]`
  std::vector<std::int32_t> routes;  // sorted route indexes for routes_check
  std::string text;                  // the expectation as written, for reports
  SourceRange range;
};

struct Test {
  std::string name;
  std::string file;
  std::vector<TestGiven> givens;
  std::vector<TestExpect> expects;
  SourceRange range;
};

// ---------------------------------------------------------------- campaign

struct Campaign {
  std::string name;
  std::string title;
  std::string file;  // the file that declares it
  SourceRange range;

  std::string timezone = "Europe/Paris";
  std::int32_t timezone_field = -1;  // `timezone from FIELD`, else -1
  Calendar calendar;                 // resolved, base included

  std::string source_instance;
  std::vector<Field> fields;
  std::int32_t key_field = -1;

  std::optional<Expr> audience;
  std::optional<Expr> priority;  // int or decimal; higher is called first

  std::optional<Trigger> trigger;
  std::optional<common::Seconds> start_within;
  std::optional<common::Seconds> recontact_every;

  Hours hours;
  RetryPolicy retry;
  std::vector<Disposition> dispositions;  // built-ins first, see BuiltinDisposition

  std::vector<Question> questions;  // script steps in order
  std::vector<Let> lets;
  std::vector<Score> scores;
  std::vector<Route> routes;
  std::vector<RuleRef> rule_order;  // lets, scores and routes, dependencies first

  std::optional<Expr> useful;  // default: outcome == completed
  std::optional<Target> target;
  std::string pricing_instance;

  std::vector<Test> tests;

  // Owns the bytes that text literals' Values point into.
  std::shared_ptr<std::vector<std::unique_ptr<std::string>>> text_storage =
      std::make_shared<std::vector<std::unique_ptr<std::string>>>();

  // Lookups by name; -1 when absent.
  std::int32_t field_index(std::string_view name) const;
  std::int32_t question_index(std::string_view id) const;
  std::int32_t disposition_index(std::string_view name) const;
  std::int32_t route_index(std::string_view name) const;
  std::int32_t score_index(std::string_view name) const;
};

// All campaigns of one compiled file and its imports.
struct Module {
  std::vector<Campaign> campaigns;
};

}  // namespace vigie::ir
