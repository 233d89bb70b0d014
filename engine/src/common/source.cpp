#include "common/source.hpp"

#include <fstream>
#include <sstream>

namespace vigie::common {

const SourceFile* SourceManager::load(const std::string& path) {
  if (const SourceFile* existing = find(path)) return existing;

  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return nullptr;

  return add(path, buffer.str());
}

const SourceFile* SourceManager::add(std::string path, std::string text) {
  auto file = std::make_unique<SourceFile>(SourceFile{path, std::move(text)});
  const SourceFile* raw = file.get();
  files_[std::move(path)] = std::move(file);
  return raw;
}

const SourceFile* SourceManager::find(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : it->second.get();
}

std::string_view SourceManager::line_text(std::string_view path, std::uint32_t line) const {
  const SourceFile* file = find(path);
  if (file == nullptr || line == 0) return {};

  std::string_view text = file->text;
  std::uint32_t current = 1;
  std::size_t start = 0;
  while (current < line) {
    std::size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) return {};
    start = newline + 1;
    ++current;
  }

  std::size_t end = text.find('\n', start);
  std::string_view result =
      text.substr(start, end == std::string_view::npos ? text.npos : end - start);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  return result;
}

}  // namespace vigie::common
