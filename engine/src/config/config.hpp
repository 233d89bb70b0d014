#pragma once
// The engine config (YAML): which plugin backs each instance a campaign
// names, with its parameters, plus the store and the plugin search path.
// Mistakes are reported with the config file's path, line and column.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace vigie::config {

// A config mistake; what() reads "FILE:LINE:COL: message".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One plugin instance: `reflex: {plugin: csv, path: ...}`.
struct Instance {
  std::string name;    // instance name ("reflex"), or "dialer" for the dialer
  std::string plugin;  // plugin name ("csv")
  YAML::Node node;     // the whole mapping, handed to the plugin factory
  int line = 0;        // 1-based position of the mapping in the file
  int column = 0;
};

struct EngineConfig {
  std::string path = "<default config>";  // the file, or the embedded default
  std::string dir = ".";                  // relative paths resolve from here
  std::vector<std::string> plugin_path;   // searched before <dir of vigie>/plugins
  std::string store;                      // empty: <out>/vigie.db
  std::optional<int> agents;              // lines; the command line overrides
  std::map<std::string, Instance> sources;
  std::optional<Instance> dialer;
  std::map<std::string, Instance> notifiers;
  std::map<std::string, Instance> pricing;
  // The `service:` section, kept as YAML for `vigie serve` to validate;
  // undefined when the file has none. The line and column (1-based) are the
  // key's, for errors about a section that is empty.
  YAML::Node service;
  int service_line = 0;
  int service_column = 0;
};

// Loads and validates the top-level structure (unknown top-level keys,
// instances without `plugin`, wrong node kinds). Plugin parameters are left
// to each plugin. Throws ConfigError.
EngineConfig load_config(const std::string& path);

// Parses YAML text as if read from `path` (tests).
EngineConfig parse_config(const std::string& text, const std::string& path);

}  // namespace vigie::config
