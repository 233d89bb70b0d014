// Measures a whole one-shot run of the heatwave campaign: compile, import
// the 10,500-person register, one 48-hour cycle with 60 simulated agents,
// every attempt and outcome written to SQLite, alerts, pricing and output
// files. Run from a Release build, from any folder:
//   vigie_bench_run --benchmark_repetitions=3

#include <cstdlib>
#include <filesystem>

#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include "check/compiler.hpp"
#include "runtime/run.hpp"

namespace {

void BM_HeatwaveCycle(benchmark::State& state) {
  ::setenv("VIGIE_PLUGIN_PATH", VIGIE_PLUGIN_DIR, 0);
  spdlog::set_level(spdlog::level::warn);
  std::filesystem::path source = VIGIE_SOURCE_DIR;
  std::filesystem::path out = std::filesystem::temp_directory_path() / "vigie-bench-run";

  vigie::runtime::RunOptions options;
  options.campaign_path = (source / "campaigns/canicule.vigie").string();
  options.roster_path = (source / "examples/rosters/paris_10500.csv").string();
  options.activate = "2019-06-24T10:00";
  options.seed = 42;
  options.agents = 60;
  options.out_dir = out.string();

  std::size_t attempts = 0;
  for (auto _ : state) {
    // Each iteration starts from an empty output folder, as a first run does.
    state.PauseTiming();
    std::filesystem::remove_all(out);
    state.ResumeTiming();

    vigie::runtime::RunReport report = vigie::runtime::run_campaign(options);
    attempts = report.cycles.front().stats.attempts;
  }
  state.counters["contacts"] = 10500;
  state.counters["attempts"] = static_cast<double>(attempts);
  std::filesystem::remove_all(out);
}

// Compiling campaigns/canicule.vigie and its import, from disk, as
// `vigie check` does.
void BM_CompileHeatwave(benchmark::State& state) {
  std::string path = std::string(VIGIE_SOURCE_DIR) + "/campaigns/canicule.vigie";
  for (auto _ : state) {
    vigie::common::SourceManager sources;
    vigie::common::Diagnostics diagnostics;
    vigie::ir::Module module = vigie::check::compile_file(path, sources, diagnostics);
    if (diagnostics.has_errors()) state.SkipWithError("canicule.vigie has errors");
    benchmark::DoNotOptimize(module);
  }
}

}  // namespace

BENCHMARK(BM_CompileHeatwave)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HeatwaveCycle)->Unit(benchmark::kMillisecond)->Iterations(3);

BENCHMARK_MAIN();
