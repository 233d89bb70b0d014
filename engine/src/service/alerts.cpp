#include "service/alerts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/live.hpp"
#include "service/audit.hpp"
#include "service/json.hpp"

namespace vigie::service {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxAlertName = 64;

// Parses YYYY-MM-DDTHH:MM:SSZ as iso() writes it. common's strict parser
// replaces date::parse here, because GCC 12 in Release warns that the
// seconds variable inside date.h's from_stream may be used uninitialized.
AlertRecord from_json(const Json& item, const std::string& path) {
  AlertRecord alert;
  alert.name = item.at("name").get<std::string>();
  alert.level = item.at("level").get<std::int64_t>();
  alert.active = item.at("active").get<bool>();
  alert.raised_by = item.at("raised_by").get<std::string>();
  const auto raised = common::parse_utc_iso(item.at("raised_at").get<std::string>());
  if (!raised)
    throw std::runtime_error("alert " + alert.name + " in " + path + ": invalid raised_at");
  alert.raised_at = *raised;
  if (!item.at("ended_at").is_null()) {
    alert.ended_at = common::parse_utc_iso(item.at("ended_at").get<std::string>());
  }
  return alert;
}

void write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno) +
                               "; check the disk space");
    }
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::optional<std::string> alert_name_problem(const std::string& name) {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxAlertName) {
    return "is longer than " + std::to_string(kMaxAlertName) + " bytes";
  }
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  if (is_space(name.front()) || is_space(name.back())) {
    return "starts or ends with a space";
  }

  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto byte = static_cast<unsigned char>(name[i]);
    const std::string at = " at byte " + std::to_string(i + 1);
    if (byte < 0x20 || byte == 0x7F) return "contains a control character" + at;
    // C1 controls U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8.
    const auto next = [&name, i](std::size_t k) {
      return i + k < name.size() ? static_cast<unsigned char>(name[i + k]) : 0;
    };
    if (byte == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F) {
      return "contains a control character" + at;
    }
    // Bidi controls reorder the text shown to supervisors: U+061C (D8 9C),
    // U+200E..U+200F (E2 80 8E..8F), U+202A..U+202E (E2 80 AA..AE) and
    // U+2066..U+2069 (E2 81 A6..A9).
    const bool arabic_mark = byte == 0xD8 && next(1) == 0x9C;
    const bool general =
        byte == 0xE2 && ((next(1) == 0x80 && ((next(2) >= 0x8E && next(2) <= 0x8F) ||
                                              (next(2) >= 0xAA && next(2) <= 0xAE))) ||
                         (next(1) == 0x81 && next(2) >= 0xA6 && next(2) <= 0xA9));
    if (arabic_mark || general) return "contains a Unicode bidirectional control" + at;
    // The name is a path segment of DELETE /api/alerts/NAME.
    if (byte == '/' || byte == '?' || byte == '#' || byte == '%') {
      return "contains '" + std::string(1, name[i]) + "'" + at +
             ", which cannot be part of a URL path";
    }
  }
  return std::nullopt;
}

bool is_alert_name(const std::string& name) {
  return !alert_name_problem(name);
}

AlertBook::AlertBook(std::string path) : path_(std::move(path)) {
  std::error_code error;
  if (!fs::exists(path_, error)) return;

  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path_ + ": " + std::strerror(errno) +
                             "; check the file's permissions");
  }
  try {
    const Json root = Json::parse(in);
    for (const Json& item : root.at("alerts")) alerts_.push_back(from_json(item, path_));
  } catch (const nlohmann::json::exception& failure) {
    throw std::runtime_error("cannot read the alerts of " + path_ + ": " + failure.what() +
                             "; restore the file from a backup or remove it to start with no "
                             "alert");
  }
}

std::vector<AlertRecord> AlertBook::list() const {
  std::lock_guard lock(mutex_);
  return alerts_;
}

std::size_t AlertBook::active_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(alerts_.begin(), alerts_.end(), [](const AlertRecord& a) { return a.active; }));
}

AlertRecord AlertBook::raise(const std::string& name, std::int64_t level, const std::string& user,
                             common::Instant now) {
  std::lock_guard lock(mutex_);
  // Change a copy, so that a failed save leaves the list as the file has it.
  std::vector<AlertRecord> next = alerts_;
  auto found =
      std::find_if(next.begin(), next.end(), [&](const AlertRecord& a) { return a.name == name; });
  if (found == next.end()) {
    next.push_back(AlertRecord{name, level, true, now, user, std::nullopt});
    found = next.end() - 1;
  } else if (!found->active) {
    // Raised again after its end: a new episode.
    *found = AlertRecord{name, level, true, now, user, std::nullopt};
  } else {
    found->level = level;
  }
  const AlertRecord result = *found;
  save(next);
  alerts_ = std::move(next);
  return result;
}

AlertRecord AlertBook::end(const std::string& name, common::Instant now) {
  std::lock_guard lock(mutex_);
  const auto found = std::find_if(alerts_.begin(), alerts_.end(),
                                  [&](const AlertRecord& a) { return a.name == name; });
  if (found == alerts_.end()) {
    throw runtime::LiveError(runtime::LiveError::Kind::not_found,
                             "no alert named '" + name + "'; GET /api/alerts lists them");
  }
  if (!found->active) {
    throw runtime::LiveError(runtime::LiveError::Kind::conflict,
                             "the alert '" + name + "' has already ended");
  }
  std::vector<AlertRecord> next = alerts_;
  AlertRecord& ended = next[static_cast<std::size_t>(found - alerts_.begin())];
  ended.active = false;
  ended.ended_at = now;
  const AlertRecord result = ended;
  save(next);
  alerts_ = std::move(next);
  return result;
}

void AlertBook::save(const std::vector<AlertRecord>& alerts) const {
  Json root;
  root["alerts"] = Json::array();
  for (const AlertRecord& alert : alerts) root["alerts"].push_back(to_json(alert));
  const std::string text = root.dump(2) + "\n";

  const std::string temporary = path_ + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot write " + temporary + ": " + std::strerror(errno) +
                             "; check that the data folder is writable");
  }
  try {
    write_all(fd, text, temporary);
    if (::fsync(fd) != 0) {
      throw std::runtime_error("cannot sync " + temporary + ": " + std::strerror(errno));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);

  if (std::rename(temporary.c_str(), path_.c_str()) != 0) {
    throw std::runtime_error("cannot replace " + path_ + ": " + std::strerror(errno));
  }
  // Sync the folder so that the rename itself survives a power loss.
  const std::string folder = fs::path(path_).parent_path().string();
  const int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace vigie::service
