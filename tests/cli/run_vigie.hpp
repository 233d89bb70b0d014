#pragma once
// Runs the built `vigie` executable for the command-line tests.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace vigie::testing {

struct Result {
  int status = -1;     // exit status, -1 when killed by a signal
  std::string output;  // stdout, and stderr unless the run asked for stdout only
};

// Runs `vigie ARGUMENTS` without VIGIE_PLUGIN_PATH, so that the tests show
// the executable finding the plugins built beside it with no configuration.
inline Result run_vigie(const std::string& arguments, bool stdout_only = false) {
  std::string command = "env -u VIGIE_PLUGIN_PATH " + std::string(VIGIE_EXECUTABLE) + " " +
                        arguments + (stdout_only ? " 2>/dev/null" : " 2>&1");
  Result result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
    result.output += buffer.data();
  }
  int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Writes `text` to a file of that name in the temporary folder.
inline std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

// Starts `vigie ARGUMENTS` in the background with its standard output and
// error written to `log` ("/dev/null" to drop them); returns its pid.
inline pid_t start_vigie(const std::vector<std::string>& arguments,
                         const std::string& log = "/dev/null") {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    std::vector<char*> argv;
    std::string program = VIGIE_EXECUTABLE;
    argv.push_back(program.data());
    std::vector<std::string> copies = arguments;
    for (std::string& argument : copies) argv.push_back(argument.data());
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits for a process started by start_vigie; returns its exit status, or
// -1 when a signal killed it.
inline int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace vigie::testing
