// Measures CompiledCampaign::evaluate on the heatwave campaign: the scoring
// and routing of one completed questionnaire (lets, the `risk` score, three
// routes and `useful`). Run from a Release build:
//   vigie_bench_eval --benchmark_min_time=1

#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "check/compiler.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "eval/evaluator.hpp"
#include "eval/expr_builders.hpp"

namespace {

using vigie::common::Value;
using vigie::eval::CompiledCampaign;
using vigie::eval::Context;
using vigie::eval::Results;
using vigie::eval::testing::days_of;

std::int32_t option_index(const vigie::ir::Campaign& campaign, std::string_view question,
                          std::string_view option) {
  const std::int32_t q = campaign.question_index(question);
  if (q < 0) return -1;
  const auto& options = campaign.questions[static_cast<std::size_t>(q)].options;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (options[i].id == option) return static_cast<std::int32_t>(i);
  }
  return -1;
}

// One contact of either heatwave campaign, located by field and question
// names so that the hand-built and the compiled campaign share it.
struct Contact {
  std::vector<Value> fields;
  std::vector<Value> answers;
  Context context;

  Contact(const vigie::ir::Campaign& campaign, int variant)
      : fields(campaign.fields.size()), answers(campaign.questions.size()) {
    auto set_field = [&](std::string_view name, Value value) {
      const std::int32_t i = campaign.field_index(name);
      if (i >= 0) fields[static_cast<std::size_t>(i)] = value;
    };
    auto set_option = [&](std::string_view question, std::string_view option) {
      const std::int32_t i = campaign.question_index(question);
      if (i >= 0)
        answers[static_cast<std::size_t>(i)] =
            Value::of_option(option_index(campaign, question, option));
    };

    set_field("birth", Value::of_date(days_of(1931 + variant % 30, 5, 2)));
    set_option("alone", variant % 2 == 0 ? "yes" : "no");
    set_option("visits", variant % 3 == 0 ? "rarely" : "weekly");
    set_option("health", variant % 4 == 0 ? "no" : "yes");
    const std::int32_t symptoms = campaign.question_index("symptoms");
    const std::int32_t confusion = option_index(campaign, "symptoms", "confusion");
    if (symptoms >= 0 && confusion >= 0 && variant % 4 != 0) {
      answers[static_cast<std::size_t>(symptoms)] =
          Value::of_set((std::uint64_t{1} << confusion) * (variant % 5 == 0 ? 0 : 1));
    }

    context.fields = fields;
    context.answers = answers;
    context.today = Value::of_date(days_of(2019, 6, 24));
  }

  Contact(const Contact&) = delete;
  Contact& operator=(const Contact&) = delete;
};

void evaluate_one(benchmark::State& state, const vigie::ir::Campaign& campaign) {
  const CompiledCampaign compiled(campaign);
  const Contact contact(campaign, 0);
  Results results = compiled.make_results();

  for (auto _ : state) {
    compiled.evaluate(contact.context, results);
    benchmark::DoNotOptimize(results.scores.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

// 64 different contacts in turn, so that branch prediction cannot learn a
// single path through the rules.
void evaluate_varied(benchmark::State& state, const vigie::ir::Campaign& campaign) {
  const CompiledCampaign compiled(campaign);
  std::vector<std::unique_ptr<Contact>> contacts;
  for (int i = 0; i < 64; ++i) contacts.push_back(std::make_unique<Contact>(campaign, i));
  Results results = compiled.make_results();

  std::size_t next = 0;
  for (auto _ : state) {
    compiled.evaluate(contacts[next]->context, results);
    next = (next + 1) & 63;
    benchmark::DoNotOptimize(results.scores.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

const vigie::ir::Campaign& hand_built() {
  static const vigie::ir::Campaign campaign = vigie::eval::testing::heatwave_campaign();
  return campaign;
}

// The campaign compiled from tests/eval/data/heatwave.vigie, or nullptr
// with `error` set when the checker reports errors.
const vigie::ir::Campaign* from_text(std::string& error) {
  static vigie::common::SourceManager sources;
  static vigie::ir::Module module;
  static std::string failure;
  static bool compiled = false;
  if (!compiled) {
    compiled = true;
    const std::string path = std::string(VIGIE_SOURCE_DIR) + "/tests/eval/data/heatwave.vigie";
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    vigie::common::Diagnostics diagnostics;
    module = vigie::check::compile_text(path, text.str(), sources, diagnostics);
    if (diagnostics.has_errors() || module.campaigns.empty()) {
      failure = path + ": the checker reported " + std::to_string(diagnostics.error_count()) +
                " error(s)";
    }
  }
  error = failure;
  if (!failure.empty()) return nullptr;
  return &module.campaigns.front();
}

void BM_EvaluateHandBuilt(benchmark::State& state) {
  evaluate_one(state, hand_built());
}
void BM_EvaluateHandBuiltVaried(benchmark::State& state) {
  evaluate_varied(state, hand_built());
}

void BM_EvaluateFromText(benchmark::State& state) {
  std::string error;
  const vigie::ir::Campaign* campaign = from_text(error);
  if (campaign == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  evaluate_one(state, *campaign);
}

void BM_EvaluateFromTextVaried(benchmark::State& state) {
  std::string error;
  const vigie::ir::Campaign* campaign = from_text(error);
  if (campaign == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  evaluate_varied(state, *campaign);
}

// The per-answer work of an interview: settling the answers, then scoring.
void BM_SettleAndEvaluate(benchmark::State& state) {
  const CompiledCampaign compiled(hand_built());
  Contact contact(hand_built(), 1);
  Results results = compiled.make_results();

  for (auto _ : state) {
    const bool complete = compiled.settle_answers(contact.answers, contact.context);
    compiled.evaluate(contact.context, results);
    benchmark::DoNotOptimize(complete);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_EvaluateHandBuilt);
BENCHMARK(BM_EvaluateHandBuiltVaried);
BENCHMARK(BM_EvaluateFromText);
BENCHMARK(BM_EvaluateFromTextVaried);
BENCHMARK(BM_SettleAndEvaluate);

}  // namespace

BENCHMARK_MAIN();
