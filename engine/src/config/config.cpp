#include "config/config.hpp"

#include "common/diagnostic.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

namespace vigie::config {

namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 8> kTopLevelKeys = {
    "store", "plugin_path", "agents", "sources", "dialer", "notifiers", "pricing", "service"};

// Reads one config text; every error names `path_` and a 1-based position.
class Reader {
 public:
  Reader(std::string path, EngineConfig& config) : path_(std::move(path)), config_(config) {}

  void read(const YAML::Node& root);

 private:
  void read_entry(const std::string& key, const YAML::Node& value, const YAML::Mark& key_mark);
  std::string read_text(const std::string& key, const YAML::Node& value,
                        const YAML::Mark& key_mark) const;
  void read_plugin_path(const YAML::Node& value, const YAML::Mark& key_mark);
  int read_agents(const YAML::Node& value, const YAML::Mark& key_mark) const;
  std::map<std::string, Instance> read_instances(const std::string& key, std::string_view kind,
                                                 const YAML::Node& value,
                                                 const YAML::Mark& key_mark) const;
  Instance read_instance(const std::string& name, const std::string& label, const YAML::Node& value,
                         const YAML::Mark& key_mark) const;
  std::string resolve(const std::string& entry) const;

  std::string path_;
  EngineConfig& config_;
};

[[noreturn]] void fail(const std::string& path, const YAML::Mark& mark,
                       const std::string& message) {
  // yaml-cpp marks are 0-based; an absent node's mark has line -1, and the
  // callers pass a present parent's mark instead.
  const int line = std::max(mark.line, 0) + 1;
  const int column = std::max(mark.column, 0) + 1;
  throw ConfigError(path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                    message);
}

// The mark of `node`, or `fallback` (its key's) when the node is absent or
// null: yaml-cpp places an empty value on the line after its key.
YAML::Mark mark_of(const YAML::Node& node, const YAML::Mark& fallback) {
  const YAML::Mark mark = node.Mark();
  return mark.line < 0 || node.IsNull() ? fallback : mark;
}

// yaml-cpp reports a tab in indentation as a structural error far from the
// tab, so name the real mistake when the line starts with a tab.
std::string tab_hint(const std::string& text, int line) {
  std::istringstream lines(text);
  std::string current;
  for (int i = 0; i <= line && std::getline(lines, current); ++i) {
  }
  const std::size_t indent_end = current.find_first_not_of(" \t");
  const std::string indent = current.substr(0, indent_end);
  if (indent.find('\t') == std::string::npos) return "";
  return "; YAML indentation must use spaces, not tabs";
}

// Describes a node's kind for "expected X, got Y" messages.
std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "'" + node.Scalar() + "'";
}

// "; did you mean 'sources'?" when a known key is a few edits away, else
// the list of known keys.
std::string suggest_key(std::string_view unknown) {
  const std::vector<std::string> keys(std::begin(kTopLevelKeys), std::end(kTopLevelKeys));
  const std::string best = common::nearest_name(unknown, keys);
  if (!best.empty()) return "; did you mean '" + best + "'?";

  std::string known;
  for (std::string_view key : kTopLevelKeys) {
    known += known.empty() ? "" : ", ";
    known += key;
  }
  return "; the known keys are " + known;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string folder_of(const std::string& path) {
  const fs::path folder = fs::path(path).parent_path();
  return folder.empty() ? "." : folder.string();
}

void Reader::read(const YAML::Node& root) {
  // An empty file is a valid config that keeps every default.
  if (!root.IsDefined() || root.IsNull()) return;
  if (!root.IsMap()) {
    fail(path_, mark_of(root, YAML::Mark()),
         "the config must be a mapping of settings (store, sources, dialer, ...), got " +
             describe(root));
  }

  std::map<std::string, int> seen;  // key -> 1-based line of its first use
  for (const auto& entry : root) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) fail(path_, key.Mark(), "a top-level key must be a name");

    const std::string name = key.Scalar();
    if (const auto first = seen.find(name); first != seen.end()) {
      fail(path_, key.Mark(),
           "duplicate key '" + name + "'; its first use is on line " +
               std::to_string(first->second) + ", keep only one");
    }
    seen.emplace(name, key.Mark().line + 1);

    if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), name) == kTopLevelKeys.end()) {
      fail(path_, key.Mark(), "unknown key '" + name + "'" + suggest_key(name));
    }
    read_entry(name, entry.second, key.Mark());
  }
}

void Reader::read_entry(const std::string& key, const YAML::Node& value,
                        const YAML::Mark& key_mark) {
  if (key == "store") {
    config_.store = read_text(key, value, key_mark);
  } else if (key == "plugin_path") {
    read_plugin_path(value, key_mark);
  } else if (key == "agents") {
    config_.agents = read_agents(value, key_mark);
  } else if (key == "sources") {
    config_.sources = read_instances(key, "source", value, key_mark);
  } else if (key == "dialer") {
    config_.dialer = read_instance("dialer", "the dialer", value, key_mark);
  } else if (key == "notifiers") {
    config_.notifiers = read_instances(key, "notifier", value, key_mark);
  } else if (key == "pricing") {
    config_.pricing = read_instances(key, "pricing", value, key_mark);
  } else if (key == "service") {
    // `vigie serve` reads this section itself (service/service_config.cpp).
    config_.service = value;
    config_.service_line = key_mark.line + 1;
    config_.service_column = key_mark.column + 1;
  }
}

std::string Reader::read_text(const std::string& key, const YAML::Node& value,
                              const YAML::Mark& key_mark) const {
  if (!value.IsScalar() || value.Scalar().empty()) {
    fail(path_, mark_of(value, key_mark), key + " must be text, got " + describe(value));
  }
  return value.Scalar();
}

void Reader::read_plugin_path(const YAML::Node& value, const YAML::Mark& key_mark) {
  config_.plugin_path.clear();
  if (value.IsNull()) return;
  if (value.IsScalar()) {
    config_.plugin_path.push_back(resolve(read_text("plugin_path", value, key_mark)));
    return;
  }
  if (!value.IsSequence()) {
    fail(path_, mark_of(value, key_mark),
         "plugin_path must be a folder or a list of folders, got " + describe(value));
  }

  for (const YAML::Node& entry : value) {
    config_.plugin_path.push_back(resolve(read_text("each plugin_path entry", entry, key_mark)));
  }
}

int Reader::read_agents(const YAML::Node& value, const YAML::Mark& key_mark) const {
  const YAML::Mark mark = mark_of(value, key_mark);
  const std::string text = value.IsScalar() ? value.Scalar() : std::string();

  // from_chars rejects the '+' that YAML allows before an integer's digits,
  // so skip it there.
  std::size_t start = 0;
  if (text.size() > 1 && text[0] == '+' && std::isdigit(static_cast<unsigned char>(text[1]))) {
    start = 1;
  }
  int agents = 0;
  const auto [end, error] = std::from_chars(text.data() + start, text.data() + text.size(), agents);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    fail(path_, mark, "agents must be a whole number of lines, got " + describe(value));
  }
  if (agents < 1) {
    fail(path_, mark, "agents must be at least 1, got " + text);
  }
  return agents;
}

std::map<std::string, Instance> Reader::read_instances(const std::string& key,
                                                       std::string_view kind,
                                                       const YAML::Node& value,
                                                       const YAML::Mark& key_mark) const {
  std::map<std::string, Instance> instances;
  if (value.IsNull()) return instances;
  if (!value.IsMap()) {
    fail(path_, mark_of(value, key_mark),
         key + " must be a mapping of instance names to settings, got " + describe(value));
  }

  for (const auto& entry : value) {
    const YAML::Node& name_node = entry.first;
    const std::string name = name_node.IsScalar() ? name_node.Scalar() : std::string();
    // Campaigns name instances with identifiers, so any other name could
    // never be used.
    if (!is_identifier(name)) {
      fail(path_, name_node.Mark(),
           "'" + name + "' is not a valid " + std::string(kind) +
               " instance name; use letters, digits and '_', not starting with a digit");
    }
    if (instances.count(name) != 0) {
      fail(path_, name_node.Mark(),
           "duplicate " + std::string(kind) + " instance '" + name + "'; keep only one");
    }
    const std::string label = std::string(kind) + " instance '" + name + "'";
    instances.emplace(name, read_instance(name, label, entry.second, name_node.Mark()));
  }
  return instances;
}

Instance Reader::read_instance(const std::string& name, const std::string& label,
                               const YAML::Node& value, const YAML::Mark& key_mark) const {
  const YAML::Mark mark = mark_of(value, key_mark);
  if (!value.IsMap()) {
    std::string hint;
    if (value.IsScalar()) hint = "; write `" + name + ": {plugin: " + value.Scalar() + "}`";
    fail(path_, mark,
         label + " must be a mapping with a 'plugin' key, got " + describe(value) + hint);
  }

  const YAML::Node plugin = value["plugin"];
  if (!plugin.IsDefined()) {
    fail(path_, mark,
         label + " has no 'plugin' key; add `plugin: NAME` naming the plugin that backs it");
  }
  if (!plugin.IsScalar() || plugin.Scalar().empty()) {
    fail(path_, mark_of(plugin, mark),
         "'plugin' of " + label + " must be a plugin name, got " + describe(plugin));
  }

  Instance instance;
  instance.name = name;
  instance.plugin = plugin.Scalar();
  instance.node = value;
  instance.line = mark.line + 1;
  instance.column = mark.column + 1;
  return instance;
}

std::string Reader::resolve(const std::string& entry) const {
  const fs::path folder(entry);
  if (folder.is_absolute()) return folder.lexically_normal().string();
  return (fs::path(config_.dir) / folder).lexically_normal().string();
}

}  // namespace

EngineConfig parse_config(const std::string& text, const std::string& path) {
  EngineConfig config;
  config.path = path;
  config.dir = folder_of(path);

  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    fail(path, error.mark, "invalid YAML: " + error.msg + tab_hint(text, error.mark.line));
  }

  Reader(path, config).read(root);
  return config;
}

EngineConfig load_config(const std::string& path) {
  std::error_code error;
  if (!fs::exists(path, error)) {
    throw ConfigError("cannot read config " + path + ": No such file; check the path");
  }
  if (fs::is_directory(path, error)) {
    throw ConfigError("cannot read config " + path +
                      ": it is a folder; give the path of a YAML file");
  }

  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError("cannot read config " + path + ": " + std::strerror(errno) +
                      "; check the file's permissions");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace vigie::config
