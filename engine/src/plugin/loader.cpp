#include "plugin/loader.hpp"

#include "vigie/config_reader.hpp"

#include <dlfcn.h>

#include <spdlog/spdlog.h>
#include <boost/dll/import.hpp>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <boost/filesystem.hpp>

#include <algorithm>
#include <cstdio>
#include <set>

namespace vigie::plugin {
namespace fs = boost::filesystem;

namespace {

constexpr const char* kManifestSymbol = "vigie_plugin_manifest";
constexpr const char* kEntrySymbol = "vigie_plugin_register";
constexpr const char* kKinds[] = {"source", "dialer", "pricing", "notifier"};

using EntryPoint = void(Registry&);

std::string hex(std::uint32_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08X", static_cast<unsigned>(value));
  return buffer;
}

bool is_registered(const Registry& registry, const std::string& kind, const std::string& name) {
  if (kind == "source") return registry.source(name) != nullptr;
  if (kind == "dialer") return registry.dialer(name) != nullptr;
  if (kind == "pricing") return registry.pricing(name) != nullptr;
  if (kind == "notifier") return registry.notifier(name) != nullptr;
  return false;
}

// Splits "libvigie_KIND_NAME.so" into kind and name; false for any other file.
bool parse_file_name(const std::string& file_name, std::string& kind, std::string& name) {
  const std::string prefix = "libvigie_";
  const std::string suffix = ".so";
  if (file_name.size() <= prefix.size() + suffix.size()) return false;
  if (file_name.compare(0, prefix.size(), prefix) != 0) return false;
  if (file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) != 0) return false;

  const std::string middle =
      file_name.substr(prefix.size(), file_name.size() - prefix.size() - suffix.size());
  for (const char* candidate : kKinds) {
    const std::string kind_prefix = std::string(candidate) + "_";
    if (middle.size() > kind_prefix.size() &&
        middle.compare(0, kind_prefix.size(), kind_prefix) == 0) {
      kind = candidate;
      name = middle.substr(kind_prefix.size());
      return true;
    }
  }
  return false;
}

void check_manifest(const PluginManifest& manifest, const std::string& path,
                    const std::string& kind, const std::string& name) {
  if (manifest.magic != kPluginMagic) {
    throw PluginError(path + " is not a Vigie plugin: its manifest starts with " +
                      hex(manifest.magic) + " instead of " + hex(kPluginMagic));
  }
  if (manifest.abi_version != kPluginAbiVersion) {
    throw PluginError(path + " was built for plugin ABI " + std::to_string(manifest.abi_version) +
                      " but this engine uses ABI " + std::to_string(kPluginAbiVersion) +
                      "; rebuild the plugin");
  }
  if (manifest.kind == nullptr || manifest.name == nullptr) {
    throw PluginError(path + " has a manifest without kind or name; declare it with VIGIE_PLUGIN");
  }
  if (kind != manifest.kind || name != manifest.name) {
    throw PluginError(path + " declares the " + manifest.kind + " plugin '" + manifest.name +
                      "' but was looked up as the " + kind + " plugin '" + name +
                      "'; rename the file to " + plugin_file_name(manifest.kind, manifest.name));
  }
}

}  // namespace

// One opened library. The entry point holds a reference to the library,
// which stays loaded while this object lives.
struct Loader::Library {
  std::string path;
  std::function<EntryPoint> entry;
};

std::string plugin_file_name(const std::string& kind, const std::string& name) {
  return "libvigie_" + kind + "_" + name + ".so";
}

std::string bundled_plugin_dir() {
  boost::dll::fs::error_code error;
  const fs::path program = boost::dll::program_location(error);
  if (error) return "plugins";
  return (program.parent_path() / "plugins").string();
}

std::vector<std::string> default_search_path(const std::vector<std::string>& plugin_path,
                                             const std::string& config_dir) {
  std::vector<std::string> folders;
  for (const std::string& folder : plugin_path) {
    const fs::path path(folder);
    folders.push_back(path.is_absolute() ? path.string() : (fs::path(config_dir) / path).string());
  }
  folders.push_back(bundled_plugin_dir());
  return folders;
}

Loader::Loader(std::vector<std::string> search_path) : search_path_(std::move(search_path)) {}

// The registry's factories are destroyed before the libraries (member
// order); the libraries then close in reverse order of loading.
Loader::~Loader() {
  registry_ = Registry();
  while (!libraries_.empty()) libraries_.pop_back();
}

std::vector<PluginFile> Loader::available() const {
  std::vector<PluginFile> files;
  std::set<std::pair<std::string, std::string>> seen;
  for (const std::string& folder : search_path_) {
    boost::system::error_code error;
    fs::directory_iterator it(folder, error);
    if (error) continue;

    std::vector<fs::path> entries;
    for (; it != fs::directory_iterator(); it.increment(error)) {
      if (error) break;
      entries.push_back(it->path());
    }
    std::sort(entries.begin(), entries.end());

    for (const fs::path& entry : entries) {
      std::string kind;
      std::string name;
      if (!parse_file_name(entry.filename().string(), kind, name)) continue;
      if (!seen.emplace(kind, name).second) continue;
      files.push_back(PluginFile{kind, name, entry.string()});
    }
  }
  return files;
}

std::string Loader::find_file(const std::string& kind, const std::string& name) const {
  const std::string file_name = plugin_file_name(kind, name);
  for (const std::string& folder : search_path_) {
    const fs::path candidate = fs::path(folder) / file_name;
    boost::system::error_code error;
    if (fs::is_regular_file(candidate, error)) return candidate.string();
  }

  std::string folders;
  for (const std::string& folder : search_path_) folders += (folders.empty() ? "" : ", ") + folder;
  std::string message = "plugin file not found: " + file_name + " (searched " +
                        (folders.empty() ? std::string("no folder") : folders) +
                        "); build it or add its folder to plugin_path";

  // A typo in the config's `plugin:` key is the usual cause.
  std::vector<std::string> names;
  for (const PluginFile& file : available()) {
    if (file.kind == kind) names.push_back(file.name);
  }
  const std::string suggestion = nearest_name(name, names);
  if (!suggestion.empty())
    message += "; did you mean the " + kind + " plugin '" + suggestion + "'?";
  throw PluginError(message);
}

void Loader::load(const std::string& kind, const std::string& name) {
  if (is_loaded(kind, name)) return;
  load_file(find_file(kind, name), kind, name);
}

bool Loader::is_loaded(const std::string& kind, const std::string& name) const {
  return loaded_.count({kind, name}) > 0;
}

void Loader::load_file(const std::string& path, const std::string& kind, const std::string& name) {
  boost::system::error_code exists_error;
  if (!fs::exists(path, exists_error)) {
    throw PluginError("plugin file not found: " + path +
                      "; build it or add its folder to plugin_path");
  }

  // Boost.DLL reports failures as an errno string with no detail, but
  // dlerror() still contains the dynamic linker's reason (missing
  // dependency, not an ELF file).
  boost::dll::shared_library library;
  boost::dll::fs::error_code load_error;
  library.load(path, load_error);
  if (load_error) {
    const char* reason = dlerror();
    throw PluginError(
        path + " could not be loaded: " + (reason != nullptr ? reason : load_error.message()));
  }

  // The manifest is read before any code of the plugin is called.
  if (!library.has(kManifestSymbol)) {
    throw PluginError(path + " is not a Vigie plugin: no vigie_plugin_manifest symbol");
  }
  const PluginManifest& manifest = library.get<const PluginManifest>(kManifestSymbol);
  check_manifest(manifest, path, kind, name);
  const std::string version = manifest.version != nullptr ? manifest.version : "unknown";

  if (!library.has(kEntrySymbol)) {
    throw PluginError(path +
                      " has no entry point vigie_plugin_register; declare it with VIGIE_PLUGIN");
  }
  auto library_entry = std::make_unique<Library>();
  library_entry->path = path;
  try {
    library_entry->entry = boost::dll::import_alias<EntryPoint>(std::move(library), kEntrySymbol);
  } catch (const boost::system::system_error&) {
    throw PluginError(path +
                      " has no entry point vigie_plugin_register; declare it with VIGIE_PLUGIN");
  }
  Library& stored = *libraries_.emplace_back(std::move(library_entry));

  try {
    stored.entry(registry_);
  } catch (const std::exception& error) {
    throw PluginError(path + " failed to register its factories: " + error.what());
  }
  if (!is_registered(registry_, kind, name)) {
    throw PluginError(path + " declares the " + kind + " plugin '" + name +
                      "' but did not register a factory for it; call Registry::add_" + kind +
                      " in its registration function");
  }

  loaded_[{kind, name}] = path;
  spdlog::info("plugin loaded: {} '{}' version {} from {}", kind, name, version, path);
}

[[noreturn]] void rethrow_with_config_path(const ConfigError& error, const PluginContext& context) {
  std::string prefix = context.config_path;
  if (error.line() > 0) {
    prefix += ":" + std::to_string(error.line()) + ":" + std::to_string(error.column());
  }
  throw ConfigError(error.line(), error.column(), prefix + ": " + error.what());
}

namespace {

// Calls the factory of a loaded plugin and adds the config path to its
// config errors.
template <typename Product, typename Factory>
std::unique_ptr<Product> build(const Factory* factory, const std::string& kind,
                               const std::string& plugin, const YAML::Node& node,
                               const PluginContext& context) {
  if (factory == nullptr) {
    throw PluginError("no " + kind + " plugin named '" + plugin + "' is registered");
  }
  try {
    std::unique_ptr<Product> product = (*factory)(node, context);
    if (!product) throw PluginError(kind + " plugin '" + plugin + "' returned no instance");
    return product;
  } catch (const ConfigError& error) {
    rethrow_with_config_path(error, context);
  }
}

}  // namespace

std::unique_ptr<Source> Loader::make_source(const std::string& plugin, const YAML::Node& node,
                                            const PluginContext& context) {
  load("source", plugin);
  return build<Source>(registry_.source(plugin), "source", plugin, node, context);
}

std::unique_ptr<Dialer> Loader::make_dialer(const std::string& plugin, const YAML::Node& node,
                                            const PluginContext& context) {
  load("dialer", plugin);
  return build<Dialer>(registry_.dialer(plugin), "dialer", plugin, node, context);
}

std::unique_ptr<Pricing> Loader::make_pricing(const std::string& plugin, const YAML::Node& node,
                                              const PluginContext& context) {
  load("pricing", plugin);
  return build<Pricing>(registry_.pricing(plugin), "pricing", plugin, node, context);
}

std::unique_ptr<Notifier> Loader::make_notifier(const std::string& plugin, const YAML::Node& node,
                                                const PluginContext& context) {
  load("notifier", plugin);
  return build<Notifier>(registry_.notifier(plugin), "notifier", plugin, node, context);
}

}  // namespace vigie::plugin
