// Measures attempt records committed per second by the store, on SQLite
// and on PostgreSQL, with group commit batches of 1, 16, 64 and 256
// records. Each attempt carries two answers, as a heatwave call does. The
// PostgreSQL server is a throwaway one on 127.0.0.1 with fsync on, started
// by tests/store/pg_fixture.hpp. Run from a Release build:
//   vigie_bench_store --benchmark_repetitions=3

#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include "pg_fixture.hpp"
#include "store/store.hpp"

namespace {

using vigie::store::AttemptRecord;
using vigie::store::Store;

// Attempts written per benchmark iteration, then flushed.
constexpr int kAttemptsPerIteration = 2048;

AttemptRecord sample_attempt(long long serial) {
  const vigie::common::Instant start = date::sys_days{date::year{2019} / date::June / 24} +
                                       std::chrono::hours(7) + std::chrono::seconds(serial);
  AttemptRecord record;
  record.cycle = 1;
  record.contact_id = "R" + std::to_string(serial);
  record.attempt = 1;
  record.start = start;
  record.end = start + std::chrono::seconds(95);
  record.disposition = "completed";
  record.talk_seconds = 95;
  record.answers = {{"alone", "yes"}, {"symptoms", "fatigue|cramps"}};
  return record;
}

void record_attempts(benchmark::State& state, Store& store) {
  store.begin_cycle("bench", 1, sample_attempt(0).start);
  store.set_batch_size(static_cast<int>(state.range(0)));

  long long serial = 0;
  for (auto _ : state) {
    for (int i = 0; i < kAttemptsPerIteration; ++i) store.record_attempt(sample_attempt(++serial));
    store.flush();
  }
  state.SetItemsProcessed(state.iterations() * kAttemptsPerIteration);
}

void BM_SqliteAttempts(benchmark::State& state) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("vigie-bench-store-" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  {
    auto store = Store::open((folder / "vigie.db").string());
    record_attempts(state, *store);
  }
  std::filesystem::remove_all(folder);
}

void BM_PostgresqlAttempts(benchmark::State& state) {
  // One server for every batch size; fsync stays on so commits cost what
  // they cost in production.
  static vigie::store::test::PostgresServer server(/*durable=*/true);
  auto store = Store::open(server.create_database());
  record_attempts(state, *store);
}

}  // namespace

BENCHMARK(BM_SqliteAttempts)
    ->Arg(1)
    ->Arg(16)
    ->Arg(64)
    ->Arg(256)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PostgresqlAttempts)
    ->Arg(1)
    ->Arg(16)
    ->Arg(64)
    ->Arg(256)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
