#pragma once
// The compiled form of a campaign's expressions: a flat array of small POD
// instructions for a stack machine. Short-circuit operators and `?:` jump
// to absolute instruction positions inside the same array. The compiler
// fuses "operand compared with a literal" into one instruction. A score
// rule of that shape with literal points becomes a single instruction too.

#include <cstdint>

namespace vigie::eval {

enum class Op : std::uint8_t {
  push_const,     // push constants[b]
  load,           // push the operand (source, a)
  negate,         // top = -top
  logical_not,    // top = not truthy(top)
  to_bool,        // top = truthy(top)
  arith,          // pop rhs; top = top (mode: ArithOp) rhs; flag: decimal result
  compare,        // pop rhs; top = top (mode: CompareOp) rhs
  compare_const,  // push operand(source, a) (mode: CompareOp) constants[b]
  has,            // pop option; top = top has option
  has_const,      // push operand(source, a) has constants[b]
  in_consts,      // top = top equals one of constants[b .. b + c)
  in_match,       // pop element; jump to a when it equals the new top
  in_no_match,    // top = false; jump to a
  in_matched,     // top = true
  jump,           // jump to a
  jump_if_false,  // pop; jump to a unless truthy
  and_jump,       // unless truthy(top): top = false, jump to a; else pop
  or_jump,        // if truthy(top): top = true, jump to a; else pop
  age,            // top = age(top) at the context's `today`
  count,          // top = number of options in the set
  present,        // top = top is not missing
  days_between,   // pop rhs; top = rhs - top in days
  min,            // pop rhs; top = min(top, rhs); flag: decimal result
  max,            // pop rhs; top = max(top, rhs); flag: decimal result
  add_points,     // pop points; top (the score accumulator) += points
  add_const_if,   // pop condition; if truthy, top += constants[b]
  // A score rule whose condition is one operand test, fused with its literal
  // points: if the test holds, top += constants[c].
  add_if_compare_const,  // operand(source, a) (mode: CompareOp) constants[b]
  add_if_has_const,      // operand(source, a) has constants[b]
  add_if_load,           // truthy(operand(source, a))
  store_let,             // pop into results.lets[a]
  store_score,           // pop into results.scores[a]
  store_route,           // pop truthy into results.routes[a]
  store_useful,          // pop truthy into results.useful
  ret,                   // stop; the result is the top of the stack, if any
};

// The origin of the operand of a `load` or a fused instruction. `stack` pops
// the operand that earlier instructions computed, and `context` reads one of
// the ContextSlot values of the run.
enum class Source : std::uint8_t { stack, field, answer, let, score, context, route };

// Indexes of the Context scalars that `Source::context` reads.
enum ContextSlot : std::int32_t {
  kOutcomeSlot,
  kAttemptsSlot,
  kCycleSlot,
  kTodaySlot,
  kContextSlots
};

// A comparison as the set of orderings for which it holds: bit 0 is
// "less", bit 1 "equal", bit 2 "greater". Incomparable operands (a missing
// value, different kinds) have ordering 3, which no comparison accepts.
enum class CompareOp : std::uint8_t {
  lt = 0b001,
  le = 0b011,
  gt = 0b100,
  ge = 0b110,
  eq = 0b010,
  ne = 0b101,
};

enum class ArithOp : std::uint8_t { add, sub, mul, div, mod };

struct Instr {
  Op op = Op::ret;
  std::uint8_t mode = 0;  // CompareOp or ArithOp
  Source source = Source::stack;
  bool flag = false;   // arith, min, max: the checked type is decimal
  std::int32_t a = 0;  // operand index or jump target
  std::int32_t b = 0;  // constant index
  std::int32_t c = 0;  // constant count (in_consts) or points (add_if_*)
};

static_assert(sizeof(Instr) == 16, "instructions stay small to keep programs in cache");

// One entry point into the shared instruction array.
struct Program {
  std::int32_t start = -1;     // -1: no program (the expression is absent)
  std::int32_t max_depth = 0;  // the most stack slots it uses at once

  bool empty() const { return start < 0; }
};

}  // namespace vigie::eval
