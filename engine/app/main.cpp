// The `vigie` command line: check campaigns, run them one-shot.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Vigie runs crisis phone campaigns written in the Vigie language."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vigie 0.1.0");

  vigie::app::CheckCommand check;
  CLI::App* check_cmd =
      app.add_subcommand("check", "Check campaign files and print their diagnostics");
  check_cmd->add_option("files", check.files, "Campaign files (.vigie)")->required();

  vigie::app::CheckCommand test;
  CLI::App* test_cmd = app.add_subcommand("test", "Run the test blocks of campaign files");
  test_cmd->add_option("files", test.files, "Campaign files (.vigie)")->required();

  vigie::runtime::RunOptions run;
  bool quiet = false;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a campaign one-shot on a virtual clock");
  run_cmd->add_option("campaign", run.campaign_path, "Campaign file (.vigie)")->required();
  run_cmd->add_option("--campaign", run.campaign_name,
                      "Campaign name, when the file declares several");
  run_cmd->add_option("--config", run.config_path,
                      "Engine config (YAML); default: the embedded config");
  run_cmd->add_option("--roster", run.roster_path, "Register CSV for the campaign's csv source");
  run_cmd->add_option("--dialer", run.dialer,
                      "simulated, or replay:FILE to replay outcomes from a CSV");
  run_cmd->add_option("--agents", run.agents, "Number of call lines (agents)")
      ->check(CLI::Range(1, 100000));
  run_cmd->add_option("--seed", run.seed, "Seed of the simulated dialer (0 or more)")
      ->check(CLI::NonNegativeNumber);
  run_cmd->add_option(
      "--activate", run.activate,
      "Alert activation, local to the campaign's time zone: YYYY-MM-DDTHH:MM (default: now)");
  run_cmd->add_option("--cycles", run.cycles, "Number of successive cycles to run")
      ->check(CLI::Range(1, 1000));
  run_cmd->add_option("--out", run.out_dir, "Output folder")->capture_default_str();
  run_cmd->add_flag("--quiet", quiet, "No progress bar and no log lines");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version exit 0; every command-line mistake exits 2.
    int status = app.exit(error);
    return status == 0 ? 0 : 2;
  }

  // Logs go to stderr so that stdout holds only the command's output.
  auto logger = spdlog::stderr_color_mt("vigie");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::warn);

  if (*check_cmd) return vigie::app::run_check(check, std::cout, std::cerr);
  if (*test_cmd) return vigie::app::run_tests(test, std::cout, std::cerr);
  if (*run_cmd) {
    if (quiet) spdlog::set_level(spdlog::level::err);
    bool progress = !quiet && isatty(STDERR_FILENO) != 0;
    return vigie::app::run_run(run, progress, std::cout, std::cerr);
  }
  return 2;
}
