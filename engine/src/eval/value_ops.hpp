#pragma once
// The meaning of each operator on runtime values, missing values included.
// The interpreter works on Cells, a register-sized copy of a Value, and the
// functions here are inline so that its loop compiles them in place. The
// rules are listed in evaluator.hpp.

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

#include <date/date.h>

#include "common/value.hpp"
#include "eval/program.hpp"

namespace vigie::eval {

using common::Value;
using common::ValueKind;

static_assert(std::endian::native == std::endian::little,
              "Cell reads bool and index payloads from the low bytes of the Value union");

// A value as the interpreter holds it: the kind and the 8 payload bytes of
// Value's union. A text cell holds the address of a std::string_view that
// outlives the run (a literal in the campaign, a field or answer of the
// context, or a let in the results), so that a cell fits two registers.
// The interpreter keeps kinds and payloads in two separate arrays and never
// copies a whole Value it has just written field by field: on x86 such a
// copy stalls store-to-load forwarding for about a dozen cycles.
struct Cell {
  ValueKind kind = ValueKind::missing;
  std::uint64_t word = 0;
};

namespace ops {

inline Cell missing() {
  return Cell{};
}
inline Cell of_bool(bool b) {
  return Cell{ValueKind::boolean, b ? 1u : 0u};
}
inline Cell of_int(std::int64_t i) {
  return Cell{ValueKind::integer, static_cast<std::uint64_t>(i)};
}
inline Cell of_decimal(double d) {
  return Cell{ValueKind::decimal, std::bit_cast<std::uint64_t>(d)};
}
inline Cell of_duration(std::int64_t s) {
  return Cell{ValueKind::duration, static_cast<std::uint64_t>(s)};
}
inline Cell of_date(std::int64_t days) {
  return Cell{ValueKind::date, static_cast<std::uint64_t>(days)};
}
inline Cell of_index(ValueKind kind, std::int32_t index) {
  return Cell{kind, static_cast<std::uint32_t>(index)};
}

inline bool as_bool(Cell c) {
  return (c.word & 0xffu) != 0;
}
inline std::int64_t as_int(Cell c) {
  return static_cast<std::int64_t>(c.word);
}
inline std::int32_t as_index(Cell c) {
  return static_cast<std::int32_t>(c.word & 0xffffffffu);
}
inline double as_decimal(Cell c) {
  return std::bit_cast<double>(c.word);
}
inline std::string_view as_text(Cell c) {
  return *reinterpret_cast<const std::string_view*>(static_cast<std::uintptr_t>(c.word));
}

// Keeps only the payload bytes that the kind uses, so that every integral
// kind (bool, int, date, duration, option, set, disposition) compares as a
// plain int64 and a missing cell's word is 0.
inline constexpr std::uint64_t kPayloadMask[] = {
    0,                  // missing
    0xff,               // boolean
    ~std::uint64_t{0},  // integer
    ~std::uint64_t{0},  // decimal
    ~std::uint64_t{0},  // text (replaced by the address of the view)
    ~std::uint64_t{0},  // date
    ~std::uint64_t{0},  // duration
    0xffffffff,         // option
    ~std::uint64_t{0},  // set
    0xffffffff,         // disposition
};
static_assert(std::size(kPayloadMask) == static_cast<std::size_t>(ValueKind::disposition) + 1);

// `value` must outlive the cell when it is a text.
inline Cell to_cell(const Value& value) {
  Cell c;
  c.kind = value.kind;
  if (value.kind == ValueKind::text) {
    c.word = reinterpret_cast<std::uintptr_t>(&value.text);
    return c;
  }
  std::memcpy(&c.word, &value.integer, sizeof c.word);
  c.word &= kPayloadMask[static_cast<std::size_t>(value.kind)];
  return c;
}

// Writes field by field (see Cell) so that later reads of `kind` and of the
// union are each served by one store.
inline void assign(Value& target, Cell c) {
  target.kind = c.kind;
  if (c.kind == ValueKind::text) {
    target.text = as_text(c);
    return;
  }
  std::memcpy(&target.integer, &c.word, sizeof c.word);
}

inline Value to_value(Cell c) {
  Value value;
  assign(value, c);
  return value;
}

inline bool is_number(ValueKind kind) {
  return kind == ValueKind::integer || kind == ValueKind::decimal;
}

inline double as_double(Cell c) {
  return c.kind == ValueKind::integer ? static_cast<double>(as_int(c)) : as_decimal(c);
}

// Conditions and logical operators read missing (and any non-bool) as false.
inline bool truthy(Cell c) {
  return c.kind == ValueKind::boolean && as_bool(c);
}

// Orderings as CompareOp bits: 0 less, 1 equal, 2 greater, 3 incomparable.
inline constexpr unsigned kLess = 0;
inline constexpr unsigned kIncomparable = 3;

template <typename T>
inline unsigned three_way(const T& lhs, const T& rhs) {
  if (lhs < rhs) return kLess;
  if (rhs < lhs) return 2;
  if (lhs == rhs) return 1;
  return kIncomparable;  // NaN
}

// Kinds whose payload word compares as an int64 (see kPayloadMask).
inline constexpr unsigned kIntegralKinds =
    1u << static_cast<unsigned>(ValueKind::boolean) |
    1u << static_cast<unsigned>(ValueKind::integer) | 1u << static_cast<unsigned>(ValueKind::date) |
    1u << static_cast<unsigned>(ValueKind::duration) |
    1u << static_cast<unsigned>(ValueKind::option) | 1u << static_cast<unsigned>(ValueKind::set) |
    1u << static_cast<unsigned>(ValueKind::disposition);

inline unsigned ordering(Cell lhs, Cell rhs) {
  if (lhs.kind == rhs.kind) {
    if ((kIntegralKinds >> static_cast<unsigned>(lhs.kind)) & 1u) {
      return three_way(as_int(lhs), as_int(rhs));
    }
    if (lhs.kind == ValueKind::decimal) return three_way(as_decimal(lhs), as_decimal(rhs));
    if (lhs.kind == ValueKind::text) return three_way(as_text(lhs), as_text(rhs));
    return kIncomparable;  // both missing
  }

  if (is_number(lhs.kind) && is_number(rhs.kind)) return three_way(as_double(lhs), as_double(rhs));
  return kIncomparable;
}

// Any comparison involving a missing value is false, `!=` included. Values
// of different kinds compare false too, except int against decimal. Sets
// compare equal when they hold the same options (the checker allows only
// `==` and `!=` on them).
inline bool compare(CompareOp op, Cell lhs, Cell rhs) {
  return (static_cast<unsigned>(op) >> ordering(lhs, rhs)) & 1u;
}

inline bool equals(Cell lhs, Cell rhs) {
  return compare(CompareOp::eq, lhs, rhs);
}

inline bool has(Cell set, Cell option) {
  if (set.kind != ValueKind::set || option.kind != ValueKind::option) return false;
  const std::int32_t index = as_index(option);
  if (index < 0 || index >= 64) return false;
  return (set.word >> index) & 1u;
}

inline Cell integer_arith(ArithOp op, std::int64_t lhs, std::int64_t rhs) {
  std::int64_t result = 0;
  switch (op) {
    case ArithOp::add:
      if (__builtin_add_overflow(lhs, rhs, &result)) return missing();
      return of_int(result);
    case ArithOp::sub:
      if (__builtin_sub_overflow(lhs, rhs, &result)) return missing();
      return of_int(result);
    case ArithOp::mul:
      if (__builtin_mul_overflow(lhs, rhs, &result)) return missing();
      return of_int(result);
    case ArithOp::div:
      if (rhs == 0 || (rhs == -1 && lhs == INT64_MIN)) return missing();
      return of_int(lhs / rhs);
    case ArithOp::mod:
      if (rhs == 0) return missing();
      if (rhs == -1) return of_int(0);
      return of_int(lhs % rhs);
  }
  return missing();
}

inline Cell decimal_arith(ArithOp op, double lhs, double rhs) {
  switch (op) {
    case ArithOp::add:
      return of_decimal(lhs + rhs);
    case ArithOp::sub:
      return of_decimal(lhs - rhs);
    case ArithOp::mul:
      return of_decimal(lhs * rhs);
    case ArithOp::div:
      if (rhs == 0) return missing();
      return of_decimal(lhs / rhs);
    case ArithOp::mod:
      if (rhs == 0) return missing();
      return of_decimal(std::fmod(lhs, rhs));
  }
  return missing();
}

// Durations add to and subtract from durations, and scale by or divide by
// integers. Other combinations are type errors that the checker rejects.
inline Cell duration_arith(ArithOp op, Cell lhs, Cell rhs) {
  const bool lhs_duration = lhs.kind == ValueKind::duration;
  const bool rhs_duration = rhs.kind == ValueKind::duration;
  const bool lhs_int = lhs.kind == ValueKind::integer;
  const bool rhs_int = rhs.kind == ValueKind::integer;

  bool valid = false;
  switch (op) {
    case ArithOp::add:
    case ArithOp::sub:
      valid = lhs_duration && rhs_duration;
      break;
    case ArithOp::mul:
      valid = (lhs_duration && rhs_int) || (lhs_int && rhs_duration);
      break;
    case ArithOp::div:
      valid = lhs_duration && rhs_int;
      break;
    case ArithOp::mod:
      break;
  }
  if (!valid) return missing();

  Cell result = integer_arith(op, as_int(lhs), as_int(rhs));
  if (result.kind == ValueKind::integer) result.kind = ValueKind::duration;
  return result;
}

// `decimal_result` is set when the checker typed the expression as decimal,
// so that the result kind follows the checked type.
inline Cell arith(ArithOp op, Cell lhs, Cell rhs, bool decimal_result) {
  if (lhs.kind == ValueKind::missing || rhs.kind == ValueKind::missing) return missing();

  if (lhs.kind == ValueKind::integer && rhs.kind == ValueKind::integer && !decimal_result) {
    return integer_arith(op, as_int(lhs), as_int(rhs));
  }
  if (is_number(lhs.kind) && is_number(rhs.kind)) {
    return decimal_arith(op, as_double(lhs), as_double(rhs));
  }
  return duration_arith(op, lhs, rhs);
}

inline Cell negate(Cell c) {
  switch (c.kind) {
    case ValueKind::integer:
      if (as_int(c) == INT64_MIN) return missing();
      return of_int(-as_int(c));
    case ValueKind::decimal:
      return of_decimal(-as_decimal(c));
    case ValueKind::duration:
      if (as_int(c) == INT64_MIN) return missing();
      return of_duration(-as_int(c));
    default:
      return missing();
  }
}

// The smaller (or larger) of two values of one type; missing when either
// is missing. Mixed int and decimal give a decimal.
inline Cell pick(bool want_max, Cell lhs, Cell rhs, bool decimal_result) {
  if (lhs.kind == ValueKind::missing || rhs.kind == ValueKind::missing) return missing();

  if (is_number(lhs.kind) && is_number(rhs.kind)) {
    if (lhs.kind == ValueKind::integer && rhs.kind == ValueKind::integer && !decimal_result) {
      const bool take_rhs = want_max ? as_int(rhs) > as_int(lhs) : as_int(rhs) < as_int(lhs);
      return take_rhs ? rhs : lhs;
    }
    const double a = as_double(lhs);
    const double b = as_double(rhs);
    return of_decimal(want_max ? std::fmax(a, b) : std::fmin(a, b));
  }

  if (lhs.kind != rhs.kind) return missing();
  const bool take_rhs = compare(want_max ? CompareOp::gt : CompareOp::lt, rhs, lhs);
  return take_rhs ? rhs : lhs;
}

// A date as the number YYYYMMDD, so that whole years between two dates are
// a floor division of the difference by 10000.
inline std::int64_t date_key(Cell date_cell) {
  const date::year_month_day day{date::sys_days{date::days{static_cast<int>(as_int(date_cell))}}};
  return static_cast<std::int64_t>(static_cast<int>(day.year())) * 10000 +
         static_cast<unsigned>(day.month()) * 100 + static_cast<unsigned>(day.day());
}

// Whole years from the date with key `birth_key` to the date with key
// `today_key` (see date_key): one less while this year's birthday has not
// come yet. Someone born on 29 February reaches the new age on 1 March in a
// non-leap year, because 0228 is less than 0229. Negative for a birth date
// after today.
inline Cell age_from_keys(std::int64_t birth_key, std::int64_t today_key) {
  const std::int64_t difference = today_key - birth_key;
  const std::int64_t years = difference >= 0 ? difference / 10000 : -((-difference + 9999) / 10000);
  return of_int(years);
}

inline Cell age(Cell birth, Cell today) {
  if (birth.kind != ValueKind::date || today.kind != ValueKind::date) return missing();
  return age_from_keys(date_key(birth), date_key(today));
}

// The number of chosen options; missing for an unanswered multi question.
inline Cell count(Cell set) {
  if (set.kind != ValueKind::set) return missing();
  return of_int(std::popcount(set.word));
}

// `to - from` in days.
inline Cell days_between(Cell from, Cell to) {
  if (from.kind != ValueKind::date || to.kind != ValueKind::date) return missing();
  return integer_arith(ArithOp::sub, as_int(to), as_int(from));
}

}  // namespace ops
}  // namespace vigie::eval
