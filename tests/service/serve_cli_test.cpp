// The `vigie serve` and `vigie passwd` commands, run as processes.

#include <signal.h>

#include <chrono>
#include <thread>

#include "cli/run_vigie.hpp"
#include "service/api_helpers.hpp"
#include "store/store.hpp"

using namespace vigie::testing;

namespace {

// Waits for the port file that `vigie serve` writes once it listens.
int wait_for_port(const fs::path& data, pid_t pid, const std::string& log) {
  for (int i = 0; i < 300; ++i) {
    std::ifstream in(data / "port");
    int port = 0;
    if (in >> port && port > 0) return port;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      std::ifstream text(log);
      FAIL("vigie serve exited early: " << std::string(std::istreambuf_iterator<char>(text), {}));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("vigie serve wrote no port file");
  return 0;
}

// Runs a shell command line; returns its status and standard output.
Result run_vigie_shell(const std::string& command) {
  Result result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
    result.output += buffer.data();
  }
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string file_text(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The last 8 digits of each phone number of the sample register, and each
// name of 4 letters or more: none may appear in a log.
std::vector<std::string> personal_data_of_sample() {
  std::ifstream in(std::string(VIGIE_SOURCE_DIR) + "/examples/rosters/sample_20.csv");
  std::string line;
  std::getline(in, line);  // id;phone;phone2;last_name;first_name;...
  std::vector<std::string> values;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ';')) cells.push_back(cell);
    for (std::size_t column : {1u, 2u}) {
      std::string digits;
      for (char c : cells.at(column)) {
        if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
      }
      if (digits.size() >= 8) values.push_back(digits.substr(digits.size() - 8));
    }
    for (std::size_t column : {3u, 4u}) {
      if (cells.at(column).size() >= 4) values.push_back(cells.at(column));
    }
  }
  return values;
}

}  // namespace

TEST_CASE("vigie passwd prints an Argon2id hash", "[service][cli]") {
  const auto hashed = run_vigie("passwd < " + write_temp("vigie-passwd.txt", "s3cret\n"),
                                /*stdout_only=*/true);
  CHECK(hashed.status == 0);
  REQUIRE(hashed.output.size() > 1);
  const std::string hash = hashed.output.substr(0, hashed.output.size() - 1);
  CHECK(vigie::service::verify_password(hash, "s3cret"));
  CHECK_FALSE(vigie::service::verify_password(hash, "s3cret\n"));

  const auto empty = run_vigie("passwd < " + write_temp("vigie-passwd-empty.txt", "\n"));
  CHECK(empty.status == 2);
  CHECK(empty.output == "vigie: the password is empty; choose a non-empty one\n");
  const auto none = run_vigie("passwd < /dev/null");
  CHECK(none.status == 2);
  const auto spaces = run_vigie("passwd < " + write_temp("vigie-passwd-spaces.txt", "    \n"));
  CHECK(spaces.status == 2);
  CHECK(spaces.output == "vigie: the password has only spaces; choose one with other characters\n");
}

TEST_CASE("vigie serve prints config errors with their position", "[service][cli]") {
  const fs::path folder = fresh_folder("cli-config");
  std::string text = serve_config(folder);
  text.replace(text.find("  threads: 8"), 12, "  threads: many");
  std::ofstream(folder / "serve.yaml") << text;

  const auto result = run_vigie("serve --config " + (folder / "serve.yaml").string());
  CHECK(result.status == 2);
  CHECK(result.output ==
        (folder / "serve.yaml").string() + ":16:12: threads must be a whole number, got 'many'\n");

  const auto missing = run_vigie("serve --config " + (folder / "none.yaml").string());
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, Catch::Contains("none.yaml: No such file; check the path"));
}

TEST_CASE("vigie serve stops on SIGTERM without losing a call", "[service][cli]") {
  const fs::path folder = fresh_folder("cli-sigterm");
  // The demo clock opens calling hours whatever the real time.
  std::ofstream(folder / "serve.yaml")
      << serve_config(folder, "  clock: {start: \"2019-06-24T10:00\", speed: 1}\n", "4s");
  const std::string log = (folder / "serve.log").string();
  const pid_t pid = start_vigie({"serve", "--config", (folder / "serve.yaml").string()}, log);
  const int port = wait_for_port(folder / "data", pid, log);

  Client supervisor(port);
  supervisor.login_as("superviseur");
  REQUIRE(supervisor.post("/api/alerts", {{"name", "canicule"}, {"level", 3}})->status == 200);
  Client first(port);
  first.login_as("agent1");
  Client second(port);
  second.login_as("agent2");

  // Work through every kind of read before stopping, for the log check.
  const Json early = take_contact(first);
  REQUIRE(first
              .post("/api/desk/settle", {{"token", early["token"]},
                                         {"contact_id", early["people"][0]["contact_id"]},
                                         {"answers", urgent_answers()}})
              ->status == 200);
  submit(first, early, "completed", urgent_answers());
  Client team(port);
  team.login_as("urgence");
  REQUIRE(team.get("/api/desk/alerts")->status == 200);
  REQUIRE(supervisor.get("/api/campaigns/canicule/export/attempts.csv")->status == 200);
  REQUIRE(supervisor.get("/api/status")->status == 200);
  REQUIRE(first.login("agent1", "guess-7f3a9")->status == 401);
  first.login_as("agent1");

  const Json kept = take_contact(first);
  const Json dropped = take_contact(second);

  REQUIRE(::kill(pid, SIGTERM) == 0);
  // Stopping: health is 503 and no contact is handed out.
  bool stopping = false;
  for (int i = 0; i < 50 && !stopping; ++i) {
    auto health = supervisor.get("/healthz");
    stopping = health && health->status == 503;
    if (!stopping) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(stopping);
  auto refused = first.post("/api/desk/next");
  REQUIRE(refused);
  CHECK(refused->status == 503);

  // Within the grace, an open hold is still submitted.
  const Json decisions = submit(first, kept, "completed", social_answers());
  CHECK(decisions[0]["final"] == true);

  CHECK(wait_for(pid) == 0);
  const std::string log_text = file_text(log);
  INFO(log_text);
  CHECK_THAT(log_text, Catch::Contains("\"msg\":\"stop signal received\",\"signal\":\"SIGTERM\""));
  CHECK_THAT(log_text, Catch::Contains("\"msg\":\"vigie serve stopped\",\"holds_released\":1"));

  auto store = vigie::store::Store::open((folder / "data" / "canicule.db").string());
  store->select_campaign("canicule");
  std::map<std::string, std::string> dispositions;
  for (const auto& attempt : store->attempts(1))
    dispositions[attempt.contact_id] = attempt.disposition;
  CHECK(dispositions[kept["people"][0]["contact_id"].get<std::string>()] == "completed");
  CHECK(dispositions[dropped["people"][0]["contact_id"].get<std::string>()] == "failed");
  CHECK(dispositions[early["people"][0]["contact_id"].get<std::string>()] == "completed");

  // Every log line is a JSON object, and none holds personal data.
  std::istringstream lines(log_text);
  std::string line;
  while (std::getline(lines, line)) {
    INFO(line);
    CHECK_NOTHROW(Json::parse(line));
  }
  for (const std::string& value : personal_data_of_sample()) {
    INFO(value);
    CHECK(log_text.find(value) == std::string::npos);
  }
  CHECK(log_text.find("agent1-pw") == std::string::npos);
  CHECK(log_text.find("guess-7f3a9") == std::string::npos);
  CHECK(log_text.find(first.csrf()) == std::string::npos);
  CHECK(log_text.find(first.cookie().substr(first.cookie().find('=') + 1)) == std::string::npos);
}

TEST_CASE("vigie passwd on a terminal asks twice without echo", "[service][cli]") {
  // script(1) runs the command on a pseudo-terminal. The pauses let each
  // prompt turn echo off before the line arrives, since turning it off
  // discards typed-ahead input.
  const std::string terminal =
      "script -qec \"" + std::string(VIGIE_EXECUTABLE) + " passwd\" /dev/null";
  const auto same = run_vigie_shell(
      "(sleep 2; printf 'tty-s3cret\\n'; sleep 2; printf 'tty-s3cret\\n') | " + terminal);
  CHECK(same.status == 0);
  CHECK_THAT(same.output, Catch::Contains("Password: "));
  CHECK_THAT(same.output, Catch::Contains("Repeat the password: "));
  CHECK(same.output.find("tty-s3cret") == std::string::npos);
  const std::size_t hash_at = same.output.find("$argon2id$");
  REQUIRE(hash_at != std::string::npos);
  const std::string hash =
      same.output.substr(hash_at, same.output.find_first_of("\r\n", hash_at) - hash_at);
  CHECK(vigie::service::verify_password(hash, "tty-s3cret"));

  const auto different =
      run_vigie_shell("(sleep 2; printf 'one\\n'; sleep 2; printf 'two\\n') | " + terminal);
  CHECK(different.status == 2);
  CHECK_THAT(different.output,
             Catch::Contains("vigie: the two passwords differ; run vigie passwd again"));
  CHECK(different.output.find("$argon2id$") == std::string::npos);

  // An empty first answer ends at once, without the second prompt.
  const auto empty = run_vigie_shell("(sleep 2; printf '\\n'; sleep 2) | " + terminal);
  CHECK(empty.status == 2);
  CHECK_THAT(empty.output, Catch::Contains("vigie: the password is empty"));
  CHECK(empty.output.find("Repeat the password: ") == std::string::npos);
}

TEST_CASE("vigie serve locks its data folder", "[service][cli]") {
  const fs::path folder = fresh_folder("cli-lock");
  std::ofstream(folder / "serve.yaml") << serve_config(folder);
  const std::string log = (folder / "serve.log").string();
  const pid_t first = start_vigie({"serve", "--config", (folder / "serve.yaml").string()}, log);
  wait_for_port(folder / "data", first, log);

  // Without the lock the second process would serve; the timeout ends it.
  const auto second =
      run_vigie_shell("timeout 30 " + std::string(VIGIE_EXECUTABLE) + " serve --config " +
                      (folder / "serve.yaml").string() + " 2>&1");
  CHECK(second.status == 2);
  CHECK_THAT(second.output,
             Catch::Contains("another vigie serve (pid " + std::to_string(first) +
                             ") is using the data folder " + (folder / "data").string()));

  REQUIRE(::kill(first, SIGTERM) == 0);
  CHECK(wait_for(first) == 0);
  // Once the first process has stopped, the folder is free again. The port
  // file of the first would make wait_for_port return at once.
  fs::remove(folder / "data" / "port");
  const pid_t third = start_vigie({"serve", "--config", (folder / "serve.yaml").string()}, log);
  wait_for_port(folder / "data", third, log);
  REQUIRE(::kill(third, SIGTERM) == 0);
  CHECK(wait_for(third) == 0);
}

TEST_CASE("vigie serve creates files for its user only", "[service][cli]") {
  const fs::path folder = fresh_folder("cli-umask");
  // An idle timeout above the session timeout also checks that warnings reach the log.
  std::ofstream(folder / "serve.yaml")
      << serve_config(folder, "  session_timeout: 1h\n  idle_timeout: 2h\n");
  const std::string log = (folder / "serve.log").string();
  const pid_t pid = start_vigie({"serve", "--config", (folder / "serve.yaml").string()}, log);
  wait_for_port(folder / "data", pid, log);

  const fs::path store = folder / "data" / "canicule.db";
  REQUIRE(fs::exists(store));
  CHECK(fs::status(store).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  for (const auto& entry : fs::directory_iterator(folder / "data")) {
    INFO(entry.path());
    CHECK((entry.status().permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
          fs::perms::none);
  }
  REQUIRE(::kill(pid, SIGTERM) == 0);
  CHECK(wait_for(pid) == 0);
  CHECK_THAT(file_text(log), Catch::Contains("\"msg\":\"config warning\",\"warning\":\"" +
                                             (folder / "serve.yaml").string() +
                                             ":19:17: idle_timeout is longer than"));
}

namespace {

// The serve config of `folder` with the register read from `roster`.
std::string config_with_roster(const fs::path& folder, const fs::path& roster) {
  std::string text = serve_config(folder);
  const std::string sample = std::string(VIGIE_SOURCE_DIR) + "/examples/rosters/sample_20.csv";
  text.replace(text.find(sample), sample.size(), roster.string());
  return text;
}

}  // namespace

TEST_CASE("vigie serve stops when a register is unreadable", "[service][cli]") {
  const fs::path folder = fresh_folder("cli-no-register");
  std::ofstream(folder / "serve.yaml") << config_with_roster(folder, folder / "missing.csv");

  const auto result = run_vigie("serve --config " + (folder / "serve.yaml").string());
  CHECK(result.status == 2);
  CHECK_THAT(result.output, Catch::Contains("missing.csv"));
  CHECK_FALSE(fs::exists(folder / "data" / "port"));
}

TEST_CASE("api alerts report cycles that fail to start", "[service][cli]") {
  const fs::path folder = fresh_folder("cli-cycle-failed");
  const fs::path roster = folder / "roster.csv";
  fs::copy_file(std::string(VIGIE_SOURCE_DIR) + "/examples/rosters/sample_20.csv", roster);
  std::ofstream(folder / "serve.yaml") << config_with_roster(folder, roster);
  const std::string log = (folder / "serve.log").string();
  const pid_t pid = start_vigie({"serve", "--config", (folder / "serve.yaml").string()}, log);
  const int port = wait_for_port(folder / "data", pid, log);

  // The register disappears after the start check.
  fs::remove(roster);
  Client supervisor(port);
  supervisor.login_as("superviseur");
  const Json raised = body_of(supervisor.post("/api/alerts", {{"name", "canicule"}, {"level", 3}}));
  CHECK(raised["cycles_started"].empty());
  REQUIRE(raised["cycles_failed"].size() == 1);
  CHECK(raised["cycles_failed"][0]["campaign"] == "canicule");
  CHECK_THAT(raised["cycles_failed"][0]["message"].get<std::string>(),
             Catch::Contains("roster.csv"));

  REQUIRE(::kill(pid, SIGTERM) == 0);
  CHECK(wait_for(pid) == 0);
}
