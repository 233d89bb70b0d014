#pragma once
// Runs one compiled program (see program.hpp) without allocating, as long
// as the program needs at most kInlineStackSlots stack slots.

#include "common/value.hpp"
#include "eval/evaluator.hpp"
#include "eval/program.hpp"
#include "eval/value_ops.hpp"

namespace vigie::eval {

// Stack slots kept on the C stack for one run (9 bytes each). The pairwise
// folding of min, max and `in` keeps ordinary expressions far below it.
inline constexpr int kInlineStackSlots = 128;

// Runs `program` from the shared `code` and `constants`. Loads of lets,
// scores and routes read `read`. Store instructions write into `*write`,
// which may be `read` itself and must be non-null when the program stores.
// Returns the value on top of the stack at the end, or missing when the
// program leaves nothing there.
// NOTE: a program deeper than kInlineStackSlots (an expression nested more
// than about 120 levels on its right-hand side) runs on a heap buffer, so it
// allocates.
common::Value run_program(const Instr* code, const Cell* constants, Program program,
                          const Context& context, const Results& read, Results* write);

}  // namespace vigie::eval
