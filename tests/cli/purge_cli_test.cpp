// `vigie purge` from the command line.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "cli/run_vigie.hpp"

namespace fs = std::filesystem;
using vigie::testing::Result;
using vigie::testing::run_vigie;

TEST_CASE("vigie purge empties a finished run's cycles", "[cli][purge]") {
  fs::path out = fs::temp_directory_path() / ("vigie-cli-purge-" + std::to_string(::getpid()));
  fs::remove_all(out);
  Result run = run_vigie("run campaigns/canicule.vigie --roster examples/rosters/sample_20.csv "
                         "--activate 2019-06-24T10:00 --seed 7 --quiet --out " +
                         out.string());
  REQUIRE(run.status == 0);

  Result purge = run_vigie("purge --before 2019-07-01 --out " + out.string(), true);
  CHECK(purge.status == 0);
  CHECK(purge.output.find("purged 1 cycle ended before 2019-07-01") != std::string::npos);

  // The purged run cannot be resumed: that would store the data again.
  Result again = run_vigie("run campaigns/canicule.vigie --roster examples/rosters/sample_20.csv "
                           "--activate 2019-06-24T10:00 --seed 7 --quiet --out " +
                           out.string());
  CHECK(again.status == 2);
  CHECK(again.output.find("vigie purge removed the personal data") != std::string::npos);
  fs::remove_all(out);
}

TEST_CASE("vigie purge refuses a missing store and a bad date", "[cli][purge]") {
  Result missing = run_vigie("purge --before 2019-07-01 --store /nonexistent/vigie.db");
  CHECK(missing.status == 2);
  CHECK(missing.output.find("no store at '/nonexistent/vigie.db'") != std::string::npos);

  Result date = run_vigie("purge --before 01/07/2019 --out /tmp");
  CHECK(date.status == 2);
  CHECK(date.output.find("invalid --before '01/07/2019'") != std::string::npos);
}
