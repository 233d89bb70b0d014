// End-to-end: when a run resumes and when it refuses to, and what a run
// does with alerts it cannot deliver.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/run.hpp"
#include "sample_run.hpp"
#include "store/store.hpp"

namespace fs = std::filesystem;
using namespace vigie;

namespace {

using testing::fresh_dir;
using testing::sample_options;

}  // namespace

TEST_CASE("run resumes the same campaign given by another path", "[e2e][resume]") {
  fs::path dir = fresh_dir("resume-rules-path");
  fs::create_directories(dir / "copy" / "common");
  fs::copy_file("campaigns/canicule.vigie", dir / "copy" / "canicule.vigie");
  fs::copy_file("campaigns/common/paris.vigie", dir / "copy" / "common" / "paris.vigie");
  runtime::RunOptions options = sample_options(dir / "out");

  runtime::RunReport first = runtime::run_campaign(options);
  options.campaign_path = (dir / "copy" / "canicule.vigie").string();
  runtime::RunReport second = runtime::run_campaign(options);

  CHECK_FALSE(first.resumed);
  CHECK(second.resumed);
  CHECK(second.replayed_records > 0);
}

TEST_CASE("run names the option that makes another run", "[e2e][resume]") {
  fs::path dir = fresh_dir("resume-rules-seed");
  runtime::RunOptions options = sample_options(dir / "out");
  runtime::run_campaign(options);

  options.seed = 8;
  CHECK_THROWS_WITH(
      runtime::run_campaign(options),
      Catch::Contains("contains another run (it contains dialer seed: 7 where this run "
                      "has dialer seed: 8)") &&
          Catch::Contains("give another --out folder"));
}

TEST_CASE("run refuses to resume a purged run", "[e2e][resume]") {
  fs::path dir = fresh_dir("resume-rules-purged");
  runtime::RunOptions options = sample_options(dir / "out");
  runtime::run_campaign(options);
  {
    auto store = store::Store::open((dir / "out" / "vigie.db").string());
    auto purge = store->purge_closed_cycles(common::Instant{std::chrono::hours{24 * 365 * 60}});
    REQUIRE(purge.purged.size() == 1);
  }

  CHECK_THROWS_WITH(runtime::run_campaign(options),
                    Catch::Contains("vigie purge removed the personal data of cycle 1"));
}

TEST_CASE("run refuses notifier files an earlier run left without its store", "[e2e][resume]") {
  fs::path dir = fresh_dir("resume-rules-stale");
  runtime::RunOptions options = sample_options(dir / "out");
  runtime::run_campaign(options);
  fs::remove(dir / "out" / "vigie.db");

  CHECK_THROWS_WITH(runtime::run_campaign(options),
                    Catch::Contains("contains cellule_urgence.csv from an earlier run"));
}

TEST_CASE("run refuses an output folder another run is using", "[e2e][resume]") {
  fs::path dir = fresh_dir("resume-rules-lock");
  fs::create_directories(dir / "out");
  int fd = ::open((dir / "out" / ".vigie.lock").c_str(), O_RDWR | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);

  CHECK_THROWS_WITH(runtime::run_campaign(sample_options(dir / "out")),
                    Catch::Contains("another vigie run is using the output folder"));
  ::close(fd);
}

TEST_CASE("run keeps undelivered alerts and does not wait on a dead notifier", "[e2e][outbox]") {
  fs::path dir = fresh_dir("resume-rules-dead");
  // A webhook on a loopback port nothing listens on: every delivery fails.
  fs::path config = dir / "vigie.yaml";
  std::ofstream(config) << "sources:\n  registre:\n    plugin: csv\n    path: "
                        << fs::absolute("tests/e2e/data/mini.csv").string()
                        << "\ndialer:\n  plugin: replay\n  file: "
                        << fs::absolute("tests/e2e/data/mini_replay.csv").string()
                        << "\nnotifiers:\n"
                           "  cellule:\n    plugin: webhook\n"
                           "    url: http://127.0.0.1:9/alerts\n    secret: s3cret\n"
                           "    timeout_s: 0.2\n    max_attempts: 2\n"
                           "    backoff: {initial_ms: 50, factor: 2, max_ms: 100}\n"
                           "  casvp:\n    plugin: csv_file\n"
                           "  visites:\n    plugin: csv_file\n";
  runtime::RunOptions options;
  options.campaign_path = "tests/e2e/data/mini.vigie";
  options.config_path = config.string();
  options.activate = "2019-06-28T17:00";
  options.out_dir = (dir / "out").string();

  auto begun = std::chrono::steady_clock::now();
  runtime::RunReport report = runtime::run_campaign(options);
  auto took = std::chrono::steady_clock::now() - begun;

  REQUIRE(report.cycles.size() == 1);
  const auto& routes = report.cycles[0].stats.routes;
  REQUIRE(routes.count("urgence") == 1);
  REQUIRE(routes.at("urgence") >= 1);
  // Every urgent alert stays in the outbox; the dead notifier is tried once
  // during the cycle and once at its end, not once per alert.
  CHECK(report.cycles[0].undelivered_alerts == routes.at("urgence"));
  CHECK(took < std::chrono::seconds(5));
  auto store = store::Store::open((dir / "out" / "vigie.db").string());
  store->begin_cycle("mini", 1, report.cycles[0].stats.start);
  CHECK(store->pending_alerts(1).size() == routes.at("urgence"));
}
