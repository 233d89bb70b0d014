#include <catch2/catch.hpp>

#include "vigie/config_reader.hpp"

using namespace vigie;

namespace {

// Runs `action` and returns the ConfigError it throws.
template <typename Action>
ConfigError error_of(Action action) {
  try {
    action();
  } catch (const ConfigError& error) {
    return error;
  }
  FAIL("no ConfigError");
  return ConfigError(0, 0, "");
}

}  // namespace

TEST_CASE("ConfigReader rejects unknown keys with a suggestion", "[sdk][config]") {
  const YAML::Node node = YAML::Load("plugin: csv\npath: a.csv\ndelimter: ';'\n");
  const ConfigReader config(node, "csv source 'reflex'");
  const ConfigError error = error_of([&] { config.allow_only({"path", "delimiter"}); });
  CHECK(std::string(error.what()) ==
        "unknown key 'delimter' in csv source 'reflex'; did you mean 'delimiter'?");
  CHECK(error.line() == 3);
  CHECK(error.column() == 1);
}

TEST_CASE("ConfigReader lists keys when nothing is close", "[sdk][config]") {
  const YAML::Node node = YAML::Load("zzzzzzzz: 1\n");
  const ConfigReader config(node, "x");
  const ConfigError error = error_of([&] { config.allow_only({"path", "delimiter"}); });
  CHECK(std::string(error.what()) == "unknown key 'zzzzzzzz' in x; known keys are path, delimiter");
}

TEST_CASE("ConfigReader places a missing key at its parent", "[sdk][config]") {
  const YAML::Node root = YAML::Load("sources:\n  reflex:\n    plugin: csv\n    delimiter: ';'\n");
  const ConfigReader config(root["sources"]["reflex"], "csv source 'reflex'");
  const ConfigError error = error_of([&] { config.require_string("path"); });
  CHECK(std::string(error.what()) == "csv source 'reflex' needs the key 'path'");
  CHECK(error.line() == 3);
  CHECK(error.column() == 5);
}

TEST_CASE("ConfigReader places a bad value at the value", "[sdk][config]") {
  const YAML::Node node = YAML::Load("seed: abc\nmode: fast\nlist: [1, 2]\n");
  const ConfigReader config(node, "x");

  const ConfigError number = error_of([&] { config.get_integer("seed", 0); });
  CHECK(std::string(number.what()) == "'seed' must be a whole number, not 'abc'");
  CHECK(number.line() == 1);
  CHECK(number.column() == 7);

  const ConfigError choice = error_of([&] { config.get_choice("mode", "auto", {"auto", "iso"}); });
  CHECK(std::string(choice.what()) == "'mode' cannot be 'fast'; use one of auto, iso");
  CHECK(choice.line() == 2);

  const ConfigError text = error_of([&] { config.get_string("list", ""); });
  CHECK(text.line() == 3);
  CHECK(text.column() == 7);
}

TEST_CASE("ConfigReader reads typed values and defaults", "[sdk][config]") {
  const YAML::Node node = YAML::Load("seed: 42\nrate: 0.5\nflag: true\nname: x\n");
  const ConfigReader config(node, "x");
  CHECK(config.get_integer("seed", 0) == 42);
  CHECK(config.get_number("rate", 0) == 0.5);
  CHECK(config.get_bool("flag", false));
  CHECK(config.get_string("name", "") == "x");
  CHECK(config.get_string("absent", "default") == "default");
  CHECK(ConfigReader(YAML::Node(), "empty").get_integer("seed", 7) == 7);
}

TEST_CASE("ConfigReader rejects a non-mapping", "[sdk][config]") {
  const YAML::Node node = YAML::Load("- a\n- b\n");
  const ConfigError error = error_of([&] { ConfigReader(node, "csv source 'reflex'"); });
  CHECK(std::string(error.what()) == "csv source 'reflex' must be a mapping of keys to values");
  CHECK(error.line() == 1);
}

TEST_CASE("nearest_name finds typos only", "[sdk][config]") {
  CHECK(nearest_name("phone_regoin", {"path", "phone_region"}) == "phone_region");
  CHECK(nearest_name("xyz", {"path", "phone_region"}).empty());
}

TEST_CASE("Registry rejects duplicate names", "[sdk][registry]") {
  Registry registry;
  const auto factory = [](const YAML::Node&, const PluginContext&) -> std::unique_ptr<Source> {
    return nullptr;
  };
  registry.add_source("csv", factory);
  CHECK_THROWS_AS(registry.add_source("csv", factory), std::invalid_argument);
  CHECK(registry.source("csv") != nullptr);
  CHECK(registry.source("sql") == nullptr);
  CHECK(registry.names("source") == std::vector<std::string>{"csv"});
}

TEST_CASE("ConfigReader reads an absent key as empty", "[sdk][config]") {
  const YAML::Node root = YAML::Load("plugin: volume_band\n");
  const ConfigReader config(root, "pricing");
  const ConfigReader absent(config.node("setup"), "setup");
  CHECK(absent.get_string("mode", "complexity") == "complexity");
  CHECK_FALSE(absent.has("mode"));
  CHECK_NOTHROW(absent.allow_only({"mode"}));
}

TEST_CASE("resolve_path keeps absolute paths", "[sdk][config]") {
  CHECK(resolve_path("/etc/vigie", "rosters/a.csv") == "/etc/vigie/rosters/a.csv");
  CHECK(resolve_path("/etc/vigie", "../a.csv") == "/etc/a.csv");
  CHECK(resolve_path("/etc/vigie", "/data/a.csv") == "/data/a.csv");
  CHECK(resolve_path("", "a.csv") == "a.csv");
}
