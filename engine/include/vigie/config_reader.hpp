#pragma once
// Typed access to a plugin's YAML mapping. Every mistake throws
// vigie::ConfigError carrying the 1-based line and column of the node at
// fault (of the mapping itself when a required key is missing), so the
// engine can print FILE:LINE:COL.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "vigie/plugin.hpp"

namespace vigie {

// Returns the candidate closest to `name` by edit distance, or an empty
// string when none is close enough to be a likely typo.
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// Joins names with ", " for messages ("daily, weekly, rarely").
std::string join_names(const std::vector<std::string>& names);

// Formats a number for messages with printf's %g (no trailing zeros).
std::string format_number(double value);

// Resolves a relative `path` from `dir` (a PluginContext's config_dir or
// output_dir); an absolute path is returned unchanged.
std::string resolve_path(const std::string& dir, const std::string& path);

// Builds a ConfigError at `node`; when the node has no position (a missing
// key), at `fallback`.
ConfigError config_error(const YAML::Node& node, const YAML::Node& fallback,
                         const std::string& message);

class ConfigReader {
 public:
  // `node` must be a mapping (or null, read as an empty mapping); `what`
  // names it in messages ("csv source 'reflex'"). Throws ConfigError.
  ConfigReader(const YAML::Node& node, std::string what);

  // Rejects every key not in `allowed`, suggesting the nearest allowed
  // key. The key `plugin` is always allowed, because the engine hands the
  // whole instance mapping to the plugin.
  void allow_only(std::initializer_list<std::string_view> allowed) const;
  void allow_only(const std::vector<std::string>& allowed) const;

  bool has(const std::string& key) const;
  // The value of `key`. When the key is absent the node is invalid:
  // IsDefined() is false, and assigning it to another YAML::Node throws.
  YAML::Node node(const std::string& key) const;
  const YAML::Node& self() const { return node_; }
  const std::string& what() const { return what_; }

  std::string require_string(const std::string& key) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  std::int64_t get_integer(const std::string& key, std::int64_t fallback) const;
  double get_number(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  // Rejects a value not in `choices`, listing them.
  std::string get_choice(const std::string& key, const std::string& fallback,
                         std::initializer_list<std::string_view> choices) const;

  // Scalar conversions of any node, positioned at that node.
  static std::string as_string(const YAML::Node& value, const std::string& key);
  static std::int64_t as_integer(const YAML::Node& value, const std::string& key);
  static double as_number(const YAML::Node& value, const std::string& key);
  static bool as_bool(const YAML::Node& value, const std::string& key);

  // Throws a ConfigError positioned at `key`'s value, or at this mapping
  // when the key is absent.
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  YAML::Node node_;
  std::string what_;
};

}  // namespace vigie
