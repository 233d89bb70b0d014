#pragma once
// Checked IR expressions -> instructions (see program.hpp). Compiling may
// allocate; running the result does not.

#include <cstdint>
#include <optional>
#include <vector>

#include "common/value.hpp"
#include "eval/program.hpp"
#include "eval/value_ops.hpp"
#include "ir/campaign.hpp"

namespace vigie::eval {

// Appends programs to a shared instruction array and constant pool. Each
// program starts with `begin()`, then emits code, then `end()` returns its
// entry point and the stack depth it needs. Jump targets are absolute
// positions in `code`. The IR expressions passed in must outlive the
// programs, because text constants point into them.
class ProgramBuilder {
 public:
  ProgramBuilder(std::vector<Instr>& code, std::vector<Cell>& constants);

  void begin();
  Program end();

  // Emits code that leaves the value of `expr` on the stack.
  void expression(const ir::Expr& expr);

  // Emits code that computes a score and stores it in results.scores[index].
  void score(const ir::Score& score, std::int32_t index);

  void store(Op op, std::int32_t index = 0);

 private:
  void emit(Instr instr, int stack_delta);
  std::int32_t here() const;
  void patch_target(std::int32_t at, std::int32_t target);
  // `value` must outlive the program when it is a text: the constant
  // points at its string_view.
  std::int32_t constant(const common::Value& value);

  void unary(const ir::Expr& expr);
  void binary(const ir::Expr& expr);
  void comparison(const ir::Expr& expr, CompareOp op);
  void set_has(const ir::Expr& expr);
  void logical(const ir::Expr& expr, Op jump_op);
  void in_list(const ir::Expr& expr);
  void conditional(const ir::Expr& expr);
  void call(const ir::Expr& expr);
  void fold(const ir::Expr& expr, Op op);
  bool fuse_add_if(std::int32_t condition_start, std::int32_t points);

  std::vector<Instr>& code_;
  std::vector<Cell>& constants_;
  std::int32_t start_ = -1;
  int depth_ = 0;
  int max_depth_ = 0;
};

// Where a leaf that reads the context or earlier results finds its value.
struct Operand {
  Source source = Source::stack;
  std::int32_t index = 0;
};

// The operand of a leaf expression; nullopt for every other kind.
std::optional<Operand> operand_of(const ir::Expr& expr);

// Whether `expr` always evaluates to a bool, never to missing.
bool never_missing_bool(const ir::Expr& expr);

}  // namespace vigie::eval
