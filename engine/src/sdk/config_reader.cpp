#include "vigie/config_reader.hpp"

#include "common/diagnostic.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace vigie {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

bool is_scalar(const YAML::Node& node) {
  return node.IsDefined() && node.IsScalar();
}

}  // namespace

std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  return common::nearest_name(name, candidates);
}

std::string join_names(const std::vector<std::string>& names) {
  return join(names);
}

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string resolve_path(const std::string& dir, const std::string& path) {
  const std::filesystem::path file(path);
  if (file.is_absolute() || dir.empty()) return file.string();
  return (std::filesystem::path(dir) / file).lexically_normal().string();
}

ConfigError config_error(const YAML::Node& node, const YAML::Node& fallback,
                         const std::string& message) {
  if (node.IsDefined() && !node.Mark().is_null()) return ConfigError(node, message);
  return ConfigError(fallback, message);
}

// An absent or null node reads as an empty mapping. yaml-cpp throws when an
// invalid (absent) node is assigned to, so the member is built here.
static YAML::Node mapping_or_empty(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return YAML::Node(YAML::NodeType::Map);
  return node;
}

ConfigReader::ConfigReader(const YAML::Node& node, std::string what)
    : node_(mapping_or_empty(node)), what_(std::move(what)) {
  if (!node_.IsMap()) {
    throw ConfigError(node, what_ + " must be a mapping of keys to values");
  }
}

void ConfigReader::allow_only(std::initializer_list<std::string_view> allowed) const {
  allow_only(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void ConfigReader::allow_only(const std::vector<std::string>& allowed) const {
  std::vector<std::string> known = allowed;
  known.push_back("plugin");

  for (const auto& entry : node_) {
    const std::string key = entry.first.Scalar();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;

    std::string message = "unknown key '" + key + "' in " + what_;
    const std::string suggestion = nearest_name(key, allowed);
    if (!suggestion.empty()) {
      message += "; did you mean '" + suggestion + "'?";
    } else {
      message += "; known keys are " + join(allowed);
    }
    throw ConfigError(entry.first, message);
  }
}

bool ConfigReader::has(const std::string& key) const {
  const YAML::Node value = node_[key];
  return value.IsDefined() && !value.IsNull();
}

YAML::Node ConfigReader::node(const std::string& key) const {
  return node_[key];
}

void ConfigReader::fail(const std::string& key, const std::string& message) const {
  throw config_error(node_[key], node_, message);
}

std::string ConfigReader::require_string(const std::string& key) const {
  if (!has(key)) fail(key, what_ + " needs the key '" + key + "'");
  return as_string(node_[key], key);
}

std::string ConfigReader::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? as_string(node_[key], key) : fallback;
}

std::int64_t ConfigReader::get_integer(const std::string& key, std::int64_t fallback) const {
  return has(key) ? as_integer(node_[key], key) : fallback;
}

double ConfigReader::get_number(const std::string& key, double fallback) const {
  return has(key) ? as_number(node_[key], key) : fallback;
}

bool ConfigReader::get_bool(const std::string& key, bool fallback) const {
  return has(key) ? as_bool(node_[key], key) : fallback;
}

std::string ConfigReader::get_choice(const std::string& key, const std::string& fallback,
                                     std::initializer_list<std::string_view> choices) const {
  const std::string value = get_string(key, fallback);
  for (std::string_view choice : choices) {
    if (value == choice) return value;
  }

  std::vector<std::string> names(choices.begin(), choices.end());
  throw ConfigError(node_[key],
                    "'" + key + "' cannot be '" + value + "'; use one of " + join(names));
}

std::string ConfigReader::as_string(const YAML::Node& value, const std::string& key) {
  if (!is_scalar(value)) throw ConfigError(value, "'" + key + "' must be a text value");
  return value.Scalar();
}

std::int64_t ConfigReader::as_integer(const YAML::Node& value, const std::string& key) {
  const std::string message = "'" + key + "' must be a whole number";
  if (!is_scalar(value)) throw ConfigError(value, message);
  try {
    return value.as<std::int64_t>();
  } catch (const YAML::Exception&) {
    throw ConfigError(value, message + ", not '" + value.Scalar() + "'");
  }
}

double ConfigReader::as_number(const YAML::Node& value, const std::string& key) {
  const std::string message = "'" + key + "' must be a number";
  if (!is_scalar(value)) throw ConfigError(value, message);
  try {
    return value.as<double>();
  } catch (const YAML::Exception&) {
    throw ConfigError(value, message + ", not '" + value.Scalar() + "'");
  }
}

bool ConfigReader::as_bool(const YAML::Node& value, const std::string& key) {
  const std::string message = "'" + key + "' must be true or false";
  if (!is_scalar(value)) throw ConfigError(value, message);
  try {
    return value.as<bool>();
  } catch (const YAML::Exception&) {
    throw ConfigError(value, message + ", not '" + value.Scalar() + "'");
  }
}

}  // namespace vigie
