#include "app/fmt_command.hpp"

#include "app/commands.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "parse/format.hpp"

namespace vigie::app {
namespace fs = std::filesystem;

namespace {

enum class FileStatus { formatted, changed, has_errors, failed };

// Writes `text` to a new temporary file beside `target`, with the target's
// permissions, and renames it over `target`. Returns an error message, or
// an empty string on success; on failure `target` is untouched.
std::string replace_file(const fs::path& target, const std::string& text) {
  std::string pattern =
      (target.parent_path() / ("." + target.filename().string() + ".fmt-XXXXXX")).string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0)
    return "cannot create a temporary file beside it: " + std::string(std::strerror(errno));

  std::string error;
  std::size_t written = 0;
  while (error.empty() && written < text.size()) {
    ssize_t result = ::write(fd, text.data() + written, text.size() - written);
    if (result < 0 && errno == EINTR) continue;
    if (result < 0) error = "cannot write " + pattern + ": " + std::strerror(errno);
    if (result > 0) written += static_cast<std::size_t>(result);
  }
  if (error.empty() && ::fsync(fd) != 0)
    error = "cannot write " + pattern + ": " + std::strerror(errno);
  if (::close(fd) != 0 && error.empty())
    error = "cannot write " + pattern + ": " + std::strerror(errno);

  std::error_code code;
  if (error.empty()) {
    fs::permissions(pattern, fs::status(target).permissions(), code);
    if (code) error = "cannot copy the permissions of the file: " + code.message();
  }
  if (error.empty()) {
    fs::rename(pattern, target, code);
    if (code) error = "cannot replace the file: " + code.message();
  }
  if (!error.empty()) fs::remove(pattern, code);
  return error;
}

FileStatus format_file(const std::string& file, bool check, std::ostream& out, std::ostream& err) {
  if (!readable(file, err)) return FileStatus::failed;

  common::SourceManager sources;
  const common::SourceFile* source = sources.load(file);
  if (source == nullptr) {
    err << "vigie: cannot read " << file << ": check its permissions\n";
    return FileStatus::failed;
  }

  common::Diagnostics diagnostics;
  std::optional<std::string> formatted = parse::format_source(*source, diagnostics);
  if (!formatted) {
    print_diagnostics(err, diagnostics, sources);
    return FileStatus::has_errors;
  }
  if (*formatted == source->text) return FileStatus::formatted;
  if (check) {
    out << file << '\n';
    return FileStatus::changed;
  }

  // Through a symbolic link, the file it points to is rewritten and the
  // link kept.
  std::error_code code;
  fs::path target = fs::canonical(file, code);
  if (code) target = file;
  std::string error = replace_file(target, *formatted);
  if (!error.empty()) {
    err << "vigie: cannot format " << file << ": " << error << '\n';
    return FileStatus::failed;
  }
  return FileStatus::changed;
}

}  // namespace

int run_fmt(const FmtCommand& command, std::ostream& out, std::ostream& err) {
  bool any_failed = false;
  bool any_error = false;
  bool any_unformatted = false;
  for (const std::string& file : command.files) {
    switch (format_file(file, command.check, out, err)) {
      case FileStatus::formatted:
        break;
      case FileStatus::changed:
        any_unformatted = any_unformatted || command.check;
        break;
      case FileStatus::has_errors:
        any_error = true;
        break;
      case FileStatus::failed:
        any_failed = true;
        break;
    }
  }
  if (any_failed) return 2;
  return any_error || any_unformatted ? 1 : 0;
}

}  // namespace vigie::app
