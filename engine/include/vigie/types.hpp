#pragma once
// Plain data exchanged between the engine and plugins. Standard-library
// types only, so that a plugin needs no engine-internal header.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vigie {

using Instant = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

// ---------------------------------------------------------------- register rows

enum class FieldType : std::uint8_t { text, integer, decimal, boolean, date, phone };

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::text;
  bool key = false;
  bool optional = false;
};

// A civil date.
struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

struct SourceSchema {
  std::string campaign;
  std::vector<FieldSpec> fields;
  // The date that imported values are checked against: a two-digit year
  // must give a date on or before it. The run's activation date in the
  // campaign's time zone; {0, 0, 0} when unknown, and sources then take the
  // current UTC date.
  CivilDate today;
};

// A typed field value. Phones are E.164 text ("+33142764040").
using FieldValue = std::variant<std::monostate, std::string, std::int64_t, double, bool, CivilDate>;

struct Row {
  std::size_t row_number = 0;      // 1-based line of the record in the file, header = 1
  std::vector<FieldValue> values;  // indexed like SourceSchema::fields
};

struct RejectedRow {
  std::size_t row_number = 0;
  std::string field;   // empty when the whole row is at fault
  std::string value;   // the offending text, may be empty
  std::string reason;  // what is wrong and how to fix it
};

struct ImportResult {
  std::vector<Row> rows;
  std::vector<RejectedRow> rejected;
  std::vector<std::string> notes;  // detected delimiter, encoding, ...
  // Accepted rows with a doubtful value (a valid phone number of another
  // country), described like a rejection; the rows stay in `rows`.
  std::vector<RejectedRow> suspicious;
  std::string encoding;   // what the file was read as ("UTF-8"); empty for a database
  std::string delimiter;  // the field delimiter (";", ",", "tab"); empty for a database
};

// ---------------------------------------------------------------- script, for dialers

enum class QuestionType : std::uint8_t { say, yes_no, choice, multi, number };

struct QuestionInfo {
  std::string id;
  QuestionType type = QuestionType::say;
  std::vector<std::string> options;  // choice, multi; yes_no: {"yes", "no"}
  double min = 0;
  double max = 0;
  bool integer = true;
  bool optional = false;
  bool conditional = false;  // has an `if`
};

struct ScriptInfo {
  std::string campaign;
  std::vector<QuestionInfo> questions;
  std::vector<std::string> dispositions;  // every disposition name, built-in and custom
};

// ---------------------------------------------------------------- calls

// Another person on the register who shares the called number (a couple on
// one landline), offered in the same call to the same agent.
struct HouseholdMember {
  std::string contact_id;
  int attempt = 1;  // this person's own attempt number in the cycle
};

struct CallRequest {
  std::string contact_id;
  std::string phone;  // E.164
  int cycle = 1;
  int attempt = 1;  // 1-based within the cycle
  Instant start;
  // The other people due now on the same number; usually empty.
  std::vector<HouseholdMember> household;
};

struct Answer {
  std::string question;
  std::vector<std::string> values;  // one value, or several for multi
};

// A wall-clock date and time, read in the called person's own time zone.
struct LocalDateTime {
  CivilDate date;
  int hour = 0;  // 0..23
  int minute = 0;
  int second = 0;
};

// The result for one household member of a shared call. Each member keeps
// their own disposition and answers.
struct PersonResult {
  std::string contact_id;
  std::string disposition;
  std::chrono::seconds talk{0};
  std::vector<Answer> answers;
  std::optional<Instant> callback_at;
  // For `callback`, the local time the person asked for, in their own zone;
  // when set it wins over callback_at, and the engine resolves clock changes.
  std::optional<LocalDateTime> callback_local;
};

// The result of a call. The top-level fields are those of the person in
// `CallRequest::contact_id`; `duration` covers the whole call, household
// included. When the line was not answered or the number is wrong (no_answer, busy,
// voicemail, failed, wrong_number), that disposition applies to every
// household member and `household` may stay empty; otherwise it must hold one
// entry per household member.
struct CallResult {
  std::string disposition;           // a disposition name
  std::chrono::seconds duration{0};  // ring + talk
  std::chrono::seconds talk{0};      // handling time once answered
  std::vector<Answer> answers;
  std::optional<Instant> callback_at;  // for `callback`
  // For `callback`, the local time the person asked for, in their own zone;
  // when set it wins over callback_at, and the engine resolves clock changes.
  std::optional<LocalDateTime> callback_local;
  std::vector<PersonResult> household;
};

// ---------------------------------------------------------------- pricing

struct ScriptComplexity {
  int questions = 0;  // asked questions (say steps excluded)
  int conditional_questions = 0;
  int choice_options = 0;  // options over all choice and multi questions
  int score_rules = 0;
  int routes = 0;
};

struct CampaignStats {
  std::string campaign;
  int cycles = 0;
  std::int64_t contacts = 0;
  std::int64_t attempts = 0;
  std::int64_t useful = 0;
  double average_handling_time_s = 0;  // over answered attempts
  double total_talk_s = 0;
  ScriptComplexity complexity;
};

struct CostLine {
  std::string item;  // e.g. "useful contacts, band 1-5000"
  double quantity = 0;
  std::string unit;  // e.g. "contact", "person-day"
  double unit_price = 0;
  double amount = 0;
};

struct CostBreakdown {
  std::string currency = "EUR";
  std::vector<CostLine> lines;
  double total = 0;
  std::map<std::string, std::string> details;  // e.g. complexity class
};

// ---------------------------------------------------------------- alerts

struct Alert {
  std::string campaign;
  // "campaign/cycle/route/contact_id": the same alert always has the same
  // key, so that a receiver can drop a second delivery of it (delivery is
  // at least once: a crash between sending and recording resends).
  std::string idempotency_key;
  int cycle = 1;
  std::string route;
  std::string route_title;
  std::string notifier;  // instance name
  std::string contact_id;
  Instant fired_at;
  Instant due;
  std::string due_local;  // ISO 8601 with offset, in the contact's zone
  std::vector<std::pair<std::string, double>> scores;  // in campaign order
};

}  // namespace vigie
