// Kills `vigie run` with SIGKILL at 50 random moments of a replayed run of
// 2,100 people, resumes it each time, and checks that the outputs equal
// those of an uninterrupted run: no attempt recorded twice, none lost, and
// every alert delivered exactly once to the csv_file notifiers.

#include <catch2/catch.hpp>

#include "cli/run_vigie.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

using vigie::testing::start_vigie;
using vigie::testing::wait_for;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

// The register ids, from the generated CSV (first column, header skipped).
std::vector<std::string> ids_of(const fs::path& roster) {
  std::vector<std::string> ids;
  std::istringstream in(read_file(roster));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) ids.push_back(line.substr(0, line.find(';')));
  return ids;
}

// A replay file mixing every path through the retry policy and the routes.
void write_replay(const fs::path& path, const std::vector<std::string>& ids) {
  const std::string calm = "alone=no;visits=daily;health=no;cool_room=yes;water=2;temp=24";
  const std::string urgent =
      "alone=yes;visits=rarely;health=yes;symptoms=confusion|fatigue;cool_room=no;temp=33";
  const std::string social = "alone=yes;visits=rarely;health=no;cool_room=no;temp=26";
  std::ofstream out(path);
  out << "contact_id,attempt,disposition,duration_s,answers,callback_at\n";
  std::set<std::string> seen;  // the generator repeats a few ids on purpose
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string& id = ids[i];
    if (!seen.insert(id).second) continue;
    switch (i % 7) {
      case 0:
        out << id << ",1,no_answer,35,,\n" << id << ",2,completed,300,\"" << calm << "\",\n";
        break;
      case 1:
        out << id << ",1,completed,420,\"" << urgent << "\",\n";
        break;
      case 2:  // never reached: four unanswered attempts, then a home visit
        out << id << ",1,busy,20,,\n" << id << ",2,no_answer,40,,\n";
        out << id << ",3,voicemail,30,,\n" << id << ",4,no_answer,40,,\n";
        break;
      case 3:
        out << id << ",1,refused,45,,\n";
        break;
      case 4:
        out << id << ",1,callback,60,,2019-06-25T11:00\n"
            << id << ",2,completed,360,\"" << social << "\",\n";
        break;
      case 5:
        out << id << ",1,partial,120,\"alone=yes;visits=weekly\",\n"
            << id << ",2,completed,300,\"" << calm << "\",\n";
        break;
      default:
        out << id << ",1,completed,330,\"" << social << "\",\n";
        break;
    }
  }
}

struct Fixture {
  fs::path dir;
  fs::path roster;
  fs::path replay;

  Fixture() {
    dir = fs::temp_directory_path() / ("vigie-resume-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    roster = dir / "register.csv";
    replay = dir / "replay.csv";
    std::string generate =
        std::string(VIGIE_ROSTER_GEN) + " --count 2100 --seed 11 > " + roster.string();
    REQUIRE(std::system(generate.c_str()) == 0);
    write_replay(replay, ids_of(roster));
  }
  ~Fixture() { fs::remove_all(dir); }

  std::vector<std::string> arguments(const fs::path& out) const {
    return {"run",        "campaigns/canicule.vigie",
            "--roster",   roster.string(),
            "--dialer",   "replay:" + replay.string(),
            "--activate", "2019-06-24T10:00",
            "--agents",   "40",
            "--out",      out.string(),
            "--quiet"};
  }
};

const char* const kOutputs[] = {"attempts.csv", "escalations.csv", "summary.json",
                                "rejected_rows.csv"};
const char* const kNotifierFiles[] = {"cellule_urgence.csv", "casvp.csv", "equipe_visites.csv"};

}  // namespace

TEST_CASE("a run killed 50 times and resumed equals an uninterrupted run", "[durability]") {
  Fixture f;

  fs::path reference = f.dir / "reference";
  REQUIRE(wait_for(start_vigie(f.arguments(reference))) == 0);
  // A second run on the finished store does what a resumed run does: time
  // it, so that the kills below land inside runs of that length.
  auto begun = std::chrono::steady_clock::now();
  REQUIRE(wait_for(start_vigie(f.arguments(reference))) == 0);
  auto duration = std::chrono::steady_clock::now() - begun;
  auto span_us = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
  REQUIRE(span_us > 0);

  // Kill at random moments over most of a run's length; a kill that comes
  // after a run finished only ends a resumed run of a finished run. The
  // machine's load varies, so some kills may come too late.
  fs::path killed = f.dir / "killed";
  std::mt19937 random(20190624);
  std::uniform_int_distribution<long long> moment(0, span_us * 4 / 5);
  int interrupted = 0;
  for (int kill = 0; kill < 50; ++kill) {
    pid_t pid = start_vigie(f.arguments(killed));
    std::this_thread::sleep_for(std::chrono::microseconds(moment(random)));
    ::kill(pid, SIGKILL);
    int status = wait_for(pid);
    if (status == -1) ++interrupted;
    INFO("kill " << kill);
    REQUIRE((status == -1 || status == 0));
  }
  REQUIRE(wait_for(start_vigie(f.arguments(killed))) == 0);
  // Enough kills must land inside a run for the test to mean anything.
  CHECK(interrupted >= 20);

  for (const char* name : kOutputs) {
    INFO(name);
    CHECK(read_file(killed / name) == read_file(reference / name));
  }
  for (const char* name : kNotifierFiles) {
    INFO(name);
    // Exactly once each: the same lines as the reference, none twice.
    CHECK(sorted_lines(read_file(killed / name)) == sorted_lines(read_file(reference / name)));
  }
}
