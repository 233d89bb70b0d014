#pragma once
// The syntax tree of a .vigie file, as written, with source ranges. Built by
// parse/, read by check/. No ANTLR type appears here.
//
// Conventions: every node carries the range of the text it came from; names
// are kept as written (resolution happens in check/); numbers, durations,
// dates and times are already decoded by the parser, which reports
// malformed literals (for example 2019-02-30 or 25:00) as diagnostics.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/source.hpp"

namespace vigie::ast {

using common::SourceRange;

struct Identifier {
  std::string name;
  SourceRange range;
};

struct StringLit {
  std::string value;  // escapes decoded, UTF-8
  SourceRange range;
};

struct DateLit {
  int year = 0;
  int month = 0;
  int day = 0;
  SourceRange range;
};

// ---------------------------------------------------------------- expressions

enum class UnaryOp { negate, logical_not };

enum class BinaryOp {
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
  has,
  logical_and,
  logical_or,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct IntLiteral {
  std::int64_t value = 0;
};
struct DecimalLiteral {
  double value = 0;
};
struct PercentLiteral {
  double value = 0;
};  // 65% is stored as 0.65
struct StringLiteral {
  std::string value;
};
struct BoolLiteral {
  bool value = false;
};  // true / false
struct DurationLiteral {
  std::int64_t seconds = 0;
};
struct DateLiteral {
  int year = 0, month = 0, day = 0;
};
struct DateTimeLiteral {
  int year = 0, month = 0, day = 0;
  int seconds_of_day = 0;
};
struct NameRef {
  std::string name;
};  // field, answer, option, let, score, route, outcome, ...
struct ListLiteral {
  std::vector<ExprPtr> items;
};  // [a, b]
struct Unary {
  UnaryOp op;
  ExprPtr operand;
};
struct Binary {
  BinaryOp op;
  ExprPtr lhs;
  ExprPtr rhs;
  SourceRange op_range;
};
struct InList {
  ExprPtr value;
  std::vector<ExprPtr> items;
};  // x in [a, b]
struct Conditional {
  ExprPtr condition;
  ExprPtr then_value;
  ExprPtr else_value;
};
struct Call {
  Identifier function;
  std::vector<ExprPtr> args;
};

struct Expr {
  SourceRange range;
  std::variant<IntLiteral, DecimalLiteral, PercentLiteral, StringLiteral, BoolLiteral,
               DurationLiteral, DateLiteral, DateTimeLiteral, NameRef, ListLiteral, Unary, Binary,
               InList, Conditional, Call>
      node;
};

// ---------------------------------------------------------------- hours

struct TimeOfDayLit {
  int seconds = 0;  // since midnight; 24:00 is 86400
  SourceRange range;
};

struct Interval {
  TimeOfDayLit start;
  TimeOfDayLit end;
  SourceRange range;
};

// One line of an hours block: `mon-fri 09:00-19:00`, `sat closed`,
// `holiday 10:00-19:00`, `2019-12-24 09:00-16:00`.
struct HoursLine {
  enum class Kind { weekdays, holiday, date };
  Kind kind = Kind::weekdays;
  int first_weekday = 0;  // Monday = 0 ... Sunday = 6, for Kind::weekdays
  int last_weekday = 0;   // equal to first_weekday for a single day
  DateLit date;           // for Kind::date
  bool closed = false;
  std::vector<Interval> intervals;  // empty when closed
  SourceRange range;                // the whole line
  SourceRange selector_range;       // the weekday range, `holiday` or the date
};

struct HoursBlock {
  std::vector<HoursLine> lines;
  SourceRange range;
};

struct HoursDecl {
  Identifier name;
  HoursBlock body;
  SourceRange range;
};

// ---------------------------------------------------------------- retry

struct DurationLit {
  std::int64_t seconds = 0;
  SourceRange range;
};

// `on DISPOSITION after DURATION`, `on DISPOSITION stop`, `otherwise after D`
// or `otherwise stop`.
struct RetryRule {
  bool otherwise = false;
  Identifier disposition;  // empty name when otherwise
  bool stop = false;
  std::optional<DurationLit> after;
  SourceRange range;
};

struct RetryBlock {
  std::optional<std::int64_t> attempts;  // `attempts N within D`
  SourceRange attempts_range;
  std::optional<DurationLit> within;
  std::vector<RetryRule> rules;
  SourceRange range;
};

struct RetryDecl {
  Identifier name;
  RetryBlock body;
  SourceRange range;
};

// ---------------------------------------------------------------- calendar

struct CalendarEntry {
  bool add = true;  // add or remove
  DateLit date;
  std::optional<StringLit> label;
  SourceRange range;
};

struct CalendarDecl {
  Identifier name;
  std::optional<Identifier> base;
  std::vector<CalendarEntry> entries;
  SourceRange range;
};

// ---------------------------------------------------------------- campaign

struct FieldDecl {
  Identifier name;
  Identifier type;  // text int decimal bool date phone, checked in check/
  bool key = false;
  bool optional = false;
  SourceRange range;
};

struct SourceDecl {
  Identifier instance;
  std::vector<FieldDecl> fields;
  SourceRange range;
};

struct DispositionDecl {
  Identifier name;
  std::optional<StringLit> label;
  bool final = false;
  SourceRange range;
};

struct OptionDecl {
  Identifier id;
  StringLit label;
  SourceRange range;
};

enum class QuestionKind { yes_no, choice, multi, number };

struct NumberBound {
  double value = 0;
  bool has_decimal_point = false;
  SourceRange range;
};

struct SayStep {
  Identifier id;
  StringLit text;
  SourceRange range;
};

struct AskStep {
  Identifier id;
  StringLit text;
  QuestionKind kind = QuestionKind::yes_no;
  SourceRange kind_range;
  std::vector<OptionDecl> options;  // choice and multi
  NumberBound min;                  // number
  NumberBound max;                  // number
  ExprPtr condition;                // `if COND`, may be null
  bool optional = false;
  SourceRange range;
};

using ScriptStep = std::variant<SayStep, AskStep>;

struct Script {
  std::vector<ScriptStep> steps;
  SourceRange range;
};

struct LetDecl {
  Identifier name;
  ExprPtr value;
  SourceRange range;
};

struct ScoreRule {
  ExprPtr condition;
  ExprPtr points;
  SourceRange range;
};

struct ScoreDecl {
  Identifier name;
  std::vector<ScoreRule> rules;
  SourceRange range;
};

struct RouteDecl {
  Identifier name;
  std::optional<StringLit> title;
  ExprPtr when;                        // may be null when the clause is missing
  std::optional<Identifier> notifier;  // `notify NAME within D`
  std::optional<DurationLit> within;
  SourceRange range;
};

// `trigger alert "canicule" level >= 3`
struct Trigger {
  StringLit alert;
  BinaryOp comparison = BinaryOp::ge;  // one of lt le gt ge eq ne
  std::int64_t level = 0;
  SourceRange range;
};

// `recontact every 48h while active`
struct Recontact {
  DurationLit every;
  SourceRange range;
};

// `target useful_rate 65%`
struct Target {
  Identifier metric;
  ExprPtr value;
  SourceRange range;
};

// `given NAME = EXPR, ...` inside a test.
struct Given {
  Identifier name;
  ExprPtr value;
  SourceRange range;
};

struct Expect {
  ExprPtr condition;
  SourceRange range;
};

struct TestDecl {
  StringLit name;
  std::vector<Given> givens;
  std::vector<Expect> expects;
  SourceRange range;
};

struct StringClause {
  StringLit value;
  SourceRange range;  // the whole clause, keyword included
};

struct NameClause {
  Identifier name;
  SourceRange range;
};

struct ExprClause {
  ExprPtr value;
  SourceRange range;
};

struct DurationClause {
  DurationLit value;
  SourceRange range;
};

// A campaign's clauses. Clauses that may appear once are optional; the
// parser reports a repeated one as a diagnostic and keeps the first.
struct CampaignDecl {
  Identifier name;
  SourceRange range;

  std::optional<StringClause> title;
  std::optional<StringClause> timezone;     // `timezone "Europe/Paris"`
  std::optional<NameClause> timezone_from;  // `timezone from FIELD`
  std::optional<NameClause> calendar;
  std::optional<SourceDecl> source;
  std::optional<ExprClause> audience;
  std::optional<ExprClause> priority;
  std::optional<Trigger> trigger;
  std::optional<DurationClause> start_within;
  std::optional<Recontact> recontact;

  // `hours NAME` or an inline block; `retry NAME` or an inline block.
  std::optional<std::variant<NameClause, HoursBlock>> hours;
  std::optional<std::variant<NameClause, RetryBlock>> retry;

  std::vector<DispositionDecl> dispositions;
  std::optional<Script> script;
  std::vector<LetDecl> lets;
  std::vector<ScoreDecl> scores;
  std::vector<RouteDecl> routes;
  std::optional<ExprClause> useful;
  std::optional<Target> target;
  std::optional<NameClause> pricing;
  std::vector<TestDecl> tests;
};

struct Import {
  StringLit path;
  SourceRange range;
};

// One parsed file. Declarations keep their order of appearance per kind.
struct File {
  std::string path;
  std::vector<Import> imports;
  std::vector<HoursDecl> hours;
  std::vector<RetryDecl> retries;
  std::vector<CalendarDecl> calendars;
  std::vector<CampaignDecl> campaigns;
};

}  // namespace vigie::ast
