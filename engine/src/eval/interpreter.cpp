#include "eval/interpreter.hpp"

#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

namespace vigie::eval {
namespace {

// The operands of one run: the Value arrays of the context and the results,
// indexed by Source, and the context scalars as cells.
class Operands {
 public:
  Operands(const Context& context, const Results& read) : routes_(read.routes) {
    set(Source::field, context.fields.data(), context.fields.size());
    set(Source::answer, context.answers.data(), context.answers.size());
    set(Source::let, read.lets.data(), read.lets.size());
    set(Source::score, read.scores.data(), read.scores.size());
    context_[kOutcomeSlot] = ops::of_index(ValueKind::disposition, context.outcome);
    context_[kAttemptsSlot] = ops::of_int(context.attempts);
    context_[kCycleSlot] = ops::of_int(context.cycle);
    context_[kTodaySlot] = ops::to_cell(context.today);
  }

  // An index beyond what the caller supplied reads as missing rather than
  // out of bounds.
  Cell load(Source source, std::int32_t index) const {
    if (source == Source::context) return context_[index];
    if (source == Source::route) {
      if (static_cast<std::size_t>(index) >= routes_.size()) return ops::of_bool(false);
      return ops::of_bool(routes_[static_cast<std::size_t>(index)] != 0);
    }

    const auto slot = static_cast<std::size_t>(source);
    if (static_cast<std::size_t>(index) >= sizes_[slot]) return ops::missing();
    return ops::to_cell(bases_[slot][index]);
  }

  // `age(date)` at the context's today. The conversion of today to a
  // calendar date is done once per run, on first use.
  Cell age(Cell birth) const {
    const Cell today = context_[kTodaySlot];
    if (birth.kind != ValueKind::date || today.kind != ValueKind::date) return ops::missing();
    if (!today_key_ready_) {
      today_key_ = ops::date_key(today);
      today_key_ready_ = true;
    }
    return ops::age_from_keys(ops::date_key(birth), today_key_);
  }

 private:
  void set(Source source, const Value* base, std::size_t size) {
    bases_[static_cast<std::size_t>(source)] = base;
    sizes_[static_cast<std::size_t>(source)] = size;
  }

  static constexpr std::size_t kArraySources = static_cast<std::size_t>(Source::score) + 1;
  const Value* bases_[kArraySources] = {};
  std::size_t sizes_[kArraySources] = {};
  Cell context_[kContextSlots];
  const std::vector<std::uint8_t>& routes_;
  mutable std::int64_t today_key_ = 0;
  mutable bool today_key_ready_ = false;
};

// Adds one rule's points to a score. Missing points add nothing; so do
// integer points whose sum would overflow.
inline Cell accumulate(Cell total, Cell points) {
  if (!ops::is_number(points.kind)) return total;

  if (total.kind == ValueKind::decimal)
    return ops::of_decimal(ops::as_decimal(total) + ops::as_double(points));
  if (points.kind == ValueKind::decimal) {
    return ops::of_decimal(static_cast<double>(ops::as_int(total)) + ops::as_decimal(points));
  }
  std::int64_t sum = 0;
  if (__builtin_add_overflow(ops::as_int(total), ops::as_int(points), &sum)) return total;
  return ops::of_int(sum);
}

bool in_constants(Cell needle, const Cell* first, std::int32_t count) {
  for (std::int32_t i = 0; i < count; ++i) {
    if (ops::equals(needle, first[i])) return true;
  }
  return false;
}

// The operand stack, as two parallel arrays (see Cell for why).
class Stack {
 public:
  Stack(ValueKind* kinds, std::uint64_t* words) : kinds_(kinds), words_(words) {}

  void push(Cell c) {
    kinds_[size_] = c.kind;
    words_[size_] = c.word;
    ++size_;
  }
  Cell pop() {
    --size_;
    return Cell{kinds_[size_], words_[size_]};
  }
  Cell top() const { return Cell{kinds_[size_ - 1], words_[size_ - 1]}; }
  void set_top(Cell c) {
    kinds_[size_ - 1] = c.kind;
    words_[size_ - 1] = c.word;
  }
  bool empty() const { return size_ == 0; }

 private:
  ValueKind* kinds_;
  std::uint64_t* words_;
  std::int32_t size_ = 0;
};

Value execute(const Instr* code, const Cell* constants, std::int32_t start,
              const Operands& operands, Results* write, Stack stack) {
  // Threaded dispatch: each handler ends with its own indirect jump, which
  // branch predictors usually learn better than the single shared jump of a switch.
  // NOTE: labels as values are a GCC and Clang extension.
  static constexpr void* kHandlers[] = {
      &&handle_push_const,
      &&handle_load,
      &&handle_negate,
      &&handle_logical_not,
      &&handle_to_bool,
      &&handle_arith,
      &&handle_compare,
      &&handle_compare_const,
      &&handle_has,
      &&handle_has_const,
      &&handle_in_consts,
      &&handle_in_match,
      &&handle_in_no_match,
      &&handle_in_matched,
      &&handle_jump,
      &&handle_jump_if_false,
      &&handle_and_jump,
      &&handle_or_jump,
      &&handle_age,
      &&handle_count,
      &&handle_present,
      &&handle_days_between,
      &&handle_min,
      &&handle_max,
      &&handle_add_points,
      &&handle_add_const_if,
      &&handle_add_if_compare_const,
      &&handle_add_if_has_const,
      &&handle_add_if_load,
      &&handle_store_let,
      &&handle_store_score,
      &&handle_store_route,
      &&handle_store_useful,
      &&handle_ret,
  };
  static_assert(std::size(kHandlers) == static_cast<std::size_t>(Op::ret) + 1,
                "one handler per Op, in declaration order");

  const Instr* ip = code + start;
  const Instr* instr = nullptr;
#define VIGIE_NEXT()                                      \
  do {                                                    \
    instr = ip++;                                         \
    goto* kHandlers[static_cast<std::size_t>(instr->op)]; \
  } while (false)

  VIGIE_NEXT();

handle_push_const:
  stack.push(constants[instr->b]);
  VIGIE_NEXT();
handle_load:
  stack.push(operands.load(instr->source, instr->a));
  VIGIE_NEXT();
handle_negate:
  stack.set_top(ops::negate(stack.top()));
  VIGIE_NEXT();
handle_logical_not:
  stack.set_top(ops::of_bool(!ops::truthy(stack.top())));
  VIGIE_NEXT();
handle_to_bool:
  stack.set_top(ops::of_bool(ops::truthy(stack.top())));
  VIGIE_NEXT();
handle_arith : {
  const Cell rhs = stack.pop();
  stack.set_top(ops::arith(static_cast<ArithOp>(instr->mode), stack.top(), rhs, instr->flag));
  VIGIE_NEXT();
}
handle_compare : {
  const Cell rhs = stack.pop();
  stack.set_top(ops::of_bool(ops::compare(static_cast<CompareOp>(instr->mode), stack.top(), rhs)));
  VIGIE_NEXT();
}
handle_compare_const : {
  const auto op = static_cast<CompareOp>(instr->mode);
  if (instr->source == Source::stack) {
    stack.set_top(ops::of_bool(ops::compare(op, stack.top(), constants[instr->b])));
  } else {
    const Cell operand = operands.load(instr->source, instr->a);
    stack.push(ops::of_bool(ops::compare(op, operand, constants[instr->b])));
  }
  VIGIE_NEXT();
}
handle_has : {
  const Cell option = stack.pop();
  stack.set_top(ops::of_bool(ops::has(stack.top(), option)));
  VIGIE_NEXT();
}
handle_has_const:
  if (instr->source == Source::stack) {
    stack.set_top(ops::of_bool(ops::has(stack.top(), constants[instr->b])));
  } else {
    const Cell set = operands.load(instr->source, instr->a);
    stack.push(ops::of_bool(ops::has(set, constants[instr->b])));
  }
  VIGIE_NEXT();
handle_in_consts:
  stack.set_top(ops::of_bool(in_constants(stack.top(), constants + instr->b, instr->c)));
  VIGIE_NEXT();
handle_in_match : {
  const Cell element = stack.pop();
  if (ops::equals(stack.top(), element)) ip = code + instr->a;
  VIGIE_NEXT();
}
handle_in_no_match:
  stack.set_top(ops::of_bool(false));
  ip = code + instr->a;
  VIGIE_NEXT();
handle_in_matched:
  stack.set_top(ops::of_bool(true));
  VIGIE_NEXT();
handle_jump:
  ip = code + instr->a;
  VIGIE_NEXT();
handle_jump_if_false:
  if (!ops::truthy(stack.pop())) ip = code + instr->a;
  VIGIE_NEXT();
handle_and_jump:
  if (!ops::truthy(stack.top())) {
    stack.set_top(ops::of_bool(false));
    ip = code + instr->a;
  } else {
    stack.pop();
  }
  VIGIE_NEXT();
handle_or_jump:
  if (ops::truthy(stack.top())) {
    ip = code + instr->a;
  } else {
    stack.pop();
  }
  VIGIE_NEXT();
handle_age:
  stack.set_top(operands.age(stack.top()));
  VIGIE_NEXT();
handle_count:
  stack.set_top(ops::count(stack.top()));
  VIGIE_NEXT();
handle_present:
  stack.set_top(ops::of_bool(stack.top().kind != ValueKind::missing));
  VIGIE_NEXT();
handle_days_between : {
  const Cell to = stack.pop();
  stack.set_top(ops::days_between(stack.top(), to));
  VIGIE_NEXT();
}
handle_min : {
  const Cell rhs = stack.pop();
  stack.set_top(ops::pick(/*want_max=*/false, stack.top(), rhs, instr->flag));
  VIGIE_NEXT();
}
handle_max : {
  const Cell rhs = stack.pop();
  stack.set_top(ops::pick(/*want_max=*/true, stack.top(), rhs, instr->flag));
  VIGIE_NEXT();
}
handle_add_points : {
  const Cell points = stack.pop();
  stack.set_top(accumulate(stack.top(), points));
  VIGIE_NEXT();
}
handle_add_const_if:
  if (ops::truthy(stack.pop())) stack.set_top(accumulate(stack.top(), constants[instr->b]));
  VIGIE_NEXT();
handle_add_if_compare_const : {
  const Cell operand = operands.load(instr->source, instr->a);
  if (ops::compare(static_cast<CompareOp>(instr->mode), operand, constants[instr->b])) {
    stack.set_top(accumulate(stack.top(), constants[instr->c]));
  }
  VIGIE_NEXT();
}
handle_add_if_has_const:
  if (ops::has(operands.load(instr->source, instr->a), constants[instr->b])) {
    stack.set_top(accumulate(stack.top(), constants[instr->c]));
  }
  VIGIE_NEXT();
handle_add_if_load:
  if (ops::truthy(operands.load(instr->source, instr->a))) {
    stack.set_top(accumulate(stack.top(), constants[instr->c]));
  }
  VIGIE_NEXT();
handle_store_let:
  ops::assign(write->lets[static_cast<std::size_t>(instr->a)], stack.pop());
  VIGIE_NEXT();
handle_store_score:
  ops::assign(write->scores[static_cast<std::size_t>(instr->a)], stack.pop());
  VIGIE_NEXT();
handle_store_route:
  write->routes[static_cast<std::size_t>(instr->a)] = ops::truthy(stack.pop()) ? 1 : 0;
  VIGIE_NEXT();
handle_store_useful:
  write->useful = ops::truthy(stack.pop());
  VIGIE_NEXT();
handle_ret:
  return stack.empty() ? Value::missing() : ops::to_value(stack.top());

#undef VIGIE_NEXT
}

}  // namespace

Value run_program(const Instr* code, const Cell* constants, Program program, const Context& context,
                  const Results& read, Results* write) {
  if (program.empty()) return Value::missing();

  if (program.max_depth <= kInlineStackSlots) {
    // Left uninitialized: every slot is written before it is read.
    ValueKind kinds[kInlineStackSlots];
    std::uint64_t words[kInlineStackSlots];
    return execute(code, constants, program.start, Operands(context, read), write,
                   Stack(kinds, words));
  }

  const auto size = static_cast<std::size_t>(program.max_depth);
  const auto kinds = std::make_unique<ValueKind[]>(size);
  const auto words = std::make_unique<std::uint64_t[]>(size);
  return execute(code, constants, program.start, Operands(context, read), write,
                 Stack(kinds.get(), words.get()));
}

}  // namespace vigie::eval
