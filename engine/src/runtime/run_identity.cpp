#include "runtime/run_identity.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "ir/dump.hpp"

namespace vigie::runtime {
namespace {

// FNV-1a, 64 bits: stable across compilers and library versions, unlike
// std::hash, because the value is stored and compared by later runs.
class Fingerprint {
 public:
  void add(std::string_view text) {
    for (unsigned char c : text) hash_ = (hash_ ^ c) * 0x100000001B3ULL;
    hash_ = (hash_ ^ 0xFF) * 0x100000001B3ULL;  // separates consecutive texts
  }
  std::string hex() const {
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash_));
    return buffer;
  }

 private:
  std::uint64_t hash_ = 0xCBF29CE484222325ULL;
};

}  // namespace

std::string rules_fingerprint(const ir::Campaign& campaign) {
  std::string text = ir::dump(campaign);
  std::vector<std::string> paths = {campaign.file};
  for (const ir::Test& test : campaign.tests) paths.push_back(test.file);
  for (const std::string& path : paths) {
    if (path.empty()) continue;
    std::string name = std::filesystem::path(path).filename().string();
    for (std::size_t at = text.find(path); at != std::string::npos;
         at = text.find(path, at + name.size())) {
      text.replace(at, path.size(), name);
    }
  }
  Fingerprint print;
  print.add(text);
  return print.hex();
}

std::string register_fingerprint(const ImportResult& import) {
  Fingerprint print;
  for (const Row& row : import.rows) {
    print.add(std::to_string(row.row_number));
    for (const FieldValue& value : row.values) {
      std::visit(
          [&print](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              print.add("");
            } else if constexpr (std::is_same_v<T, std::string>) {
              print.add(v);
            } else if constexpr (std::is_same_v<T, CivilDate>) {
              print.add(std::to_string(v.year) + '-' + std::to_string(v.month) + '-' +
                        std::to_string(v.day));
            } else {
              print.add(std::to_string(v));
            }
          },
          value);
    }
  }
  for (const RejectedRow& row : import.rejected) print.add(std::to_string(row.row_number));
  return print.hex();
}

std::string first_difference(const std::string& stored, const std::string& wanted,
                             const std::string& who) {
  std::istringstream a(stored);
  std::istringstream b(wanted);
  std::string line_a;
  std::string line_b;
  while (std::getline(a, line_a) && std::getline(b, line_b)) {
    if (line_a != line_b) return "it contains " + line_a + " where " + who + " has " + line_b;
  }
  return "its run identity differs";
}

}  // namespace vigie::runtime
