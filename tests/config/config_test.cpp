#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "config/config.hpp"

using vigie::config::ConfigError;
using vigie::config::EngineConfig;
using vigie::config::load_config;
using vigie::config::parse_config;

namespace {

const char* const kPath = "examples/configs/paris.yaml";

const char* const kValidConfig = R"(# Paris heatwave campaign, synthetic roster.
store: out/vigie.db
plugin_path: [plugins, /opt/vigie/plugins, ../shared/plugins]
agents: 12
sources:
  reflex:
    plugin: csv
    path: ../rosters/paris_10500.csv
    delimiter: ";"
dialer:
  plugin: simulated
  seed: 42
notifiers:
  cellule_urgence: {plugin: csv_file, path: escalations.csv}
  mairie: {plugin: webhook, url: "http://127.0.0.1:8089/alerts"}
pricing:
  marche_2022:
    plugin: volume_band
)";

std::string parse_error(const std::string& text) {
  try {
    parse_config(text, "cfg.yaml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("config valid example reads every section", "[config]") {
  const EngineConfig config = parse_config(kValidConfig, kPath);

  CHECK(config.path == kPath);
  CHECK(config.dir == "examples/configs");
  CHECK(config.store == "out/vigie.db");
  CHECK(config.plugin_path == std::vector<std::string>{"examples/configs/plugins",
                                                       "/opt/vigie/plugins",
                                                       "examples/shared/plugins"});
  REQUIRE(config.agents.has_value());
  CHECK(*config.agents == 12);
  CHECK(parse_config("agents: +3", kPath).agents == 3);

  REQUIRE(config.sources.size() == 1);
  const auto& reflex = config.sources.at("reflex");
  CHECK(reflex.name == "reflex");
  CHECK(reflex.plugin == "csv");
  CHECK(reflex.node["path"].as<std::string>() == "../rosters/paris_10500.csv");
  CHECK(reflex.line == 7);
  CHECK(reflex.column == 5);

  REQUIRE(config.dialer.has_value());
  CHECK(config.dialer->name == "dialer");
  CHECK(config.dialer->plugin == "simulated");
  CHECK(config.dialer->node["seed"].as<int>() == 42);
  CHECK(config.dialer->line == 11);
  CHECK(config.dialer->column == 3);

  REQUIRE(config.notifiers.size() == 2);
  CHECK(config.notifiers.at("cellule_urgence").plugin == "csv_file");
  CHECK(config.notifiers.at("cellule_urgence").line == 14);
  CHECK(config.notifiers.at("cellule_urgence").column == 20);
  CHECK(config.notifiers.at("mairie").plugin == "webhook");
  REQUIRE(config.pricing.size() == 1);
  CHECK(config.pricing.at("marche_2022").plugin == "volume_band");
}

TEST_CASE("config defaults for empty and partial files", "[config]") {
  const std::vector<std::string> empty_texts = {"", "# only a comment\n", "---\n"};
  for (const std::string& text : empty_texts) {
    INFO(text);
    const EngineConfig config = parse_config(text, "vigie.yaml");
    CHECK(config.dir == ".");
    CHECK(config.store.empty());
    CHECK(config.plugin_path.empty());
    CHECK_FALSE(config.agents.has_value());
    CHECK(config.sources.empty());
    CHECK_FALSE(config.dialer.has_value());
  }

  const EngineConfig config =
      parse_config("plugin_path: /opt/p\nsources:\nnotifiers: {}\n", "/etc/vigie/vigie.yaml");
  CHECK(config.dir == "/etc/vigie");
  CHECK(config.plugin_path == std::vector<std::string>{"/opt/p"});
  CHECK(config.sources.empty());
  CHECK(config.notifiers.empty());
}

TEST_CASE("config plugin_path resolves from the config folder", "[config]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"plugin_path: plugins", "conf/plugins"},
      {"plugin_path: ./plugins/", "conf/plugins/"},
      {"plugin_path: ../lib/vigie", "lib/vigie"},
      {"plugin_path: /usr/lib/vigie", "/usr/lib/vigie"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    const EngineConfig config = parse_config(text, "conf/vigie.yaml");
    CHECK(config.plugin_path == std::vector<std::string>{expected});
  }
}

TEST_CASE("config mistakes name file, line and column", "[config]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // Unknown keys, with and without a close match.
      {"store: a.db\nsorces:\n  reflex: {plugin: csv}\n",
       "cfg.yaml:2:1: unknown key 'sorces'; did you mean 'sources'?"},
      {"notifier:\n", "cfg.yaml:1:1: unknown key 'notifier'; did you mean 'notifiers'?"},
      {"plugins_path: p\n",
       "cfg.yaml:1:1: unknown key 'plugins_path'; did you mean 'plugin_path'?"},
      {"listen: 8080\n",
       "cfg.yaml:1:1: unknown key 'listen'; the known keys are store, plugin_path, agents, "
       "sources, dialer, notifiers, pricing, service"},
      {"store: a.db\nstore: b.db\n",
       "cfg.yaml:2:1: duplicate key 'store'; its first use is on line 1, keep only one"},
      // Missing plugin keys: the position is the instance's mapping.
      {"sources:\n  reflex:\n    path: a.csv\n",
       "cfg.yaml:3:5: source instance 'reflex' has no 'plugin' key; add `plugin: NAME` naming "
       "the plugin that backs it"},
      {"dialer: {seed: 1}\n",
       "cfg.yaml:1:9: the dialer has no 'plugin' key; add `plugin: NAME` naming the plugin that "
       "backs it"},
      {"pricing:\n  marche_2022: {}\n",
       "cfg.yaml:2:16: pricing instance 'marche_2022' has no 'plugin' key; add `plugin: NAME` "
       "naming the plugin that backs it"},
      // Wrong kinds of node.
      {"sources: [reflex]\n",
       "cfg.yaml:1:10: sources must be a mapping of instance names to settings, got a list"},
      {"dialer: simulated\n",
       "cfg.yaml:1:9: the dialer must be a mapping with a 'plugin' key, got 'simulated'; write "
       "`dialer: {plugin: simulated}`"},
      {"dialer:\n", "cfg.yaml:1:1: the dialer must be a mapping with a 'plugin' key, got nothing"},
      {"notifiers:\n  sms: csv_file\n",
       "cfg.yaml:2:8: notifier instance 'sms' must be a mapping with a 'plugin' key, got "
       "'csv_file'; write `sms: {plugin: csv_file}`"},
      {"sources:\n  reflex:\n    plugin: [csv]\n",
       "cfg.yaml:3:13: 'plugin' of source instance 'reflex' must be a plugin name, got a list"},
      {"notifiers:\n  cellule urgence: {plugin: csv_file}\n",
       "cfg.yaml:2:3: 'cellule urgence' is not a valid notifier instance name; use letters, "
       "digits and '_', not starting with a digit"},
      {"sources:\n  reflex: {plugin: csv}\n  reflex: {plugin: sql}\n",
       "cfg.yaml:3:3: duplicate source instance 'reflex'; keep only one"},
      {"agents: many\n", "cfg.yaml:1:9: agents must be a whole number of lines, got 'many'"},
      {"agents: 2.5\n", "cfg.yaml:1:9: agents must be a whole number of lines, got '2.5'"},
      {"agents: 99999999999\n",
       "cfg.yaml:1:9: agents must be a whole number of lines, got '99999999999'"},
      {"agents: 0\n", "cfg.yaml:1:9: agents must be at least 1, got 0"},
      {"agents: +\n", "cfg.yaml:1:9: agents must be a whole number of lines, got '+'"},
      {"agents: +-2\n", "cfg.yaml:1:9: agents must be a whole number of lines, got '+-2'"},
      {"agents: -3\n", "cfg.yaml:1:9: agents must be at least 1, got -3"},
      {"store: [a.db]\n", "cfg.yaml:1:8: store must be text, got a list"},
      {"store:\n", "cfg.yaml:1:1: store must be text, got nothing"},
      {"plugin_path: {a: b}\n",
       "cfg.yaml:1:14: plugin_path must be a folder or a list of folders, got a mapping"},
      {"plugin_path:\n  - plugins\n  - [nested]\n",
       "cfg.yaml:3:5: each plugin_path entry must be text, got a list"},
      {"- store\n- sources\n",
       "cfg.yaml:1:1: the config must be a mapping of settings (store, sources, dialer, ...), got "
       "a list"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(parse_error(text) == expected);
  }
}

TEST_CASE("config YAML syntax errors keep the parser's position", "[config]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"store: a.db\nsources:\n  reflex: {plugin: csv\n",
       "cfg.yaml:4:1: invalid YAML: end of map flow not found"},
      {"store: a.db\nagents: 3: 4\n", "cfg.yaml:2:10: invalid YAML: illegal map value"},
      {"sources:\n  reflex:\n\tplugin: csv\n",
       "cfg.yaml:3:2: invalid YAML: end of map not found; YAML indentation must use spaces, not "
       "tabs"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(parse_error(text) == expected);
  }
}

TEST_CASE("config load_config reads a file", "[config]") {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("vigie-config-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/vigie.yaml";
  std::ofstream(path) << kValidConfig;

  const EngineConfig config = load_config(path);
  CHECK(config.path == path);
  CHECK(config.dir == dir);
  CHECK(config.plugin_path.front() == dir + "/plugins");
  CHECK(config.sources.at("reflex").plugin == "csv");

  CHECK_THROWS_WITH(load_config(dir + "/missing.yaml"),
                    "cannot read config " + dir + "/missing.yaml: No such file; check the path");
  CHECK_THROWS_WITH(load_config(dir),
                    "cannot read config " + dir + ": it is a folder; give the path of a YAML file");
  std::filesystem::remove_all(dir);
}
