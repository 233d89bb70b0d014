#pragma once
// The plugin instances of one run: the effective engine config (the file
// given with --config, or the embedded default) with the command line's
// overrides, and one instance per name the campaign uses.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "ir/campaign.hpp"
#include "plugin/loader.hpp"
#include "runtime/run.hpp"
#include "vigie/plugin.hpp"

namespace vigie::runtime {

// The embedded default config: a `csv` source for the campaign's source
// instance reading `roster`, the `simulated` dialer, the SQLite store in
// `out_dir`, a `csv_file` notifier per notifier name writing into `out_dir`,
// and a `volume_band` pricing with that plugin's default grid.
config::EngineConfig default_config(const ir::Campaign& campaign, const std::string& roster,
                                    const std::string& out_dir);

// The plugin instances a PluginSet builds: everything for a run, only the
// source and the dialer for a simulation (`vigie plan`), or everything but
// the dialer for a live campaign of `vigie serve`, whose calls human
// agents place.
enum class PluginNeeds { all, simulation, live };

// The dialer plugin name that selects the live mode of `vigie serve`. No
// plugin library has it: agents take their calls through the service.
inline constexpr const char* kAgentDeskDialer = "agent_desk";

class PluginSet {
 public:
  // Builds every instance the campaign needs. Throws RunError naming the
  // campaign file and the config file when the config lacks an instance,
  // and naming the config file when its dialer is agent_desk outside live
  // mode.
  PluginSet(const ir::Campaign& campaign, const RunOptions& options,
            PluginNeeds needs = PluginNeeds::all);
  ~PluginSet();

  Source& source() { return *source_; }
  // Not built in live mode.
  Dialer& dialer();
  Pricing& pricing();
  Notifier& notifier(const std::string& instance);

  const std::string& store_url() const { return store_url_; }
  // The dialer's effective config, one "dialer KEY: VALUE" line per key,
  // part of a run's identity.
  std::string dialer_config() const;
  // The dialer's plugin name, as `simulated`.
  const std::string& dialer_plugin() const { return config_.dialer->plugin; }
  // Call lines: --agents, else the config's `agents`, else the dialer's
  // default (nullopt = unlimited).
  std::optional<int> lines() const { return lines_; }
  // The `hold_timeout` of an agent_desk dialer in the config (a duration
  // such as 2m), or nullopt when the config gives none.
  std::optional<common::Seconds> hold_timeout() const { return hold_timeout_; }

  void flush_notifiers();
  // Files the notifiers wrote into the output folder, by name.
  std::vector<std::string> output_files() const { return output_files_; }

 private:
  // Declared first so that it is destroyed last: plugin objects run code
  // from the libraries it holds.
  std::unique_ptr<plugin::Loader> loader_;
  config::EngineConfig config_;
  std::unique_ptr<Source> source_;
  std::unique_ptr<Dialer> dialer_;
  std::unique_ptr<Pricing> pricing_;
  std::map<std::string, std::unique_ptr<Notifier>> notifiers_;
  std::string store_url_;
  std::optional<int> lines_;
  std::optional<common::Seconds> hold_timeout_;
  std::vector<std::string> output_files_;
  std::map<std::string, std::string> notifier_files_;  // absolute path -> instance

  void read_agent_desk(PluginNeeds needs, bool config_file);
  void check_notifier_file(const std::string& instance, const std::filesystem::path& path,
                           const std::string& out_dir);
};

}  // namespace vigie::runtime
