#pragma once
// Runs the `test` blocks of a compiled campaign: each test sets answers,
// fields, `today` and `outcome`, evaluates the campaign's rules and checks
// every `expect` line.

#include <string>
#include <vector>

#include "common/source.hpp"
#include "eval/evaluator.hpp"
#include "ir/campaign.hpp"

namespace vigie::runtime {

// One `expect` line that did not hold.
struct ExpectFailure {
  std::string text;  // the expectation as written
  common::SourceRange range;
  std::string expected;  // e.g. "risk == 15", "routes == [urgence]"
  std::string actual;    // e.g. "risk = 13", "routes = [urgence, visite]"
};

struct TestResult {
  const ir::Test* test = nullptr;
  std::vector<ExpectFailure> failures;
  bool passed() const { return failures.empty(); }
};

// Runs every test of `campaign`. `compiled` must be built from `campaign`.
std::vector<TestResult> run_campaign_tests(const ir::Campaign& campaign,
                                           const eval::CompiledCampaign& compiled);

// Formats a value of type `type` as a designer writes it: yes/no, option
// ids, [a, b] for sets, disposition names, dates as YYYY-MM-DD, "missing".
std::string display_value(const ir::Campaign& campaign, const ir::Type& type,
                          const common::Value& value);

}  // namespace vigie::runtime
