#pragma once
// A one-shot run of a campaign: compile, import the register, run the
// cycles on a virtual clock, persist every result, deliver alerts, price
// the campaign and write the output folder.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "runtime/cycle.hpp"
#include "vigie/types.hpp"

namespace vigie::runtime {

// The run cannot start or had to stop (missing file, config mistake,
// plugin failure). The message names the file or value and the fix.
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The campaign has errors; the diagnostics are in `diagnostics()`.
class CampaignError : public std::runtime_error {
 public:
  CampaignError(common::Diagnostics diagnostics, common::SourceManager sources);
  const common::Diagnostics& diagnostics() const { return diagnostics_; }
  const common::SourceManager& sources() const { return sources_; }

 private:
  common::Diagnostics diagnostics_;
  common::SourceManager sources_;
};

struct RunOptions {
  std::string campaign_path;
  std::optional<std::string> campaign_name;  // when the file declares several
  std::optional<std::string> config_path;
  std::optional<std::string> roster_path;
  std::optional<std::string> dialer;  // "simulated" or "replay:FILE"
  std::optional<int> agents;
  std::optional<std::int64_t> seed;  // 0 or more
  // Mean handling time of answered calls for the simulated dialer (--dmt).
  std::optional<common::Seconds> handling_time;
  std::optional<std::string> activate;  // YYYY-MM-DDTHH:MM, campaign-local
  int cycles = 1;
  bool cycles_given = false;  // --cycles was on the command line
  // The alert's end, local to the campaign's time zone: cycles start every
  // `recontact every` until then; the cycle under way at the end completes.
  std::optional<std::string> alert_until;
  // The alert's level, checked against the campaign's `trigger` line.
  std::optional<std::int64_t> alert_level;
  std::string out_dir = "vigie-out";
  // The store URL (--store): a SQLite path or a postgresql:// URL. Takes
  // precedence over the config's `store:`; a relative path resolves from
  // the current folder.
  std::optional<std::string> store_url;
  // Called as contacts leave a cycle: (cycle, done, total, simulated now).
  std::function<void(int, std::size_t, std::size_t, common::Instant)> on_progress;
};

struct CycleReport {
  CycleStats stats;
  std::size_t rejected_rows = 0;
  std::size_t excluded = 0;            // outside the audience
  std::size_t unknown_timezones = 0;   // `timezone from` named no known zone
  std::size_t skipped_deceased = 0;    // reported deceased in an earlier cycle
  std::size_t undelivered_alerts = 0;  // still in the outbox when the cycle ended
};

struct RunReport {
  std::string campaign;
  std::string title;
  std::string timezone;
  std::string out_dir;
  std::optional<int> lines;
  std::vector<CycleReport> cycles;
  std::optional<double> target_rate;
  std::optional<common::Seconds> start_within;
  std::optional<common::Instant> alert_end;
  std::optional<std::int64_t> alert_level;
  std::optional<CostBreakdown> cost;
  std::string cost_note;             // why there is no cost, when there is none
  std::vector<std::string> files;    // written into out_dir
  bool resumed = false;              // the store held this run, interrupted or finished
  std::size_t replayed_records = 0;  // records a resumed run found already stored
};

// Runs the campaign. Throws CampaignError when it does not compile and
// RunError when it cannot run.
RunReport run_campaign(const RunOptions& options);

}  // namespace vigie::runtime
