#pragma once
// Helpers for the plugin tests: a registry holding every shipped plugin
// through its static twin, and a temporary folder for input files.

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "vigie/plugin.hpp"

void vigie_register_source_csv(vigie::Registry& registry);
void vigie_register_dialer_simulated(vigie::Registry& registry);
void vigie_register_dialer_replay(vigie::Registry& registry);
void vigie_register_pricing_volume_band(vigie::Registry& registry);
void vigie_register_notifier_csv_file(vigie::Registry& registry);

namespace vigie::test {

inline const Registry& shipped_plugins() {
  static const Registry registry = [] {
    Registry r;
    vigie_register_source_csv(r);
    vigie_register_dialer_simulated(r);
    vigie_register_dialer_replay(r);
    vigie_register_pricing_volume_band(r);
    vigie_register_notifier_csv_file(r);
    return r;
  }();
  return registry;
}

// A folder under the system temporary folder, removed with its content.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ =
        std::filesystem::temp_directory_path() / ("vigie_plugins_test_" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name, std::ios::binary) << content;
    return file(name);
  }

  PluginContext context(const std::string& instance) const {
    return PluginContext{instance, "engine.yaml", path(), path()};
  }

 private:
  std::filesystem::path path_;
};

}  // namespace vigie::test
