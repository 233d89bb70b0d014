// End-to-end: a replayed cycle whose attempts, times, outcomes and routes
// are all known in advance.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runtime/run.hpp"

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path fresh_dir(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / ("vigie-e2e-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

vigie::runtime::RunOptions mini_options(const fs::path& out) {
  ::setenv("VIGIE_PLUGIN_PATH", VIGIE_PLUGIN_DIR, 0);
  vigie::runtime::RunOptions options;
  options.campaign_path = "tests/e2e/data/mini.vigie";
  options.roster_path = "tests/e2e/data/mini.csv";
  options.dialer = "replay:tests/e2e/data/mini_replay.csv";
  options.activate = "2019-06-28T17:00";  // a Friday, two hours before closing
  options.out_dir = out.string();
  return options;
}

}  // namespace

TEST_CASE("replay run writes the expected attempts", "[e2e]") {
  fs::path out = fresh_dir("attempts");
  vigie::runtime::run_campaign(mini_options(out));

  CHECK(read_file(out / "attempts.csv") ==
        "cycle,contact_id,attempt,start,end,disposition\n"
        "1,A001,1,2019-06-28T17:00:00+02:00,2019-06-28T17:05:00+02:00,completed\n"
        "1,A002,1,2019-06-28T17:00:00+02:00,2019-06-28T17:00:30+02:00,no_answer\n"
        "1,A003,1,2019-06-28T17:00:00+02:00,2019-06-28T17:00:30+02:00,no_answer\n"
        "1,A004,1,2019-06-28T17:00:00+02:00,2019-06-28T17:00:45+02:00,refused\n"
        "1,A005,1,2019-06-28T17:00:00+02:00,2019-06-28T17:01:00+02:00,callback\n"
        "1,A002,2,2019-06-29T10:00:00+02:00,2019-06-29T10:00:20+02:00,busy\n"
        "1,A003,2,2019-06-29T10:00:00+02:00,2019-06-29T10:00:30+02:00,no_answer\n"
        "1,A005,2,2019-06-29T10:00:00+02:00,2019-06-29T10:03:20+02:00,completed\n"
        "1,A002,3,2019-06-29T10:30:20+02:00,2019-06-29T10:34:20+02:00,completed\n"
        "1,A003,3,2019-06-29T12:00:30+02:00,2019-06-29T12:01:00+02:00,no_answer\n");
  fs::remove_all(out);
}

TEST_CASE("replay run writes the expected escalations", "[e2e]") {
  fs::path out = fresh_dir("escalations");
  vigie::runtime::run_campaign(mini_options(out));

  CHECK(read_file(out / "escalations.csv") ==
        "cycle,route,contact_id,due,risk\n"
        "1,urgence,A001,2019-06-28T18:05:00+02:00,13\n"
        "1,visite,A003,2019-06-29T16:01:00+02:00,0\n"
        "1,social,A002,2019-06-30T10:34:20+02:00,5\n");

  // Each route also reached its csv_file notifier in the output folder.
  CHECK(fs::exists(out / "cellule.csv"));
  CHECK(fs::exists(out / "casvp.csv"));
  CHECK(fs::exists(out / "visites.csv"));
  fs::remove_all(out);
}

TEST_CASE("replay run summary counts outcomes and rejected rows", "[e2e]") {
  fs::path out = fresh_dir("summary");
  vigie::runtime::run_campaign(mini_options(out));

  auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  CHECK(summary["campaign"] == "mini");
  REQUIRE(summary["cycles"].size() == 1);
  const auto& cycle = summary["cycles"][0];
  CHECK(cycle["cycle"] == 1);
  CHECK(cycle["start"] == "2019-06-28T17:00:00+02:00");
  CHECK(cycle["contacts"] == 5);
  CHECK(cycle["rejected_rows"] == 3);
  CHECK(cycle["excluded_by_audience"] == 1);
  CHECK(cycle["attempts"] == 10);
  CHECK(cycle["outcomes"] ==
        nlohmann::json({{"completed", 3}, {"refused", 1}, {"unreachable", 1}}));
  CHECK(cycle["useful"] == 3);
  CHECK(cycle["useful_rate"] == Approx(0.6));
  CHECK(cycle["routes"] == nlohmann::json({{"social", 1}, {"urgence", 1}, {"visite", 1}}));
  CHECK(cycle["first_call_at"] == "2019-06-28T17:00:00+02:00");
  CHECK(cycle["start_within"]["met"] == true);
  CHECK(cycle["target"]["met"] == true);
  CHECK(summary["totals"]["attempts"] == 10);
  CHECK(summary["totals"]["useful"] == 3);

  std::string rejected = read_file(out / "rejected_rows.csv");
  CHECK(rejected.find("1,8,id,A002,") != std::string::npos);
  CHECK(rejected.find("1,9,phone,12,") != std::string::npos);
  CHECK(rejected.find("1,10,birth,31/02/1939,") != std::string::npos);
  fs::remove_all(out);
}

TEST_CASE("replay run with one line never overlaps calls", "[e2e]") {
  fs::path out = fresh_dir("one-line");
  auto options = mini_options(out);
  options.agents = 1;
  vigie::runtime::run_campaign(options);

  std::istringstream attempts(read_file(out / "attempts.csv"));
  std::string line;
  std::getline(attempts, line);  // header
  std::vector<std::vector<std::string>> rows;
  while (std::getline(attempts, line)) {
    std::vector<std::string> cells;
    std::istringstream cells_in(line);
    for (std::string cell; std::getline(cells_in, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }

  REQUIRE(rows.size() == 10);
  // The oldest person (A005, born 1929) has the highest priority and goes first.
  CHECK(rows[0][1] == "A005");
  CHECK(rows[0][3] == "2019-06-28T17:00:00+02:00");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    // Same offset all weekend, so ISO strings compare like instants.
    INFO("attempt row " << i);
    CHECK(rows[i][3] >= rows[i - 1][4]);
  }
  fs::remove_all(out);
}

TEST_CASE("replay run never calls a deceased person again", "[e2e]") {
  fs::path out = fresh_dir("deceased");
  auto options = mini_options(out);
  options.dialer = "replay:tests/e2e/data/mini_replay_deceased.csv";
  options.cycles = 2;
  vigie::runtime::run_campaign(options);

  auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  REQUIRE(summary["cycles"].size() == 2);
  CHECK(summary["cycles"][0]["contacts"] == 5);
  CHECK(summary["cycles"][0]["outcomes"]["deceased"] == 1);
  CHECK(summary["cycles"][1]["contacts"] == 4);
  CHECK(summary["cycles"][1]["skipped_deceased"] == 1);
  // Without `recontact every`, cycle 2 starts when cycle 1's window ends.
  CHECK(summary["cycles"][1]["start"] == "2019-06-30T17:00:00+02:00");

  std::string attempts = read_file(out / "attempts.csv");
  CHECK(attempts.find("1,A001,1,") != std::string::npos);
  CHECK(attempts.find("2,A001,") == std::string::npos);
  CHECK(attempts.find("2,A002,1,") != std::string::npos);
  fs::remove_all(out);
}
