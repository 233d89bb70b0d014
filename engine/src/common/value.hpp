#pragma once
// The runtime value of an expression, a roster field or an answer. It is a
// small trivially copyable struct so that evaluation never allocates.

#include <cstdint>
#include <string_view>

namespace vigie::common {

enum class ValueKind : std::uint8_t {
  missing,  // unanswered question, absent optional field
  boolean,
  integer,
  decimal,
  text,         // a view into storage that outlives the evaluation
  date,         // days since 1970-01-01
  duration,     // seconds
  option,       // index of a choice option, or yes_no (yes = 0, no = 1)
  set,          // bit i set when option i of a multi question is chosen
  disposition,  // index into ir::Campaign::dispositions
};

struct Value {
  ValueKind kind = ValueKind::missing;
  union {
    bool boolean;
    std::int64_t integer;
    double decimal;
    std::int64_t days;
    std::int64_t seconds;
    std::int32_t index;  // option or disposition
    std::uint64_t bits;  // set
  };
  std::string_view text;

  Value() : integer(0) {}

  static Value missing() { return Value(); }
  static Value of_bool(bool b) {
    Value v;
    v.kind = ValueKind::boolean;
    v.boolean = b;
    return v;
  }
  static Value of_int(std::int64_t i) {
    Value v;
    v.kind = ValueKind::integer;
    v.integer = i;
    return v;
  }
  static Value of_decimal(double d) {
    Value v;
    v.kind = ValueKind::decimal;
    v.decimal = d;
    return v;
  }
  static Value of_text(std::string_view t) {
    Value v;
    v.kind = ValueKind::text;
    v.text = t;
    return v;
  }
  static Value of_date(std::int64_t d) {
    Value v;
    v.kind = ValueKind::date;
    v.days = d;
    return v;
  }
  static Value of_duration(std::int64_t s) {
    Value v;
    v.kind = ValueKind::duration;
    v.seconds = s;
    return v;
  }
  static Value of_option(std::int32_t i) {
    Value v;
    v.kind = ValueKind::option;
    v.index = i;
    return v;
  }
  static Value of_set(std::uint64_t b) {
    Value v;
    v.kind = ValueKind::set;
    v.bits = b;
    return v;
  }
  static Value of_disposition(std::int32_t i) {
    Value v;
    v.kind = ValueKind::disposition;
    v.index = i;
    return v;
  }

  bool is_missing() const { return kind == ValueKind::missing; }
};

}  // namespace vigie::common
