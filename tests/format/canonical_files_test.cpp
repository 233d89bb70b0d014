// Every campaign file shipped in campaigns/ is already in the canonical
// layout, so `vigie fmt --check` passes on each of them. After editing a
// campaign, run `vigie fmt` on it to keep this test green.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "parse/format.hpp"

namespace {

namespace fs = std::filesystem;

// Relative to the repository root, the tests' working directory.
const fs::path kCampaignDir = "campaigns";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every .vigie file under campaigns/, imported files included, sorted.
std::vector<fs::path> campaign_files() {
  std::vector<fs::path> paths;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(kCampaignDir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".vigie") {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace

TEST_CASE("campaign files are canonically formatted", "[format][campaigns]") {
  std::vector<fs::path> paths = campaign_files();
  // The five crisis campaigns and the shared Paris hours and retry policy.
  REQUIRE(paths.size() >= 6);

  for (const fs::path& path : paths) {
    DYNAMIC_SECTION(path.string()) {
      std::string text = read_file(path);
      vigie::common::Diagnostics diagnostics;
      std::optional<std::string> formatted =
          vigie::parse::format_source({path.string(), text}, diagnostics);

      CHECK_FALSE(diagnostics.has_errors());
      REQUIRE(formatted.has_value());
      INFO("run `vigie fmt " << path.string() << "` and keep the result");
      CHECK(*formatted == text);
    }
  }
}
