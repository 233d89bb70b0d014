// The `vigie` command line: check campaigns, explain their rules, run them one-shot
// or live as a service.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/commands.hpp"
#include "app/fmt_command.hpp"
#include "app/import_command.hpp"
#include "app/purge_command.hpp"
#include "app/serve_command.hpp"
#include "app/work_command.hpp"

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

  vigie::app::FmtCommand fmt;
  CLI::App* fmt_cmd = app.add_subcommand("fmt", "Rewrite campaign files in the canonical layout");
  fmt_cmd->add_option("files", fmt.files, "Campaign files (.vigie)")->required();
  fmt_cmd->add_flag("--check", fmt.check,
                    "Write nothing; list the files that are not formatted and exit 1 if any");

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
  CLI::Option* cycles_opt =
      run_cmd->add_option("--cycles", run.cycles, "Number of successive cycles to run")
          ->check(CLI::Range(1, 1000));
  run_cmd
      ->add_option("--alert-until", run.alert_until,
                   "End of the alert, local to the campaign's time zone: YYYY-MM-DDTHH:MM; "
                   "cycles start every `recontact every` until then")
      ->excludes(cycles_opt);
  run_cmd->add_option("--alert-level", run.alert_level,
                      "Level of the alert, checked against the campaign's trigger line");
  run_cmd->add_option("--out", run.out_dir, "Output folder")->capture_default_str();
  run_cmd->add_option("--store", run.store_url,
                      "Store: a SQLite file path or postgresql://host=HOST port=PORT "
                      "dbname=NAME user=USER; default: the config's store, else OUT/vigie.db");
  run_cmd->add_flag("--quiet", quiet, "No progress bar and no log lines");

  vigie::app::PlanCommand plan;
  CLI::App* plan_cmd = app.add_subcommand(
      "plan", "Find the smallest number of agents that meets the campaign's goals (simulated)");
  plan_cmd->add_option("campaign", plan.run.campaign_path, "Campaign file (.vigie)")->required();
  plan_cmd->add_option("--campaign", plan.run.campaign_name,
                       "Campaign name, when the file declares several");
  plan_cmd->add_option("--config", plan.run.config_path,
                       "Engine config (YAML); default: the embedded config");
  plan_cmd->add_option("--roster", plan.run.roster_path,
                       "Register CSV for the campaign's csv source");
  plan_cmd->add_option("--dmt", plan.dmt,
                       "Mean handling time of answered calls (DMT), as 6m or 5m30s; default: "
                       "the simulated dialer's talk times");
  plan_cmd->add_option("--seed", plan.run.seed, "Seed of the simulated dialer (0 or more)")
      ->check(CLI::NonNegativeNumber);
  plan_cmd->add_option("--activate", plan.run.activate,
                       "Alert activation, local to the campaign's time zone: YYYY-MM-DDTHH:MM "
                       "(default: now)");
  plan_cmd
      ->add_option("--max-agents", plan.max_agents, "Most agents to try; default: one per contact")
      ->check(CLI::Range(1, 1000000));

  vigie::app::ImportCommand import;
  CLI::App* import_cmd = app.add_subcommand(
      "import", "Read and check the register as a run would, and store the accepted rows");
  import_cmd->add_option("campaign", import.run.campaign_path, "Campaign file (.vigie)")
      ->required();
  import_cmd->add_option("--campaign", import.run.campaign_name,
                         "Campaign name, when the file declares several");
  import_cmd->add_option("--config", import.run.config_path,
                         "Engine config (YAML); default: the embedded config");
  import_cmd->add_option("--roster", import.run.roster_path,
                         "Register CSV for the campaign's csv source");
  import_cmd->add_flag("--check", import.check_only,
                       "Store nothing; exit 3 if any row is rejected");
  import_cmd->add_option("--activate", import.run.activate,
                         "Reference date and time for two-digit years, local to the campaign's "
                         "time zone: YYYY-MM-DDTHH:MM (default: now)");
  import_cmd->add_option("--out", import.run.out_dir, "Output folder")->capture_default_str();

  vigie::app::PurgeCommand purge;
  CLI::App* purge_cmd = app.add_subcommand(
      "purge", "Remove the personal data of cycles that ended before a date, keeping statistics");
  purge_cmd
      ->add_option("--before", purge.before,
                   "Purge the cycles that ended before this day, midnight UTC: YYYY-MM-DD")
      ->required();
  CLI::Option* purge_store_opt = purge_cmd->add_option(
      "--store", purge.store_url, "Store: a SQLite file path or a postgresql:// URL");
  purge_cmd
      ->add_option("--out", purge.out_dir, "Output folder of the run; its vigie.db is the store")
      ->capture_default_str()
      ->excludes(purge_store_opt);

  vigie::app::WorkCommand work;
  CLI::App* work_cmd = app.add_subcommand(
      "work", "Run one call line of a campaign shared with other workers through PostgreSQL");
  work_cmd->add_option("campaign", work.run.campaign_path, "Campaign file (.vigie)")->required();
  work_cmd->add_option("--campaign", work.run.campaign_name,
                       "Campaign name, when the file declares several");
  work_cmd->add_option("--store", work.run.store_url,
                       "Shared store: postgresql://host=HOST port=PORT dbname=NAME user=USER; "
                       "default: the config's store, which must be PostgreSQL");
  work_cmd->add_option("--worker", work.worker, "Name of this worker, unique in the campaign")
      ->required();
  work_cmd->add_option("--config", work.run.config_path,
                       "Engine config (YAML); default: the embedded config");
  work_cmd->add_option("--roster", work.run.roster_path,
                       "Register CSV for the campaign's csv source");
  work_cmd->add_option("--dialer", work.run.dialer,
                       "simulated, or replay:FILE to replay outcomes from a CSV");
  work_cmd->add_option("--seed", work.run.seed, "Seed of the simulated dialer (0 or more)")
      ->check(CLI::NonNegativeNumber);
  work_cmd
      ->add_option("--activate", work.run.activate,
                   "Alert activation, local to the campaign's time zone: YYYY-MM-DDTHH:MM; the "
                   "same for every worker")
      ->required();
  work_cmd
      ->add_option("--lease", work.lease,
                   "Wall-clock time a claimed contact stays this worker's before another "
                   "worker may take it over, as 30s or 2m")
      ->capture_default_str();
  CLI::Option* work_out_opt = work_cmd->add_option(
      "--out", work.run.out_dir, "Output folder of this worker; default: vigie-out/WORKER");
  bool work_quiet = false;
  work_cmd->add_flag("--quiet", work_quiet, "No log lines");

  vigie::app::ExplainCommand explain;
  CLI::App* explain_cmd = app.add_subcommand(
      "explain", "Show how a campaign scores and routes one person's answers and fields");
  explain_cmd->add_option("campaign", explain.campaign_path, "Campaign file (.vigie)")->required();
  explain_cmd->add_option("--campaign", explain.campaign_name,
                          "Campaign name, when the file declares several");
  explain_cmd
      ->add_option("--answers", explain.inputs.answers,
                   "Answers as QUESTION=VALUE separated by commas, options of a multi question "
                   "joined by |: alone=yes,symptoms=confusion|fatigue")
      ->allow_extra_args(false);
  explain_cmd
      ->add_option("--field", explain.inputs.fields,
                   "A roster field as NAME=VALUE, as in birth=1931-05-02; repeat for each field")
      ->allow_extra_args(false);
  explain_cmd->add_option("--today", explain.inputs.today,
                          "Date of the cycle start (YYYY-MM-DD or dd/mm/yyyy); default: the "
                          "current date in the contact's time zone");
  explain_cmd->add_option("--outcome", explain.inputs.outcome,
                          "The contact's outcome, a disposition name such as unreachable; "
                          "default: completed");
  // runtime::explain checks the ranges of --attempts and --cycle.
  explain_cmd->add_option("--attempts", explain.inputs.attempts,
                          "Attempts made in the cycle, 0 or more; default: 0");
  explain_cmd->add_option("--cycle", explain.inputs.cycle, "Cycle number, from 1; default: 1");
  explain_cmd->add_flag("--json", explain.json, "Print the explanation as JSON");

  vigie::app::ServeCommand serve;
  CLI::App* serve_cmd = app.add_subcommand(
      "serve",
      "Run the config's campaigns live: HTTP API and web console for agents, teams and "
      "supervisors");
  serve_cmd
      ->add_option("--config", serve.config_path,
                   "Engine config (YAML) with a `service:` section (see examples/serve.yaml)")
      ->required();

  CLI::App* passwd_cmd = app.add_subcommand(
      "passwd", "Read a password on standard input and print its Argon2id hash for `users:`");

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
  if (*fmt_cmd) return vigie::app::run_fmt(fmt, std::cout, std::cerr);
  if (*explain_cmd) {
    explain.inputs.now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return vigie::app::run_explain(explain, std::cout, std::cerr);
  }
  if (*plan_cmd) return vigie::app::run_plan(plan, std::cout, std::cerr);
  if (*import_cmd) return vigie::app::run_import(import, std::cout, std::cerr);
  if (*purge_cmd) return vigie::app::run_purge(purge, std::cout, std::cerr);
  if (*serve_cmd) return vigie::app::run_serve(serve, std::cerr);
  if (*passwd_cmd) return vigie::app::run_passwd(std::cin, std::cout, std::cerr);
  if (*work_cmd) {
    spdlog::set_level(work_quiet ? spdlog::level::err : spdlog::level::info);
    work.out_given = work_out_opt->count() > 0;
    return vigie::app::run_work(work, std::cout, std::cerr);
  }
  if (*run_cmd) {
    if (quiet) spdlog::set_level(spdlog::level::err);
    run.cycles_given = cycles_opt->count() > 0;
    bool progress = !quiet && isatty(STDERR_FILENO) != 0;
    return vigie::app::run_run(run, progress, std::cout, std::cerr);
  }
  return 2;
}
