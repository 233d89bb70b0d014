#pragma once
// A throwaway PostgreSQL server for tests: initdb into a temporary folder,
// started on a free port of 127.0.0.1 with its socket in that folder, and
// stopped and removed at exit. PostgreSQL is part of the set-up contract
// (scripts/install-deps.sh installs it), so a missing initdb is an error
// that fails the test, never a silent skip.
//
// initdb and postgres refuse to run as root: when the tests run as root,
// the folder is given to the `postgres` user and every server command runs
// through `runuser -u postgres`.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

namespace vigie::store::test {

class PostgresServer {
 public:
  // Starts a server. `durable` keeps fsync on, for benchmarks that measure
  // commits; tests turn it off to run faster. Throws std::runtime_error
  // naming what is missing or the server's log.
  explicit PostgresServer(bool durable = false) {
    bin_dir_ = find_bin_dir();
    make_folder();
    run_or_throw({bin_dir_ + "/initdb", "-D", data_dir(), "-U", "vigie", "-A", "trust", "--no-sync",
                  "-E", "UTF8", "--locale=C"},
                 "initdb");

    // Another process can take the port between the probe and the start,
    // so try a few ports.
    for (int tries = 0; tries < 3 && port_ == 0; ++tries) {
      const int port = find_free_port();
      std::string options = "-p " + std::to_string(port) + " -k " + folder_.string() +
                            " -c listen_addresses=127.0.0.1";
      if (!durable) options += " -c fsync=off -c synchronous_commit=off";
      const int status = run({bin_dir_ + "/pg_ctl", "-D", data_dir(), "-l", log_path(), "-o",
                              options, "-w", "-t", "30", "start"});
      if (status == 0) port_ = port;
    }
    if (port_ == 0) fail("pg_ctl start failed on three ports");
  }

  ~PostgresServer() {
    if (port_ != 0) run({bin_dir_ + "/pg_ctl", "-D", data_dir(), "-m", "fast", "-w", "stop"});
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }

  // Creates an empty database and returns its store URL.
  std::string create_database() {
    const std::string name = "vigie_test_" + std::to_string(++databases_);
    soci::session admin(*soci::factory_postgresql(), connect_string("postgres"));
    admin << "CREATE DATABASE " + name;
    return "postgresql://" + connect_string(name);
  }

  // libpq key=value pairs for database `name` on this server.
  std::string connect_string(const std::string& name) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + name + " user=vigie";
  }

 private:
  static std::string find_bin_dir() {
    const std::filesystem::path root = "/usr/lib/postgresql";
    std::vector<std::filesystem::path> candidates;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
      if (std::filesystem::exists(entry.path() / "bin" / "initdb")) {
        candidates.push_back(entry.path() / "bin");
      }
    }
    if (candidates.empty()) {
      throw std::runtime_error(
          "PostgreSQL tests need initdb under /usr/lib/postgresql/VERSION/bin, and none was "
          "found; install the postgresql package (scripts/install-deps.sh does)");
    }
    // The newest version sorts last ("13" < "15").
    std::sort(candidates.begin(), candidates.end());
    return candidates.back().string();
  }

  void make_folder() {
    static int counter = 0;
    folder_ = std::filesystem::temp_directory_path() /
              ("vigie-pg-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    if (::geteuid() != 0) return;

    const passwd* postgres = ::getpwnam("postgres");
    if (postgres == nullptr) {
      throw std::runtime_error(
          "PostgreSQL tests run as root need the 'postgres' user to run initdb, and it does not "
          "exist; install the postgresql package or run the tests as another user");
    }
    if (::chown(folder_.c_str(), postgres->pw_uid, postgres->pw_gid) != 0) {
      throw std::runtime_error("cannot give " + folder_.string() +
                               " to user postgres: " + std::strerror(errno));
    }
    run_as_postgres_ = true;
  }

  static int find_free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    const bool bound = fd >= 0 &&
                       ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                       ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    if (fd >= 0) ::close(fd);
    if (!bound) throw std::runtime_error("cannot find a free port on 127.0.0.1");
    return ntohs(address.sin_port);
  }

  // Runs `argv` with its output appended to the fixture's command log, as
  // the postgres user when the tests run as root. Returns the exit status.
  int run(std::vector<std::string> argv) const {
    if (run_as_postgres_) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
    const std::string output = (folder_ / "commands.log").string();

    const pid_t child = ::fork();
    if (child == 0) {
      const int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
      }
      std::vector<char*> args;
      for (std::string& arg : argv) args.push_back(arg.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    int status = 0;
    if (child < 0 || ::waitpid(child, &status, 0) < 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void run_or_throw(const std::vector<std::string>& argv, const std::string& step) const {
    if (run(argv) != 0) fail(step + " failed");
  }

  [[noreturn]] void fail(const std::string& what) const {
    std::ostringstream logs;
    for (const std::string& name : {std::string("commands.log"), std::string("server.log")}) {
      std::ifstream file(folder_ / name);
      if (file) logs << "\n--- " << name << "\n" << file.rdbuf();
    }
    throw std::runtime_error("cannot start the test PostgreSQL server in " + folder_.string() +
                             ": " + what + logs.str());
  }

  std::string data_dir() const { return (folder_ / "data").string(); }
  std::string log_path() const { return (folder_ / "server.log").string(); }

  std::string bin_dir_;
  std::filesystem::path folder_;
  bool run_as_postgres_ = false;
  int port_ = 0;
  int databases_ = 0;
};

// The server shared by the tests of one test program, started on first use
// and stopped at exit. A failed start throws again at every use, so every
// PostgreSQL test fails with the reason.
inline PostgresServer& shared_postgres() {
  static std::unique_ptr<PostgresServer> server;
  static std::string start_error;
  if (server) return *server;
  if (!start_error.empty()) throw std::runtime_error(start_error);
  try {
    server = std::make_unique<PostgresServer>();
  } catch (const std::exception& error) {
    start_error = error.what();
    throw;
  }
  return *server;
}

}  // namespace vigie::store::test
