#include "app/work_command.hpp"

#include <filesystem>
#include <ostream>

#include "runtime/worker.hpp"

namespace vigie::app {

int run_work(WorkCommand command, std::ostream& out, std::ostream& err) {
  const std::optional<common::Seconds> lease = common::parse_duration(command.lease);
  if (!lease) {
    err << "vigie: invalid --lease value '" << command.lease
        << "'; write a duration such as 30s, 2m or 1h\n";
    return 2;
  }

  runtime::WorkOptions options;
  options.run = std::move(command.run);
  options.worker = command.worker;
  options.lease = std::chrono::duration_cast<std::chrono::milliseconds>(*lease);
  // Workers on one machine must not share notifier files or summaries.
  if (!command.out_given) {
    options.run.out_dir = (std::filesystem::path("vigie-out") / command.worker).string();
  }

  try {
    runtime::WorkReport report = runtime::run_worker(options);
    runtime::print_work_summary(out, report);
    // As for `vigie run`: the work is done, but alerts wait in the outbox.
    return report.alerts_failed > 0 ? 4 : 0;
  } catch (const runtime::CampaignError& error) {
    print_diagnostics(err, error.diagnostics(), error.sources());
    return 1;
  } catch (const std::exception& error) {
    // Run, plugin and store errors carry their own context.
    err << "vigie: " << error.what() << '\n';
    return 2;
  }
}

}  // namespace vigie::app
