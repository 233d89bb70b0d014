#include "eval/program_builder.hpp"

#include <algorithm>

namespace vigie::eval {
namespace {

using ir::BinaryOp;
using ir::ExprKind;

std::optional<CompareOp> compare_op(BinaryOp op) {
  switch (op) {
    case BinaryOp::lt:
      return CompareOp::lt;
    case BinaryOp::le:
      return CompareOp::le;
    case BinaryOp::gt:
      return CompareOp::gt;
    case BinaryOp::ge:
      return CompareOp::ge;
    case BinaryOp::eq:
      return CompareOp::eq;
    case BinaryOp::ne:
      return CompareOp::ne;
    default:
      return std::nullopt;
  }
}

std::optional<ArithOp> arith_op(BinaryOp op) {
  switch (op) {
    case BinaryOp::add:
      return ArithOp::add;
    case BinaryOp::sub:
      return ArithOp::sub;
    case BinaryOp::mul:
      return ArithOp::mul;
    case BinaryOp::div:
      return ArithOp::div;
    case BinaryOp::mod:
      return ArithOp::mod;
    default:
      return std::nullopt;
  }
}

// `literal < x` is `x > literal`.
CompareOp mirrored(CompareOp op) {
  switch (op) {
    case CompareOp::lt:
      return CompareOp::gt;
    case CompareOp::le:
      return CompareOp::ge;
    case CompareOp::gt:
      return CompareOp::lt;
    case CompareOp::ge:
      return CompareOp::le;
    default:
      return op;
  }
}

bool is_decimal(const ir::Expr& expr) {
  return expr.type.kind == ir::TypeKind::decimal;
}

Instr make(Op op) {
  Instr instr;
  instr.op = op;
  return instr;
}

}  // namespace

std::optional<Operand> operand_of(const ir::Expr& expr) {
  switch (expr.kind) {
    case ExprKind::field:
      return Operand{Source::field, expr.index};
    case ExprKind::answer:
      return Operand{Source::answer, expr.index};
    case ExprKind::let:
      return Operand{Source::let, expr.index};
    case ExprKind::score:
      return Operand{Source::score, expr.index};
    case ExprKind::route:
      return Operand{Source::route, expr.index};
    case ExprKind::outcome:
      return Operand{Source::context, kOutcomeSlot};
    case ExprKind::attempts:
      return Operand{Source::context, kAttemptsSlot};
    case ExprKind::cycle:
      return Operand{Source::context, kCycleSlot};
    case ExprKind::today:
      return Operand{Source::context, kTodaySlot};
    default:
      return std::nullopt;
  }
}

bool never_missing_bool(const ir::Expr& expr) {
  switch (expr.kind) {
    case ExprKind::literal:
      return expr.value.kind == common::ValueKind::boolean;
    case ExprKind::route:
    case ExprKind::in_list:
      return true;
    case ExprKind::unary:
      return expr.unary_op == ir::UnaryOp::logical_not;
    case ExprKind::binary:
      return compare_op(expr.binary_op).has_value() || expr.binary_op == BinaryOp::has ||
             expr.binary_op == BinaryOp::logical_and || expr.binary_op == BinaryOp::logical_or;
    case ExprKind::call:
      return expr.function == ir::Function::answered;
    default:
      return false;
  }
}

ProgramBuilder::ProgramBuilder(std::vector<Instr>& code, std::vector<Cell>& constants)
    : code_(code), constants_(constants) {}

void ProgramBuilder::begin() {
  start_ = here();
  depth_ = 0;
  max_depth_ = 0;
}

Program ProgramBuilder::end() {
  emit(make(Op::ret), 0);
  return Program{start_, max_depth_};
}

void ProgramBuilder::emit(Instr instr, int stack_delta) {
  code_.push_back(instr);
  depth_ += stack_delta;
  max_depth_ = std::max(max_depth_, depth_);
}

std::int32_t ProgramBuilder::here() const {
  return static_cast<std::int32_t>(code_.size());
}

void ProgramBuilder::patch_target(std::int32_t at, std::int32_t target) {
  code_[at].a = target;
}

std::int32_t ProgramBuilder::constant(const common::Value& value) {
  constants_.push_back(ops::to_cell(value));
  return static_cast<std::int32_t>(constants_.size() - 1);
}

void ProgramBuilder::store(Op op, std::int32_t index) {
  Instr instr = make(op);
  instr.a = index;
  emit(instr, -1);
}

void ProgramBuilder::expression(const ir::Expr& expr) {
  if (auto operand = operand_of(expr)) {
    Instr instr = make(Op::load);
    instr.source = operand->source;
    instr.a = operand->index;
    emit(instr, +1);
    return;
  }

  switch (expr.kind) {
    case ExprKind::literal: {
      Instr instr = make(Op::push_const);
      instr.b = constant(expr.value);
      emit(instr, +1);
      return;
    }
    case ExprKind::unary:
      unary(expr);
      return;
    case ExprKind::binary:
      binary(expr);
      return;
    case ExprKind::in_list:
      in_list(expr);
      return;
    case ExprKind::conditional:
      conditional(expr);
      return;
    case ExprKind::call:
      call(expr);
      return;
    default:
      break;
  }

  // Only load kinds remain, and they returned above; keep the stack
  // balanced anyway so that a new ExprKind cannot corrupt a program.
  Instr instr = make(Op::push_const);
  instr.b = constant(common::Value::missing());
  emit(instr, +1);
}

void ProgramBuilder::unary(const ir::Expr& expr) {
  expression(expr.args[0]);
  emit(make(expr.unary_op == ir::UnaryOp::negate ? Op::negate : Op::logical_not), 0);
}

void ProgramBuilder::binary(const ir::Expr& expr) {
  if (auto op = compare_op(expr.binary_op)) {
    comparison(expr, *op);
    return;
  }
  if (expr.binary_op == BinaryOp::has) {
    set_has(expr);
    return;
  }
  if (expr.binary_op == BinaryOp::logical_and) {
    logical(expr, Op::and_jump);
    return;
  }
  if (expr.binary_op == BinaryOp::logical_or) {
    logical(expr, Op::or_jump);
    return;
  }

  expression(expr.args[0]);
  expression(expr.args[1]);
  Instr instr = make(Op::arith);
  instr.mode = static_cast<std::uint8_t>(*arith_op(expr.binary_op));
  instr.flag = is_decimal(expr);
  emit(instr, -1);
}

// With a literal on either side, the comparison becomes one fused
// instruction that reads its other operand directly from its source.
void ProgramBuilder::comparison(const ir::Expr& expr, CompareOp op) {
  const ir::Expr& lhs = expr.args[0];
  const ir::Expr& rhs = expr.args[1];
  const ir::Expr* operand = nullptr;
  const ir::Expr* literal = nullptr;
  if (rhs.kind == ExprKind::literal) {
    operand = &lhs;
    literal = &rhs;
  } else if (lhs.kind == ExprKind::literal) {
    operand = &rhs;
    literal = &lhs;
    op = mirrored(op);
  }

  if (literal == nullptr) {
    expression(lhs);
    expression(rhs);
    Instr instr = make(Op::compare);
    instr.mode = static_cast<std::uint8_t>(op);
    emit(instr, -1);
    return;
  }

  Instr instr = make(Op::compare_const);
  instr.mode = static_cast<std::uint8_t>(op);
  instr.b = constant(literal->value);
  if (auto leaf = operand_of(*operand)) {
    instr.source = leaf->source;
    instr.a = leaf->index;
    emit(instr, +1);
    return;
  }
  expression(*operand);
  emit(instr, 0);
}

void ProgramBuilder::set_has(const ir::Expr& expr) {
  const ir::Expr& set = expr.args[0];
  const ir::Expr& option = expr.args[1];
  if (option.kind != ExprKind::literal) {
    expression(set);
    expression(option);
    emit(make(Op::has), -1);
    return;
  }

  Instr instr = make(Op::has_const);
  instr.b = constant(option.value);
  if (auto leaf = operand_of(set)) {
    instr.source = leaf->source;
    instr.a = leaf->index;
    emit(instr, +1);
    return;
  }
  expression(set);
  emit(instr, 0);
}

// `a and b`: when `a` is false the jump skips `b` and leaves false;
// otherwise `a` is popped and `b` decides. `or` mirrors it.
void ProgramBuilder::logical(const ir::Expr& expr, Op jump_op) {
  expression(expr.args[0]);
  const std::int32_t jump_at = here();
  emit(make(jump_op), -1);

  expression(expr.args[1]);
  if (!never_missing_bool(expr.args[1])) emit(make(Op::to_bool), 0);
  patch_target(jump_at, here());
}

void ProgramBuilder::in_list(const ir::Expr& expr) {
  const bool all_literals =
      std::all_of(expr.args.begin() + 1, expr.args.end(),
                  [](const ir::Expr& element) { return element.kind == ExprKind::literal; });
  expression(expr.args[0]);

  if (all_literals) {
    Instr instr = make(Op::in_consts);
    instr.b = static_cast<std::int32_t>(constants_.size());
    instr.c = static_cast<std::int32_t>(expr.args.size() - 1);
    for (std::size_t i = 1; i < expr.args.size(); ++i) constant(expr.args[i].value);
    emit(instr, 0);
    return;
  }

  // Each element is computed and compared in turn; the first match jumps
  // to the end, so later elements are not evaluated.
  std::vector<std::int32_t> match_jumps;
  for (std::size_t i = 1; i < expr.args.size(); ++i) {
    expression(expr.args[i]);
    match_jumps.push_back(here());
    emit(make(Op::in_match), -1);
  }
  const std::int32_t no_match_at = here();
  emit(make(Op::in_no_match), 0);

  for (std::int32_t at : match_jumps) patch_target(at, here());
  emit(make(Op::in_matched), 0);
  patch_target(no_match_at, here());
}

void ProgramBuilder::conditional(const ir::Expr& expr) {
  expression(expr.args[0]);
  const std::int32_t else_jump = here();
  emit(make(Op::jump_if_false), -1);

  expression(expr.args[1]);
  const std::int32_t end_jump = here();
  emit(make(Op::jump), 0);

  // The else branch starts from the depth before the then branch pushed.
  --depth_;
  patch_target(else_jump, here());
  expression(expr.args[2]);
  patch_target(end_jump, here());
}

void ProgramBuilder::call(const ir::Expr& expr) {
  switch (expr.function) {
    case ir::Function::age:
      expression(expr.args[0]);
      emit(make(Op::age), 0);
      return;
    case ir::Function::count:
      expression(expr.args[0]);
      emit(make(Op::count), 0);
      return;
    case ir::Function::answered:
      expression(expr.args[0]);
      emit(make(Op::present), 0);
      return;
    case ir::Function::days_between:
      expression(expr.args[0]);
      expression(expr.args[1]);
      emit(make(Op::days_between), -1);
      return;
    case ir::Function::min:
      fold(expr, Op::min);
      return;
    case ir::Function::max:
      fold(expr, Op::max);
      return;
  }
}

// Turns a condition that compiled to a single operand test into the fused
// add_if_* form, which does not push the condition at all.
bool ProgramBuilder::fuse_add_if(std::int32_t condition_start, std::int32_t points) {
  if (here() != condition_start + 1) return false;
  Instr& test = code_[static_cast<std::size_t>(condition_start)];
  if (test.source == Source::stack) return false;

  switch (test.op) {
    case Op::compare_const:
      test.op = Op::add_if_compare_const;
      break;
    case Op::has_const:
      test.op = Op::add_if_has_const;
      break;
    case Op::load:
      test.op = Op::add_if_load;
      break;
    default:
      return false;
  }
  test.c = points;
  --depth_;
  return true;
}

// min and max fold pairwise, so any number of arguments needs two slots.
void ProgramBuilder::fold(const ir::Expr& expr, Op op) {
  expression(expr.args[0]);
  for (std::size_t i = 1; i < expr.args.size(); ++i) {
    expression(expr.args[i]);
    Instr instr = make(op);
    instr.flag = is_decimal(expr);
    emit(instr, -1);
  }
}

// The accumulator starts at 0 of the score's type. A rule with literal
// points is one `add_const_if`; others jump over their points when the
// condition does not hold, so those points are never evaluated.
void ProgramBuilder::score(const ir::Score& score, std::int32_t index) {
  Instr zero = make(Op::push_const);
  zero.b = constant(score.decimal ? common::Value::of_decimal(0) : common::Value::of_int(0));
  emit(zero, +1);

  for (const ir::ScoreRule& rule : score.rules) {
    const std::int32_t condition_start = here();
    expression(rule.condition);
    if (rule.points.kind == ExprKind::literal) {
      const std::int32_t points = constant(rule.points.value);
      if (fuse_add_if(condition_start, points)) continue;

      Instr add = make(Op::add_const_if);
      add.b = points;
      emit(add, -1);
      continue;
    }

    const std::int32_t skip_jump = here();
    emit(make(Op::jump_if_false), -1);
    expression(rule.points);
    emit(make(Op::add_points), -1);
    patch_target(skip_jump, here());
  }

  store(Op::store_score, index);
}

}  // namespace vigie::eval
