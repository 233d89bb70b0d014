#include "check/loader.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "parse/parser.hpp"

namespace vigie::check {
namespace {

namespace fs = std::filesystem;

class Loader {
 public:
  Loader(common::SourceManager& sources, common::Diagnostics& diagnostics, Reporter& reporter)
      : sources_(sources), diagnostics_(diagnostics), reporter_(reporter) {}

  void load(const common::SourceFile& file) {
    std::string identity = fs::path(file.path).lexically_normal().string();
    loaded_.emplace(identity, file.path);
    stack_.push_back(file.path);

    LoadedFile parsed{file.path, parse::parse_file(file, diagnostics_)};
    parsed.ast.path = file.path;
    for (const ast::Import& import : parsed.ast.imports) follow(file.path, import);

    // Imports go first, so that a name declared both in an imported file and
    // in the importer is reported at the importer's declaration.
    files_.push_back(std::move(parsed));
    stack_.pop_back();
  }

  std::vector<LoadedFile> take() { return std::move(files_); }

 private:
  void follow(const std::string& importer, const ast::Import& import) {
    if (import.path.value.empty()) {
      reporter_.error(importer, import.path.range,
                      "the import path is empty; write the path of a .vigie file relative to "
                      "this file");
      return;
    }

    fs::path target = fs::path(importer).parent_path() / import.path.value;
    std::string resolved = target.lexically_normal().string();

    auto known = loaded_.find(resolved);
    if (known != loaded_.end()) {
      report_if_cycle(importer, import, known->second);
      return;
    }

    // Only regular files are read, because reading a device such as
    // /dev/zero never ends and a FIFO or /dev/stdin can block forever.
    std::error_code status_error;
    fs::file_status status = fs::status(resolved, status_error);
    if (fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status)) {
      reporter_.error(importer, import.path.range,
                      "imported path '" + import.path.value + "' (looked for '" + resolved +
                          "') is not a regular file; import a .vigie file");
      return;
    }

    const common::SourceFile* file = sources_.load(resolved);
    if (file == nullptr || fs::is_directory(resolved)) {
      reporter_.error(importer, import.path.range,
                      "cannot read imported file '" + import.path.value + "' (looked for '" +
                          resolved + "'); import paths are relative to the importing file");
      return;
    }
    load(*file);
  }

  // A file already loaded is fine unless it is still being loaded, which
  // means the import closes a cycle.
  void report_if_cycle(const std::string& importer, const ast::Import& import,
                       const std::string& target) {
    auto on_stack = std::find(stack_.begin(), stack_.end(), target);
    if (on_stack == stack_.end()) return;

    std::string path;
    for (auto it = on_stack; it != stack_.end(); ++it) path += *it + " -> ";
    path += target;
    reporter_.error(importer, import.path.range,
                    "import cycle: " + path + "; remove one of these imports");
  }

  common::SourceManager& sources_;
  common::Diagnostics& diagnostics_;
  Reporter& reporter_;
  std::map<std::string, std::string> loaded_;  // normalized path -> SourceManager key
  std::vector<std::string> stack_;
  std::vector<LoadedFile> files_;
};

}  // namespace

std::vector<LoadedFile> load_files(const common::SourceFile& root, common::SourceManager& sources,
                                   common::Diagnostics& diagnostics, Reporter& reporter) {
  Loader loader(sources, diagnostics, reporter);
  loader.load(root);
  return loader.take();
}

}  // namespace vigie::check
