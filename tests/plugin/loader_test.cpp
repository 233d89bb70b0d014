#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "plugin/loader.hpp"

using vigie::PluginError;
using vigie::plugin::Loader;

namespace {

const std::string kPlugins = VIGIE_PLUGIN_DIR;
const std::string kFixtures = VIGIE_TEST_PLUGIN_DIR;

std::string load_error(Loader& loader, const std::string& kind, const std::string& name) {
  try {
    loader.load(kind, name);
  } catch (const PluginError& error) {
    return error.what();
  }
  return "no error";
}

vigie::PluginContext context() {
  return vigie::PluginContext{"test", "engine.yaml", VIGIE_SOURCE_DIR, VIGIE_BINARY_DIR};
}

}  // namespace

TEST_CASE("Loader loads every shipped plugin", "[plugin][loader]") {
  Loader loader({kPlugins});
  const std::pair<const char*, const char*> shipped[] = {
      {"source", "csv"},          {"dialer", "simulated"},  {"dialer", "replay"},
      {"pricing", "volume_band"}, {"notifier", "csv_file"},
  };
  for (const auto& [kind, name] : shipped) {
    INFO(kind << " " << name);
    loader.load(kind, name);
    CHECK(loader.is_loaded(kind, name));
    CHECK(loader.registry().names(kind).size() >= 1);
  }
  CHECK(loader.registry().source("csv") != nullptr);
  CHECK(loader.registry().dialer("simulated") != nullptr);
}

TEST_CASE("Loader lists available plugins", "[plugin][loader]") {
  const Loader loader({kPlugins, kFixtures});
  const auto files = loader.available();
  const auto has = [&](const std::string& kind, const std::string& name) {
    return std::any_of(files.begin(), files.end(), [&](const vigie::plugin::PluginFile& file) {
      return file.kind == kind && file.name == name;
    });
  };
  CHECK(has("source", "csv"));
  CHECK(has("dialer", "replay"));
  CHECK(has("notifier", "csv_file"));
  CHECK(has("source", "future"));
}

TEST_CASE("Loader reports a missing plugin file", "[plugin][loader]") {
  Loader loader({kPlugins});
  CHECK(load_error(loader, "source", "ldap") ==
        "plugin file not found: libvigie_source_ldap.so (searched " + kPlugins +
            "); build it or add its folder to plugin_path");

  CHECK(load_error(loader, "source", "cvs") ==
        "plugin file not found: libvigie_source_cvs.so (searched " + kPlugins +
            "); build it or add its folder to plugin_path; did you mean the source plugin 'csv'?");

  const std::string path = kPlugins + "/libvigie_source_none.so";
  try {
    loader.load_file(path, "source", "none");
    FAIL("no PluginError");
  } catch (const PluginError& error) {
    CHECK(std::string(error.what()) ==
          "plugin file not found: " + path + "; build it or add its folder to plugin_path");
  }
}

TEST_CASE("Loader rejects a library without manifest", "[plugin][loader]") {
  Loader loader({kFixtures});
  CHECK(load_error(loader, "source", "notplugin") ==
        kFixtures +
            "/libvigie_source_notplugin.so is not a Vigie plugin: no vigie_plugin_manifest symbol");
}

TEST_CASE("Loader rejects another ABI naming both", "[plugin][loader]") {
  Loader loader({kFixtures});
  CHECK(load_error(loader, "source", "future") ==
        kFixtures + "/libvigie_source_future.so was built for plugin ABI " +
            std::to_string(vigie::kPluginAbiVersion + 1) + " but this engine uses ABI " +
            std::to_string(vigie::kPluginAbiVersion) + "; rebuild the plugin");
  CHECK_FALSE(loader.is_loaded("source", "future"));
}

TEST_CASE("Loader rejects a plugin without entry point", "[plugin][loader]") {
  Loader loader({kFixtures});
  CHECK(load_error(loader, "source", "noentry") ==
        kFixtures +
            "/libvigie_source_noentry.so has no entry point vigie_plugin_register; "
            "declare it with VIGIE_PLUGIN");
}

TEST_CASE("Loader rejects a manifest of another plugin", "[plugin][loader]") {
  Loader loader({kFixtures});
  CHECK(load_error(loader, "source", "misnamed") ==
        kFixtures +
            "/libvigie_source_misnamed.so declares the dialer plugin 'other' but was looked "
            "up as the source plugin 'misnamed'; rename the file to libvigie_dialer_other.so");
}

TEST_CASE("Loader rejects a file that is not a library", "[plugin][loader]") {
  const auto folder = std::filesystem::temp_directory_path() / "vigie_loader_test";
  std::filesystem::create_directories(folder);
  const auto path = folder / "libvigie_source_text.so";
  std::ofstream(path) << "not an ELF file\n";

  Loader loader({folder.string()});
  const std::string message = load_error(loader, "source", "text");
  CHECK(message.rfind(path.string() + " could not be loaded: ", 0) == 0);
  std::filesystem::remove_all(folder);
}

TEST_CASE("Loader searches plugin_path first", "[plugin][loader]") {
  const auto search = vigie::plugin::default_search_path({"plugins", "/opt/vigie"}, "/etc/vigie");
  REQUIRE(search.size() == 3);
  CHECK(search[0] == "/etc/vigie/plugins");
  CHECK(search[1] == "/opt/vigie");
  CHECK(search[2] == vigie::plugin::bundled_plugin_dir());
  CHECK(std::filesystem::path(search[2]).filename() == "plugins");
}

TEST_CASE("Loader adds the config path to config errors", "[plugin][loader]") {
  Loader loader({kPlugins});
  const YAML::Node node = YAML::Load("plugin: csv\npath: a.csv\ndelimiter: '|'\n");
  try {
    loader.make_source("csv", node, context());
    FAIL("no ConfigError");
  } catch (const vigie::ConfigError& error) {
    CHECK(std::string(error.what()) ==
          "engine.yaml:3:12: 'delimiter' cannot be '|'; use one of auto, ;, ,, tab");
    CHECK(error.line() == 3);
  }
}

TEST_CASE("Loader builds working plugin objects", "[plugin][loader]") {
  Loader loader({kPlugins});
  const YAML::Node node = YAML::Load("plugin: simulated\nseed: 7\n");
  std::unique_ptr<vigie::Dialer> dialer = loader.make_dialer("simulated", node, context());
  REQUIRE(dialer != nullptr);

  vigie::CallRequest request;
  request.contact_id = "c1";
  const vigie::CallResult first = dialer->call(request);
  CHECK_FALSE(first.disposition.empty());
  CHECK(dialer->call(request).disposition == first.disposition);
  dialer.reset();  // objects from a plugin die before the Loader
}
