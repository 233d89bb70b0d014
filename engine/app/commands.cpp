#include "app/commands.hpp"

#include <filesystem>
#include <functional>
#include <iostream>

#include "check/compiler.hpp"
#include "eval/evaluator.hpp"
#include "runtime/campaign_tests.hpp"
#include "runtime/plan.hpp"
#include "runtime/report.hpp"

namespace vigie::app {
namespace fs = std::filesystem;

namespace {

// Draws a one-line progress bar on stderr, redrawn in place.
class ProgressBar {
 public:
  explicit ProgressBar(std::ostream& err) : err_(err) {}

  void update(int cycle, std::size_t done, std::size_t total, common::Instant now) {
    int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
    if (percent == last_percent_ && cycle == last_cycle_ && done != total) return;
    last_percent_ = percent;
    last_cycle_ = cycle;

    constexpr int kWidth = 30;
    int filled = percent * kWidth / 100;
    err_ << "\r  cycle " << cycle << " [" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << percent << "% "
         << done << '/' << total << "  " << date::format("%Y-%m-%d %H:%M UTC", now) << std::flush;
    if (done == total) err_ << '\n';
  }

 private:
  std::ostream& err_;
  int last_percent_ = -1;
  int last_cycle_ = -1;
};

void print_test_result(std::ostream& out, const runtime::TestResult& result) {
  const ir::Test& test = *result.test;
  if (result.passed()) {
    out << "PASS " << test.file << ": test \"" << test.name << "\"\n";
    return;
  }
  out << "FAIL " << test.file << ':' << test.range.begin.line << ':' << test.range.begin.column
      << ": test \"" << test.name << "\"\n";
  for (const runtime::ExpectFailure& failure : result.failures) {
    out << "    " << test.file << ':' << failure.range.begin.line << ": expect " << failure.text
        << '\n';
    out << "      expected: " << failure.expected << '\n';
    out << "      actual:   " << failure.actual << '\n';
  }
}

}  // namespace

namespace {

// Compiles each file, prints its diagnostics and calls `on_module` for each
// file that compiled clean. An unreadable file stops nothing: the other
// files are still compiled. Returns 2 when a file could not be read, 1
// when a campaign had errors, else 0.
int for_each_module(const std::vector<std::string>& files, std::ostream& out, std::ostream& err,
                    const std::function<void(const std::string&, const ir::Module&)>& on_module) {
  bool any_error = false;
  bool any_unreadable = false;
  for (const std::string& file : files) {
    if (!readable(file, err)) {
      any_unreadable = true;
      continue;
    }

    common::SourceManager sources;
    common::Diagnostics diagnostics;
    ir::Module module = check::compile_file(file, sources, diagnostics);
    print_diagnostics(out, diagnostics, sources);
    if (diagnostics.has_errors()) {
      any_error = true;
      continue;
    }
    on_module(file, module);
  }
  if (any_unreadable) return 2;
  return any_error ? 1 : 0;
}

}  // namespace

int run_tests(const CheckCommand& command, std::ostream& out, std::ostream& err) {
  std::size_t passed = 0;
  std::size_t failed = 0;
  int status =
      for_each_module(command.files, out, err, [&](const std::string&, const ir::Module& module) {
        for (const ir::Campaign& campaign : module.campaigns) {
          eval::CompiledCampaign compiled(campaign);
          for (const runtime::TestResult& result :
               runtime::run_campaign_tests(campaign, compiled)) {
            print_test_result(out, result);
            ++(result.passed() ? passed : failed);
          }
        }
      });

  out << passed << " passed, " << failed << " failed\n";
  if (status == 0 && failed > 0) return 1;
  return status;
}

bool readable(const std::string& file, std::ostream& err) {
  // The error_code overload of fs::status does not throw, so a symbolic link
  // loop or a folder the user may not enter gives a message, not a crash.
  std::error_code error;
  fs::file_status status = fs::status(file, error);
  if (fs::is_directory(status)) {
    err << "vigie: cannot read " << file << ": it is a folder; name the .vigie files in it\n";
    return false;
  }
  if (fs::is_regular_file(status)) return true;

  if (error && error != std::errc::no_such_file_or_directory) {
    err << "vigie: cannot read " << file << ": " << error.message()
        << "; check the path and its permissions\n";
  } else if (fs::exists(status)) {
    err << "vigie: cannot read " << file
        << ": it is not a regular file (a device or a pipe); name a .vigie file\n";
  } else {
    err << "vigie: cannot read " << file << ": no such file; check the path\n";
  }
  return false;
}

int run_check(const CheckCommand& command, std::ostream& out, std::ostream& err) {
  return for_each_module(
      command.files, out, err, [&](const std::string& file, const ir::Module& module) {
        out << file << ": ok (" << module.campaigns.size()
            << (module.campaigns.size() == 1 ? " campaign" : " campaigns") << ")\n";
      });
}

int run_explain(const ExplainCommand& command, std::ostream& out, std::ostream& err) {
  if (!readable(command.campaign_path, err)) return 2;

  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module = check::compile_file(command.campaign_path, sources, diagnostics);
  // Diagnostics go to stderr so that stdout holds only the explanation.
  print_diagnostics(err, diagnostics, sources);
  if (diagnostics.has_errors()) return 1;

  try {
    const ir::Campaign& campaign =
        runtime::select_campaign(module, command.campaign_path, command.campaign_name);
    eval::CompiledCampaign compiled(campaign);
    runtime::Explanation explanation =
        runtime::explain(campaign, compiled, sources, command.inputs);
    if (command.json) {
      runtime::print_explanation_json(out, explanation);
    } else {
      runtime::print_explanation(out, explanation);
    }
    return 0;
  } catch (const runtime::ExplainError& error) {
    err << "vigie: " << error.what() << '\n';
    return 2;
  }
}

namespace {

// Runs a command that compiles a campaign and loads plugins, turning its
// errors into messages and exit statuses.
int guarded(std::ostream& err, const std::function<int()>& command) {
  try {
    return command();
  } catch (const runtime::CampaignError& error) {
    print_diagnostics(err, error.diagnostics(), error.sources());
    return 1;
  } catch (const std::exception& error) {
    // Run, plugin, store and other adapter errors carry their own context.
    err << "vigie: " << error.what() << '\n';
    return 2;
  }
}

}  // namespace

int run_run(runtime::RunOptions options, bool progress, std::ostream& out, std::ostream& err) {
  ProgressBar bar(err);
  if (progress) {
    options.on_progress = [&bar](int cycle, std::size_t done, std::size_t total,
                                 common::Instant now) { bar.update(cycle, done, total, now); };
  }

  return guarded(err, [&] {
    runtime::RunReport report = runtime::run_campaign(options);
    runtime::print_summary(out, report);
    // Exit 4 when alerts remain in the outbox: the run finished, but some teams were not notified.
    for (const runtime::CycleReport& cycle : report.cycles) {
      if (cycle.undelivered_alerts > 0) return 4;
    }
    return 0;
  });
}

int run_plan(const PlanCommand& command, std::ostream& out, std::ostream& err) {
  runtime::PlanOptions options;
  options.run = command.run;
  options.max_agents = command.max_agents;
  if (command.dmt) {
    options.run.handling_time = common::parse_duration(*command.dmt);
    // A handling time over four hours is a typing mistake, not a phone call.
    if (!options.run.handling_time || *options.run.handling_time > std::chrono::hours{4}) {
      err << "vigie: invalid --dmt value '" << *command.dmt
          << "'; write a mean handling time from 1s to 4h, such as 6m, 5m30s or 400s\n";
      return 2;
    }
  }

  return guarded(err, [&] {
    runtime::PlanReport report = runtime::plan_staffing(options);
    runtime::print_plan(out, report);
    return report.smallest ? 0 : 3;
  });
}

}  // namespace vigie::app
