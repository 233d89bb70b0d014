#pragma once
// The plugin SDK: what a source, dialer, pricing or notifier plugin
// implements, and how a plugin library declares and registers itself.
//
// A plugin library exports two symbols:
//   - `vigie_plugin_manifest`: a `const vigie::PluginManifest` (C layout),
//     read by the loader before anything else runs;
//   - `vigie_plugin_register`: `void(vigie::Registry&)`, exported with
//     BOOST_DLL_ALIAS, which adds the plugin's factories.
// VIGIE_PLUGIN(kind, name, version, register_function) does both.
//
// Instants are UTC seconds; plugins never read the system clock for
// campaign time.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "vigie/types.hpp"

// Types thrown or shared across the plugin boundary keep default
// visibility, so that a `catch (vigie::ConfigError&)` in the engine matches
// an exception thrown by a plugin built with hidden visibility.
#define VIGIE_VISIBLE __attribute__((visibility("default")))

namespace vigie {

// Incremented whenever a type in this header or vigie/types.hpp changes
// layout or meaning.
inline constexpr std::uint32_t kPluginAbiVersion = 3;
inline constexpr std::uint32_t kPluginMagic = 0x56494731;  // "VIG1"

// `magic` and `abi_version` stay the first two members in every future
// ABI, so that the loader can read them from a plugin of any version.
extern "C" struct PluginManifest {
  std::uint32_t magic;
  std::uint32_t abi_version;
  const char* kind;     // "source", "dialer", "pricing" or "notifier"
  const char* name;     // the name used in the engine config's `plugin:` key
  const char* version;  // the plugin's own version, for messages
};

// A mistake in a plugin's YAML config. Plugins throw it from their factory;
// the loader adds the config file's path. `line` and `column` are 1-based,
// 0 when unknown.
class VIGIE_VISIBLE ConfigError : public std::runtime_error {
 public:
  ConfigError(const YAML::Node& node, const std::string& message);
  ConfigError(int line, int column, const std::string& message);
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_ = 0;
  int column_ = 0;
};

// A failure at run time (unreadable file, unreachable endpoint). The
// message names the file or value and what to do.
class VIGIE_VISIBLE PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The context a factory receives besides its YAML node.
struct PluginContext {
  std::string instance;     // the instance name, e.g. "reflex" or "cellule_urgence"
  std::string config_path;  // the engine config file, or "<default config>"
  std::string config_dir;   // relative paths in the config resolve from here
  std::string output_dir;   // the run's --out folder
};

// ---------------------------------------------------------------- source

class VIGIE_VISIBLE Source {
 public:
  virtual ~Source() = default;
  // Reads the register. Rows are typed and validated against `fields`;
  // each invalid row is rejected with its row number and reason and the
  // others are kept. Throws PluginError when nothing can be read at all.
  virtual ImportResult read(const SourceSchema& schema) = 0;
};

// ---------------------------------------------------------------- dialer

class VIGIE_VISIBLE Dialer {
 public:
  virtual ~Dialer() = default;
  // Called once before the first call of a run.
  virtual void start(const ScriptInfo& script) { (void)script; }
  // Places one call attempt starting at `request.start` and returns what
  // happened. Must be deterministic for a given config and request.
  virtual CallResult call(const CallRequest& request) = 0;
  // The number of lines this dialer offers when the command line gives
  // none; nullopt means unlimited.
  virtual std::optional<int> default_lines() const { return std::nullopt; }
};

// ---------------------------------------------------------------- pricing

class VIGIE_VISIBLE Pricing {
 public:
  virtual ~Pricing() = default;
  virtual CostBreakdown price(const CampaignStats& stats) = 0;
};

// ---------------------------------------------------------------- notifier

class VIGIE_VISIBLE Notifier {
 public:
  virtual ~Notifier() = default;
  // Delivers one fired route. Returns only once the alert is delivered
  // (written and flushed, or acknowledged by the receiver); throws
  // PluginError when it could not be: the engine keeps the alert in its
  // outbox and tries again later. The same alert (same idempotency_key) may
  // come again after a crash.
  virtual void notify(const Alert& alert) = 0;
  // Called when the run ends; flush buffers.
  virtual void flush() {}
};

// ---------------------------------------------------------------- registry

using SourceFactory =
    std::function<std::unique_ptr<Source>(const YAML::Node&, const PluginContext&)>;
using DialerFactory =
    std::function<std::unique_ptr<Dialer>(const YAML::Node&, const PluginContext&)>;
using PricingFactory =
    std::function<std::unique_ptr<Pricing>(const YAML::Node&, const PluginContext&)>;
using NotifierFactory =
    std::function<std::unique_ptr<Notifier>(const YAML::Node&, const PluginContext&)>;

// Factories by plugin name. Adding a name twice throws std::invalid_argument.
class Registry {
 public:
  void add_source(const std::string& name, SourceFactory factory);
  void add_dialer(const std::string& name, DialerFactory factory);
  void add_pricing(const std::string& name, PricingFactory factory);
  void add_notifier(const std::string& name, NotifierFactory factory);

  const SourceFactory* source(const std::string& name) const;
  const DialerFactory* dialer(const std::string& name) const;
  const PricingFactory* pricing(const std::string& name) const;
  const NotifierFactory* notifier(const std::string& name) const;

  std::vector<std::string> names(const std::string& kind) const;

 private:
  std::map<std::string, SourceFactory> sources_;
  std::map<std::string, DialerFactory> dialers_;
  std::map<std::string, PricingFactory> pricings_;
  std::map<std::string, NotifierFactory> notifiers_;
};

}  // namespace vigie

// Declares the manifest and the registration entry point of a plugin
// library. Use it once per library, at global scope; `function` names a
// `void(vigie::Registry&)` function (not a lambda, whose address the alias
// cannot take), and `version` is a string literal. When VIGIE_PLUGIN_STATIC
// is defined (the plugin is linked into a test), it instead defines
// `void vigie_register_<kind>_<name>(vigie::Registry&)` at global scope.
#ifdef VIGIE_PLUGIN_STATIC
#define VIGIE_PLUGIN(kind, name, version, function)                  \
  void vigie_register_##kind##_##name(::vigie::Registry& registry) { \
    function(registry);                                              \
  }
#else
#include <boost/dll/alias.hpp>
#define VIGIE_PLUGIN(kind, name, version, function)                                      \
  extern "C" BOOST_SYMBOL_EXPORT const ::vigie::PluginManifest vigie_plugin_manifest;    \
  extern "C" BOOST_SYMBOL_EXPORT const ::vigie::PluginManifest vigie_plugin_manifest = { \
      ::vigie::kPluginMagic, ::vigie::kPluginAbiVersion, #kind, #name, version};         \
  BOOST_DLL_ALIAS(function, vigie_plugin_register)
#endif
