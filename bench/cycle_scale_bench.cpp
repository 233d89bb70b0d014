// Scale benchmarks: one simulated 48-hour heatwave cycle on a synthetic
// register of 1,000,000 people with 2,000 call lines, and the dial queue
// alone at 10,000, 100,000 and 1,000,000 entries.
//
// The cycle benchmark runs in process, without the store or the CSV
// source: the register is generated in memory as the source would return
// it, then turned into a Roster and run by run_cycle with the `simulated`
// dialer (linked statically, default distributions, seed 42) and a sink
// that only counts. Run it alone so that its peak memory is its own:
//   vigie_bench_cycle_scale --benchmark_filter=HeatwaveCycleAtScale
//   vigie_bench_cycle_scale --benchmark_filter=DialQueue

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "check/compiler.hpp"
#include "runtime/cycle.hpp"
#include "runtime/roster.hpp"
#include "schedule/dial_queue.hpp"
#include "vigie/plugin.hpp"

// Defined by the static twin of the simulated dialer plugin.
void vigie_register_dialer_simulated(vigie::Registry& registry);

namespace {

using vigie::common::Instant;
using Clock = std::chrono::steady_clock;

// SplitMix64, so that the register is the same with every standard library.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::uint64_t below(std::uint64_t bound) { return next() % bound; }

  // True with probability per_10000 / 10000.
  bool chance(int per_10000) { return below(10000) < static_cast<std::uint64_t>(per_10000); }

  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

constexpr std::string_view kLastNames[] = {"Aubry",   "Bailly",  "Carpentier", "Delorme",
                                           "Esnault", "Ferrand", "Gillet",     "Hamon",
                                           "Jacquet", "Lebrun",  "Marchal",    "Poulain"};
constexpr std::string_view kFirstNames[] = {"Annie",   "Bernadette", "Claudine", "Denise",
                                            "Gilbert", "Henri",      "Josiane",  "Marcel",
                                            "Odile",   "Pierre",     "Roland",   "Yvonne"};

// Share of the register living in each arrondissement (1 to 20), in
// percent: an invented spread with more people in the outer ones.
constexpr int kArrondissementWeights[20] = {1, 1, 2, 2, 4,  3,  4, 3, 4, 5,
                                            7, 8, 9, 7, 12, 10, 9, 9, 7, 9};

// Ages are counted on the activation day, 24 June 2019.
constexpr int kReferenceYear = 2019;

int draw_arrondissement(Random& random) {
  int ticket = static_cast<int>(random.below(100));
  for (int i = 0; i < 20; ++i) {
    ticket -= kArrondissementWeights[i];
    if (ticket < 0) return i + 1;
  }
  return 20;
}

// Ages 60 to 101: 2 % under 65, so that the audience filter drops some
// rows, and fewer people in each older band.
int draw_age(Random& random) {
  if (random.chance(200)) return 60 + static_cast<int>(random.below(5));
  const std::uint64_t band = random.below(100);
  if (band < 30) return 65 + static_cast<int>(random.below(10));
  if (band < 70) return 75 + static_cast<int>(random.below(10));
  if (band < 95) return 85 + static_cast<int>(random.below(10));
  return 95 + static_cast<int>(random.below(7));
}

// A fictional E.164 number: +33 1 99 followed by 6 digits. The multiplier is
// coprime with 10^6, so the first million rows get distinct numbers.
std::string main_phone(std::size_t row) {
  const std::uint64_t index = (static_cast<std::uint64_t>(row) * 387419 + 624) % 1000000;
  std::string digits = std::to_string(index);
  return "+33199" + std::string(6 - digits.size(), '0') + digits;
}

// A second number in the fictional range +33 2 61 91.
std::string second_phone(Random& random) {
  std::string digits = std::to_string(random.below(10000));
  return "+3326191" + std::string(4 - digits.size(), '0') + digits;
}

// One typed row of the heatwave `reflex` source, as the csv source returns
// it after validation. Throws std::invalid_argument for a field this
// generator does not know, so that a changed campaign fails loudly.
vigie::Row make_row(const vigie::ir::Campaign& campaign, std::size_t index, Random& random) {
  const int age = draw_age(random);
  const int month = 1 + static_cast<int>(random.below(12));
  const int day = 1 + static_cast<int>(random.below(28));
  // Born after the reference day in the year, the person is one year younger.
  const bool birthday_passed = month < 6 || (month == 6 && day <= 24);
  const vigie::CivilDate birth{kReferenceYear - age - (birthday_passed ? 0 : 1), month, day};

  vigie::Row row;
  row.row_number = index + 2;  // the header is line 1
  for (const vigie::ir::Field& field : campaign.fields) {
    const std::string& name = field.name;
    if (name == "id") {
      std::string digits = std::to_string(index + 1);
      row.values.emplace_back("R" + std::string(digits.size() < 7 ? 7 - digits.size() : 0, '0') +
                              digits);
    } else if (name == "phone") {
      row.values.emplace_back(main_phone(index + 1));
    } else if (name == "phone2") {
      if (random.chance(2500)) {
        row.values.emplace_back(second_phone(random));
      } else {
        row.values.emplace_back(std::monostate{});
      }
    } else if (name == "last_name") {
      row.values.emplace_back(std::string(kLastNames[random.below(std::size(kLastNames))]));
    } else if (name == "first_name") {
      row.values.emplace_back(std::string(kFirstNames[random.below(std::size(kFirstNames))]));
    } else if (name == "birth") {
      row.values.emplace_back(birth);
    } else if (name == "arrondissement") {
      row.values.emplace_back(std::int64_t{draw_arrondissement(random)});
    } else if (name == "lives_alone") {
      // Living alone grows more common with age; 5 % left the field empty.
      if (random.chance(500)) {
        row.values.emplace_back(std::monostate{});
      } else {
        row.values.emplace_back(random.chance(3000 + 40 * (age - 60)));
      }
    } else if (name == "tz") {
      // 8 rows in 10,500 name their zone explicitly, as in the Paris roster.
      if (random.chance(8)) {
        row.values.emplace_back(std::string("Europe/Paris"));
      } else {
        row.values.emplace_back(std::monostate{});
      }
    } else {
      throw std::invalid_argument("the scale benchmark cannot generate field '" + name +
                                  "' of campaign " + campaign.name + "; add it to make_row()");
    }
  }
  return row;
}

vigie::ImportResult make_register(const vigie::ir::Campaign& campaign, std::size_t count) {
  Random random(20190624);
  vigie::ImportResult import;
  import.rows.reserve(count);
  for (std::size_t i = 0; i < count; ++i) import.rows.push_back(make_row(campaign, i, random));
  return import;
}

// The heatwave campaign, compiled once per process.
struct Heatwave {
  vigie::common::SourceManager sources;
  vigie::common::Diagnostics diagnostics;
  vigie::ir::Module module;
  const vigie::ir::Campaign* campaign = nullptr;
  std::unique_ptr<vigie::eval::CompiledCampaign> compiled;
  const date::time_zone* zone = nullptr;
  Instant activation{};
};

const Heatwave& heatwave() {
  static const std::unique_ptr<Heatwave> loaded = [] {
    auto h = std::make_unique<Heatwave>();
    const std::string path = std::string(VIGIE_SOURCE_DIR) + "/campaigns/canicule.vigie";
    h->module = vigie::check::compile_file(path, h->sources, h->diagnostics);
    if (h->diagnostics.has_errors() || h->module.campaigns.empty()) {
      throw std::runtime_error(path + " has errors; run `vigie check` on it");
    }
    h->campaign = &h->module.campaigns.front();
    h->compiled = std::make_unique<vigie::eval::CompiledCampaign>(*h->campaign);
    h->zone = vigie::common::find_zone(h->campaign->timezone);
    // Monday 24 June 2019, 10:00 in Paris: the 48-hour window ends on
    // Wednesday at 10:00, so lines are open 20 hours in all.
    h->activation = vigie::common::to_instant(
        *vigie::common::parse_local_datetime("2019-06-24T10:00"), h->zone);
    return h;
  }();
  return *loaded;
}

// What the simulated dialer needs to draw answers, as `vigie run` builds it.
vigie::ScriptInfo script_of(const vigie::ir::Campaign& campaign) {
  vigie::ScriptInfo script;
  script.campaign = campaign.name;
  for (const vigie::ir::Question& question : campaign.questions) {
    vigie::QuestionInfo info;
    info.id = question.id;
    info.type = static_cast<vigie::QuestionType>(question.kind);
    if (question.kind == vigie::ir::StepKind::yes_no) info.options = {"yes", "no"};
    for (const vigie::ir::Option& option : question.options) info.options.push_back(option.id);
    info.min = question.min;
    info.max = question.max;
    info.integer = question.integer;
    info.optional = question.optional;
    info.conditional = question.condition.has_value();
    script.questions.push_back(std::move(info));
  }
  for (const vigie::ir::Disposition& disposition : campaign.dispositions) {
    if (disposition.name != "unreachable") script.dispositions.push_back(disposition.name);
  }
  return script;
}

std::unique_ptr<vigie::Dialer> make_simulated_dialer(const vigie::ir::Campaign& campaign) {
  vigie::Registry registry;
  vigie_register_dialer_simulated(registry);
  YAML::Node node;
  node["plugin"] = "simulated";
  node["seed"] = 42;
  const vigie::PluginContext context{"dialer", "<scale benchmark>", ".", "."};
  std::unique_ptr<vigie::Dialer> dialer = (*registry.dialer("simulated"))(node, context);
  dialer->start(script_of(campaign));
  return dialer;
}

// Counts events and keeps nothing, so that the cycle's own cost is measured.
class CountingSink final : public vigie::runtime::CycleSink {
 public:
  void attempt(const vigie::runtime::AttemptEvent& event) override {
    ++attempts;
    benchmark::DoNotOptimize(event.disposition);
  }
  void outcome(const vigie::runtime::OutcomeEvent& event) override {
    ++outcomes;
    routes += event.routes.size();
  }

  std::size_t attempts = 0;
  std::size_t outcomes = 0;
  std::size_t routes = 0;
};

// Peak resident set size of the whole process so far, in MiB.
double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Current resident set size, in MiB, from /proc/self/statm (Linux only).
double current_rss_mib() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return static_cast<double>(resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE))) /
         (1024.0 * 1024.0);
}

// CPU time of the whole process so far, in seconds. The machine may be
// shared, so the CPU time of a phase is steadier than its wall time.
double process_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double seconds_between(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double>(end - start).count();
}

// Measurements of one run at scale. Times are wall (`_s`) and process CPU
// (`_cpu_s`) seconds, and memory is resident MiB.
struct ScaleRun {
  double generate_s = 0;
  double roster_s = 0;
  double roster_cpu_s = 0;
  double cycle_s = 0;
  double cycle_cpu_s = 0;
  double rss_generated_mib = 0;
  double rss_roster_mib = 0;
  std::size_t contacts = 0;
  std::size_t excluded = 0;
  CountingSink sink;
  vigie::runtime::CycleStats stats;
};

// Generates `count` rows, then builds the Roster and runs the cycle with
// `lines` lines. Only the Roster and the cycle run while `state` is timing.
ScaleRun run_at_scale(benchmark::State& state, std::size_t count, int lines) {
  const Heatwave& h = heatwave();
  const vigie::ir::Campaign& campaign = *h.campaign;
  ScaleRun run;

  // Generating the register replaces reading the source and is not timed.
  state.PauseTiming();
  const Clock::time_point generate_start = Clock::now();
  const vigie::ImportResult import = make_register(campaign, count);
  std::unique_ptr<vigie::Dialer> dialer = make_simulated_dialer(campaign);
  run.generate_s = seconds_between(generate_start, Clock::now());
  run.rss_generated_mib = current_rss_mib();
  state.ResumeTiming();

  const Clock::time_point roster_start = Clock::now();
  const double roster_cpu_start = process_cpu_seconds();
  const vigie::runtime::Roster roster(campaign, *h.compiled, import, h.zone, h.activation,
                                      /*cycle=*/1);
  const Clock::time_point cycle_start = Clock::now();
  const double cycle_cpu_start = process_cpu_seconds();
  run.rss_roster_mib = current_rss_mib();

  vigie::runtime::VirtualClock clock(h.activation);
  const vigie::runtime::CycleSettings settings{1, h.activation, lines};
  run.stats =
      vigie::runtime::run_cycle(campaign, *h.compiled, roster, *dialer, settings, clock, run.sink);

  run.cycle_s = seconds_between(cycle_start, Clock::now());
  run.cycle_cpu_s = process_cpu_seconds() - cycle_cpu_start;
  run.roster_s = seconds_between(roster_start, cycle_start);
  run.roster_cpu_s = cycle_cpu_start - roster_cpu_start;
  run.contacts = roster.size();
  run.excluded = roster.excluded();
  return run;
}

// Arguments: rows in the register, call lines.
void BM_HeatwaveCycleAtScale(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  const auto lines = static_cast<int>(state.range(1));

  ScaleRun run;
  for (auto _ : state) run = run_at_scale(state, count, lines);

  if (run.sink.attempts != run.stats.attempts || run.sink.outcomes != run.contacts) {
    state.SkipWithError("the sink saw a different number of attempts or outcomes than the stats");
    return;
  }
  const auto unreachable = run.stats.outcomes.find("unreachable");
  state.counters["rows"] = static_cast<double>(count);
  state.counters["contacts"] = static_cast<double>(run.contacts);
  state.counters["excluded"] = static_cast<double>(run.excluded);
  state.counters["attempts"] = static_cast<double>(run.stats.attempts);
  state.counters["useful"] = static_cast<double>(run.stats.useful);
  state.counters["unreachable"] =
      unreachable == run.stats.outcomes.end() ? 0.0 : static_cast<double>(unreachable->second);
  state.counters["routes"] = static_cast<double>(run.sink.routes);
  state.counters["generate_s"] = run.generate_s;
  state.counters["roster_s"] = run.roster_s;
  state.counters["roster_cpu_s"] = run.roster_cpu_s;
  state.counters["cycle_s"] = run.cycle_s;
  state.counters["cycle_cpu_s"] = run.cycle_cpu_s;
  state.counters["rss_generated_MiB"] = run.rss_generated_mib;
  state.counters["rss_roster_MiB"] = run.rss_roster_mib;
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

// Steady state of the dial queue with `n` entries, half ready and half
// waiting. Each iteration is one decision of the cycle runner: advance the
// clock by one second, take the best ready entry and push it back. Every
// other entry comes back due at once, like a short retry delay, and the
// others within the next 2n seconds. By Little's law about n/2 entries then
// stay waiting, and one entry enters the ready set per iteration as one
// leaves it.
void BM_DialQueueDecision(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  const Instant start{std::chrono::seconds{1561363200}};  // 2019-06-24T08:00Z
  Random random(42);
  const auto later = [&](Instant now) {
    return now + std::chrono::seconds{1 + static_cast<std::int64_t>(random.below(2 * n))};
  };

  vigie::schedule::DialQueue queue;
  for (std::uint32_t i = 0; i < n; ++i) {
    const Instant due = i % 2 == 0 ? start : later(start);
    queue.push({i, due, static_cast<double>(65 + random.below(50))});
  }
  Instant now = start;
  queue.advance(now);

  std::uint64_t decisions = 0;
  for (auto _ : state) {
    now += std::chrono::seconds{1};
    queue.advance(now);
    std::optional<vigie::schedule::QueueEntry> entry = queue.pop_ready();
    if (!entry) continue;
    entry->due = ++decisions % 2 == 0 ? now : later(now);
    queue.push(*entry);
  }

  state.SetComplexityN(n);
  state.counters["size"] = static_cast<double>(queue.size());
}

}  // namespace

BENCHMARK(BM_HeatwaveCycleAtScale)
    ->Args({50000, 100})
    ->Args({1000000, 2000})
    ->Iterations(1)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kSecond);

BENCHMARK(BM_DialQueueDecision)
    ->RangeMultiplier(10)
    ->Range(10000, 1000000)
    ->Complexity(benchmark::oLogN)
    ->Unit(benchmark::kNanosecond);

BENCHMARK_MAIN();
