#pragma once
// Evaluates a checked campaign's expressions for one contact. Expressions
// are compiled once into a flat form; evaluating them does not allocate.
//
// Value rules, where the language leaves a choice:
// - Missing is the value of an unanswered question, an absent optional
//   field or an unset `today`. Every comparison with it is false, `!=`
//   included, and so are `has` and `in`. Arithmetic with it gives missing,
//   and `answered(q)` is false for it.
// - Conditions, `and`, `or`, `not`, `?:`, `audience`, routes and `useful`
//   read missing as false, and the logical operators always produce a bool:
//   `missing and x` is false, `missing or x` is x, `not missing` is true.
//   `c ? a : b` with a missing `c` gives `b`.
// - int and decimal mix by promotion to decimal. `/` and `min`/`max` give
//   the type the checker assigned (it types `/` as decimal); an int result
//   truncates toward zero. Division or `%` by zero (int or decimal) and int
//   overflow give missing. `%` keeps the sign of the dividend.
// - Durations add to and subtract from durations and scale by ints. Dates
//   have no arithmetic: `days_between(a, b)` is b - a in days.
// - `age(d)` is the whole years from d to `today`, one less until this
//   year's birthday; a 29 February birthday counts on 1 March in non-leap
//   years. Missing when d or `today` is missing.
// - `count(s)` is the number of chosen options, missing for an unanswered
//   multi question; `min`/`max` are missing when any argument is.
// - Text compares by content, options and dispositions by index, sets by
//   their chosen options.
// - A score is the sum of the points of the rules whose condition holds.
//   Points that are missing, or that would overflow an int score, add
//   nothing. A score is never missing: 0 when no rule holds.
//
// A CompiledCampaign is immutable after construction, so several threads
// may evaluate with one instance at the same time.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/value.hpp"
#include "ir/campaign.hpp"

namespace vigie::eval {

using common::Value;

// The inputs of one evaluation. Spans are indexed like the campaign's fields
// and questions, and the caller owns the storage and keeps it alive.
struct Context {
  std::span<const Value> fields;
  std::span<const Value> answers;
  std::int32_t outcome = ir::kCompleted;  // disposition index
  std::int64_t attempts = 0;
  std::int64_t cycle = 1;
  Value today;  // date, or missing
};

// The outputs of a full evaluation, sized once by `make_results()` and
// reused across contacts without reallocation.
struct Results {
  std::vector<Value> lets;
  std::vector<Value> scores;
  // 1 when the route fires, indexed like Campaign::routes; bytes rather
  // than std::vector<bool> so that the evaluator stores them directly.
  std::vector<std::uint8_t> routes;
  bool useful = false;
};

class CompiledCampaign {
 public:
  // Compiles every expression of `campaign`, which must have no errors and
  // must outlive this object.
  explicit CompiledCampaign(const ir::Campaign& campaign);
  ~CompiledCampaign();
  CompiledCampaign(CompiledCampaign&&) noexcept;
  CompiledCampaign& operator=(CompiledCampaign&&) noexcept;

  const ir::Campaign& campaign() const;

  // The audience filter; true when the campaign has none. A missing value
  // counts as false.
  bool in_audience(const Context& context) const;

  // The priority as a number (0 when the campaign has none or it is missing).
  double priority(const Context& context) const;

  // Whether question `index` applies given the earlier answers.
  bool applies(std::int32_t question, const Context& context) const;

  // Clears, in place, the answers of questions that do not apply, in script
  // order, and returns whether every applicable non-optional question is
  // answered (the questionnaire is complete).
  bool settle_answers(std::span<Value> answers, const Context& context) const;

  Results make_results() const;

  // Evaluates lets, scores, routes and `useful` in dependency order.
  void evaluate(const Context& context, Results& results) const;

  // Evaluates one standalone expression of the campaign (tests, explain)
  // after `evaluate` filled `results`. Compiles `expr` on each call, so it
  // allocates; a text result points into `expr`, `context` or `results`.
  Value evaluate_expr(const ir::Expr& expr, const Context& context, const Results& results) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::eval
