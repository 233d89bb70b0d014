#pragma once
// Runs the built `vigie` executable for the command-line tests.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

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

}  // namespace vigie::testing
