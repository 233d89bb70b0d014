#include "app/import_command.hpp"

#include <ostream>

#include "common/diagnostic.hpp"
#include "runtime/import.hpp"

namespace vigie::app {

int run_import(const ImportCommand& command, std::ostream& out, std::ostream& err) {
  try {
    const runtime::ImportReport report =
        runtime::import_register(command.run, /*store_rows=*/!command.check_only);
    runtime::print_import_summary(out, report);
    if (!report.notes.empty()) {
      out << "  notes :\n";
      for (const std::string& note : report.notes) out << "    - " << note << '\n';
    }
    return command.check_only && report.rejected > 0 ? 3 : 0;
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
