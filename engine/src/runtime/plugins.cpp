#include "runtime/plugins.hpp"

#include <cstdlib>
#include <filesystem>

#include <spdlog/spdlog.h>

namespace vigie::runtime {
namespace fs = std::filesystem;

namespace {

// The price grid of the embedded default config, the same as the one in
// examples/vigie.yaml (which explains each key).
constexpr const char* kDefaultPriceGrid = R"(
plugin: volume_band
currency: EUR
bands:
  - {up_to: 5000, price: 4.20}
  - {up_to: 10000, price: 3.60}
  - {up_to: null, price: 3.10}
handling_time:
  price_per_minute: 0.35
  included_minutes: 0
setup:
  mode: complexity
  classes:
    - {name: simple, up_to: 10, price: 1500}
    - {name: standard, up_to: 25, price: 3000}
    - {name: complex, up_to: null, price: 6000}
)";

config::Instance make_instance(const std::string& name, const std::string& plugin) {
  config::Instance instance;
  instance.name = name;
  instance.plugin = plugin;
  instance.node = YAML::Node(YAML::NodeType::Map);
  instance.node["plugin"] = plugin;
  return instance;
}

// Applies --dialer and --seed to the dialer instance.
void override_dialer(config::EngineConfig& config, const RunOptions& options) {
  if (options.dialer) {
    const std::string& spec = *options.dialer;
    if (spec == "simulated") {
      config.dialer = make_instance("dialer", "simulated");
    } else if (spec.rfind("replay:", 0) == 0 && spec.size() > 7) {
      config.dialer = make_instance("dialer", "replay");
      config.dialer->node["file"] = fs::absolute(spec.substr(7)).string();
    } else {
      throw RunError("invalid --dialer value '" + spec +
                     "'; use `simulated` or `replay:FILE` (a CSV of outcomes)");
    }
  }
  if (!config.dialer) config.dialer = make_instance("dialer", "simulated");
  if (options.seed) {
    if (config.dialer->plugin != "simulated") {
      throw RunError("--seed applies to the simulated dialer only; the dialer here is '" +
                     config.dialer->plugin + "'");
    }
    config.dialer->node["seed"] = *options.seed;
  }
  if (options.handling_time) {
    if (config.dialer->plugin != "simulated") {
      throw RunError("--dmt applies to the simulated dialer only; the dialer here is '" +
                     config.dialer->plugin + "'");
    }
    config.dialer->node["handling_time_s"] = options.handling_time->count();
  }
}

// Applies --roster to the campaign's source instance.
void override_roster(config::EngineConfig& config, const ir::Campaign& campaign,
                     const RunOptions& options) {
  if (!options.roster_path) return;
  auto it = config.sources.find(campaign.source_instance);
  if (it == config.sources.end()) return;  // reported as a missing instance later
  if (it->second.plugin != "csv") {
    throw RunError("--roster replaces the file of a csv source, but source '" +
                   campaign.source_instance + "' in " + config.path + " uses plugin '" +
                   it->second.plugin + "'; drop --roster or change the config");
  }
  it->second.node["path"] = fs::absolute(*options.roster_path).string();
}

std::string missing_instance(const std::string& kind, const std::string& name,
                             const ir::Campaign& campaign, const config::EngineConfig& config) {
  return "campaign '" + campaign.name + "' (" + campaign.file + ") uses " + kind + " '" + name +
         "', but the engine config " + config.path + " has no " + kind + " named '" + name +
         "'; add it under `" +
         (kind == "source"     ? "sources"
          : kind == "notifier" ? "notifiers"
                               : kind) +
         ":` in the config";
}

// VIGIE_PLUGIN_PATH (folders separated by ':') comes first, then the
// config's plugin_path, then the plugins beside the executable.
std::vector<std::string> search_path(const config::EngineConfig& config) {
  std::vector<std::string> path;
  if (const char* env = std::getenv("VIGIE_PLUGIN_PATH"); env != nullptr) {
    std::string folders = env;
    std::size_t start = 0;
    while (start <= folders.size()) {
      std::size_t end = folders.find(':', start);
      if (end == std::string::npos) end = folders.size();
      if (end > start) path.push_back(folders.substr(start, end - start));
      start = end + 1;
    }
  }
  // The config loader already resolved relative plugin_path entries.
  for (std::string& folder : plugin::default_search_path(config.plugin_path, "")) {
    path.push_back(std::move(folder));
  }
  return path;
}

// The store URL: <out>/vigie.db when the config names none; a relative
// SQLite path resolves from the config's folder, like every other path there.
std::string resolve_store(const config::EngineConfig& config, const std::string& out_dir) {
  if (config.store.empty()) return (fs::path(out_dir) / "vigie.db").string();

  const std::string prefix = "sqlite3://db=";
  bool is_url = config.store.find("://") != std::string::npos;
  std::string path = config.store;
  if (config.store.rfind(prefix, 0) == 0) {
    path = config.store.substr(prefix.size());
  } else if (is_url) {
    return config.store;
  }
  if (fs::path(path).is_relative()) path = (fs::path(config.dir) / path).string();
  return prefix + path;
}

}  // namespace

config::EngineConfig default_config(const ir::Campaign& campaign, const std::string& roster,
                                    const std::string& out_dir) {
  config::EngineConfig config;
  config.path = "<default config>";
  config.dir = fs::current_path().string();
  config.store = (fs::path(out_dir) / "vigie.db").string();

  if (!campaign.source_instance.empty()) {
    config::Instance source = make_instance(campaign.source_instance, "csv");
    if (!roster.empty()) source.node["path"] = fs::absolute(roster).string();
    config.sources[campaign.source_instance] = source;
  }
  config.dialer = make_instance("dialer", "simulated");
  for (const ir::Route& route : campaign.routes) {
    if (config.notifiers.count(route.notifier) != 0) continue;
    config::Instance notifier = make_instance(route.notifier, "csv_file");
    notifier.node["path"] = route.notifier + ".csv";
    config.notifiers[route.notifier] = notifier;
  }
  if (!campaign.pricing_instance.empty()) {
    config::Instance pricing = make_instance(campaign.pricing_instance, "volume_band");
    pricing.node = YAML::Load(kDefaultPriceGrid);
    config.pricing[campaign.pricing_instance] = pricing;
  }
  return config;
}

PluginSet::PluginSet(const ir::Campaign& campaign, const RunOptions& options, PluginNeeds needs) {
  if (options.config_path) {
    try {
      config_ = config::load_config(*options.config_path);
    } catch (const config::ConfigError& error) {
      throw RunError(error.what());
    }
  } else {
    if (!options.roster_path && !campaign.source_instance.empty()) {
      throw RunError("no register to call: give --roster FILE.csv, or --config FILE with a `" +
                     campaign.source_instance + "` source");
    }
    config_ = default_config(campaign, options.roster_path.value_or(""), options.out_dir);
  }
  override_dialer(config_, options);
  override_roster(config_, campaign, options);
  read_agent_desk(needs, options.config_path.has_value());

  loader_ = std::make_unique<plugin::Loader>(search_path(config_));
  PluginContext context;
  context.config_path = config_.path;
  context.config_dir = config_.dir;
  context.output_dir = options.out_dir;

  try {
    auto source = config_.sources.find(campaign.source_instance);
    if (source == config_.sources.end()) {
      throw RunError(missing_instance("source", campaign.source_instance, campaign, config_));
    }
    context.instance = source->first;
    source_ = loader_->make_source(source->second.plugin, source->second.node, context);

    if (needs != PluginNeeds::live) {
      context.instance = "dialer";
      dialer_ = loader_->make_dialer(config_.dialer->plugin, config_.dialer->node, context);
    }

    // A simulation for planning delivers no alert and prices nothing.
    for (const ir::Route& route : campaign.routes) {
      if (needs == PluginNeeds::simulation) break;
      if (notifiers_.count(route.notifier) != 0) continue;
      auto notifier = config_.notifiers.find(route.notifier);
      if (notifier == config_.notifiers.end()) {
        throw RunError(missing_instance("notifier", route.notifier, campaign, config_));
      }
      context.instance = route.notifier;
      notifiers_[route.notifier] =
          loader_->make_notifier(notifier->second.plugin, notifier->second.node, context);
      if (notifier->second.plugin == "csv_file") {
        // csv_file writes <instance>.csv in the output folder unless told otherwise.
        const YAML::Node path_node = notifier->second.node["path"];
        fs::path path = path_node && path_node.IsScalar() ? path_node.as<std::string>()
                                                          : route.notifier + ".csv";
        check_notifier_file(route.notifier, path, options.out_dir);
        if (path.is_relative()) output_files_.push_back(path.string());
      }
    }

    if (needs == PluginNeeds::all && !campaign.pricing_instance.empty()) {
      auto pricing = config_.pricing.find(campaign.pricing_instance);
      if (pricing == config_.pricing.end()) {
        throw RunError(missing_instance("pricing", campaign.pricing_instance, campaign, config_));
      }
      context.instance = pricing->first;
      pricing_ = loader_->make_pricing(pricing->second.plugin, pricing->second.node, context);
    }
  } catch (const ConfigError& error) {
    throw RunError(error.what());
  } catch (const PluginError& error) {
    throw RunError(error.what());
  }

  store_url_ = options.store_url ? *options.store_url : resolve_store(config_, options.out_dir);
  lines_ = options.agents ? options.agents : config_.agents;
  if (!lines_ && dialer_) lines_ = dialer_->default_lines();
  if (lines_ && *lines_ < 1) throw RunError("--agents must be at least 1");
}

PluginSet::~PluginSet() = default;

Dialer& PluginSet::dialer() {
  if (!dialer_) {
    throw RunError("a live campaign has no dialer plugin: its agents place the calls");
  }
  return *dialer_;
}

// The agent_desk dialer is the live mode of `vigie serve`, not a plugin:
// other modes reject it, and live mode reads its hold timeout.
void PluginSet::read_agent_desk(PluginNeeds needs, bool config_file) {
  if (config_.dialer->plugin != kAgentDeskDialer) {
    if (needs == PluginNeeds::live && config_file) {
      spdlog::warn("the dialer of {} is '{}', which vigie serve ignores: its agents take the calls",
                   config_.path, config_.dialer->plugin);
    }
    return;
  }
  if (needs != PluginNeeds::live) {
    throw RunError(config_.path + ": the " + kAgentDeskDialer +
                   " dialer takes calls from agents through `vigie serve`; use the simulated or "
                   "replay dialer with vigie run (--dialer simulated, or a config with another "
                   "dialer)");
  }

  const YAML::Node& node = config_.dialer->node;
  const YAML::Node timeout = node["hold_timeout"];
  if (!timeout) return;
  std::optional<common::Seconds> parsed;
  if (timeout.IsScalar()) parsed = common::parse_duration(timeout.Scalar());
  if (!parsed) {
    throw RunError(config_.path + ":" + std::to_string(config_.dialer->line) + ":" +
                   std::to_string(config_.dialer->column) + ": invalid dialer hold_timeout; " +
                   "write a duration such as 2m or 90s");
  }
  hold_timeout_ = parsed;
}

std::string PluginSet::dialer_config() const {
  // One "dialer KEY: VALUE" line per key, values in YAML's one-line flow
  // form, so that a difference between two runs names its key.
  std::string text;
  for (const auto& entry : config_.dialer->node) {
    YAML::Emitter value;
    value << YAML::Flow << entry.second;
    text += "dialer " + entry.first.Scalar() + ": " + value.c_str() + '\n';
  }
  return text;
}

// Rejects a csv_file path that another notifier or one of the run's own
// output files already uses: lines of both would end up mixed or lost.
void PluginSet::check_notifier_file(const std::string& instance, const fs::path& path,
                                    const std::string& out_dir) {
  static const char* const kRunFiles[] = {"summary.json",      "attempts.csv",
                                          "escalations.csv",   "rejected_rows.csv",
                                          "import_report.csv", "vigie.db"};
  fs::path out = fs::absolute(out_dir).lexically_normal();
  fs::path full = (path.is_relative() ? out / path : path).lexically_normal();
  for (const char* name : kRunFiles) {
    if (full == out / name) {
      throw RunError("notifier '" + instance + "' would write into " + full.string() +
                     ", which the run itself writes; give it another `path` in " + config_.path);
    }
  }
  auto [it, inserted] = notifier_files_.emplace(full.string(), instance);
  if (!inserted) {
    throw RunError("notifiers '" + it->second + "' and '" + instance + "' both write " +
                   full.string() + "; give each its own `path` in " + config_.path);
  }
}

Pricing& PluginSet::pricing() {
  if (!pricing_) throw RunError("the campaign names no pricing instance");
  return *pricing_;
}

Notifier& PluginSet::notifier(const std::string& instance) {
  auto it = notifiers_.find(instance);
  if (it == notifiers_.end()) throw RunError("no notifier instance '" + instance + "'");
  return *it->second;
}

void PluginSet::flush_notifiers() {
  for (auto& [name, notifier] : notifiers_) notifier->flush();
}

}  // namespace vigie::runtime
