#include "service/audit.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace vigie::service {

namespace {

constexpr std::streamoff kTailChunk = 64 * 1024;

}  // namespace

std::string iso_utc(common::Instant at) {
  return date::format("%FT%TZ", at);
}

AuditLog::AuditLog(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open the audit log " + path_ + ": " + std::strerror(errno) +
                             "; check that the data folder is writable");
  }
}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

void AuditLog::write(const AuditEntry& entry, common::Instant at) {
  nlohmann::ordered_json line;
  line["at"] = iso_utc(at);
  line["user"] = entry.user;
  line["action"] = entry.action;
  if (!entry.campaign.empty()) line["campaign"] = entry.campaign;
  if (entry.cycle) line["cycle"] = *entry.cycle;
  if (entry.contact_id) line["contact_id"] = *entry.contact_id;
  if (entry.contacts) line["contacts"] = *entry.contacts;
  for (const auto& [key, value] : entry.details) line[key] = value;
  line["remote"] = entry.remote;

  // Invalid UTF-8 in a user name typed at login is replaced rather than
  // failing the whole line.
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw std::runtime_error("cannot write the audit log " + path_ + ": " + std::strerror(errno) +
                               "; check the disk space");
    }
    written += static_cast<std::size_t>(n);
  }
}

std::vector<std::string> AuditLog::tail(std::size_t limit) const {
  std::vector<std::string> lines;
  if (limit == 0) return lines;

  std::lock_guard lock(mutex_);
  std::ifstream in(path_, std::ios::binary);
  if (!in) return lines;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();

  // Read backwards in chunks until the text holds `limit` complete lines.
  std::string text;
  std::streamoff start = size;
  while (start > 0) {
    const std::streamoff length = std::min(kTailChunk, start);
    start -= length;
    std::string chunk(static_cast<std::size_t>(length), '\0');
    in.seekg(start);
    in.read(chunk.data(), length);
    text.insert(0, chunk);
    if (static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) > limit) break;
  }

  std::size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;
  while (end > 0 && lines.size() < limit) {
    const std::size_t newline = text.rfind('\n', end - 1);
    const std::size_t begin = newline == std::string::npos ? 0 : newline + 1;
    lines.push_back(text.substr(begin, end - begin));
    if (newline == std::string::npos) break;
    end = newline;
  }
  std::reverse(lines.begin(), lines.end());
  return lines;
}

}  // namespace vigie::service
