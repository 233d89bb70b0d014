#pragma once
// Finds plugin libraries on disk, checks their manifest and registers
// their factories. A plugin of kind K and name N lives in a file named
// libvigie_K_N.so, looked up in each folder of the search path in order.
//
// Lifetime contract: the Loader owns every library it opened, and closes
// them when it is destroyed. Each object a factory returns (Source,
// Dialer, Pricing, Notifier) runs code from its library, so every such
// object, and every copy of a factory, must be destroyed before the Loader.
// Declaring the Loader before the objects it creates is enough.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "vigie/plugin.hpp"

namespace vigie::plugin {

// A plugin file found on the search path; not loaded yet.
struct PluginFile {
  std::string kind;
  std::string name;
  std::string path;
};

// The file name of a plugin: libvigie_KIND_NAME.so.
std::string plugin_file_name(const std::string& kind, const std::string& name);

// The folder that contains the plugins shipped with the running executable:
// <folder of the executable>/plugins.
std::string bundled_plugin_dir();

// The default search path: every folder of the config's `plugin_path`
// (relative ones resolved from `config_dir`), then bundled_plugin_dir().
std::vector<std::string> default_search_path(const std::vector<std::string>& plugin_path,
                                             const std::string& config_dir);

class Loader {
 public:
  explicit Loader(std::vector<std::string> search_path);
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  const std::vector<std::string>& search_path() const { return search_path_; }

  // Lists every plugin file on the search path. When two folders hold the
  // same plugin, the first one in search order is listed and loaded.
  std::vector<PluginFile> available() const;

  // Loads the plugin of that kind and name unless it is already loaded.
  // Throws PluginError with a message naming the path and the fix.
  void load(const std::string& kind, const std::string& name);

  // Loads one file and checks that it is plugin `kind` `name`. Throws
  // PluginError.
  void load_file(const std::string& path, const std::string& kind, const std::string& name);

  bool is_loaded(const std::string& kind, const std::string& name) const;
  const Registry& registry() const { return registry_; }

  // Load the plugin on demand, then build one instance from its YAML
  // mapping. A ConfigError thrown by the plugin is rethrown with the
  // message "CONFIG_PATH:LINE:COL: message" (line and column kept).
  std::unique_ptr<Source> make_source(const std::string& plugin, const YAML::Node& node,
                                      const PluginContext& context);
  std::unique_ptr<Dialer> make_dialer(const std::string& plugin, const YAML::Node& node,
                                      const PluginContext& context);
  std::unique_ptr<Pricing> make_pricing(const std::string& plugin, const YAML::Node& node,
                                        const PluginContext& context);
  std::unique_ptr<Notifier> make_notifier(const std::string& plugin, const YAML::Node& node,
                                          const PluginContext& context);

 private:
  struct Library;

  std::string find_file(const std::string& kind, const std::string& name) const;

  std::vector<std::string> search_path_;
  // Declared before registry_ so that the factories, whose code lives in
  // these libraries, are destroyed first.
  std::vector<std::unique_ptr<Library>> libraries_;
  Registry registry_;
  std::map<std::pair<std::string, std::string>, std::string> loaded_;  // (kind, name) -> path
};

// Rethrows `error` as a ConfigError whose message starts with
// "CONFIG_PATH:LINE:COL: " (or "CONFIG_PATH: " when the position is unknown).
[[noreturn]] void rethrow_with_config_path(const ConfigError& error, const PluginContext& context);

}  // namespace vigie::plugin
