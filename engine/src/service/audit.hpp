#pragma once
// The audit log of `vigie serve`: who read or changed what, one JSON object
// per line in <data>/audit.jsonl. It holds user names, contact ids and
// remote addresses, never a person's name, phone or answers. Each line is
// handed to the operating system with one write() call as it is logged.

#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/time.hpp"

namespace vigie::service {

struct AuditEntry {
  std::string action{};  // handout, desk_list, export, login, login_failed, logout,
                         // alert_raise, alert_end, ack, close, campaign_load
  std::string user{};
  std::string remote{};    // the client's address
  std::string campaign{};  // empty when none
  std::optional<int> cycle{};
  std::optional<std::string> contact_id{};
  std::optional<std::vector<std::string>> contacts{};  // for lists
  // Further ids: route, alert name and level, export kind.
  std::vector<std::pair<std::string, std::string>> details{};
};

class AuditLog {
 public:
  // Opens (or creates) the file for appending. Throws std::runtime_error
  // naming the path when it cannot.
  explicit AuditLog(std::string path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends one line with "at" = `at` in ISO 8601 UTC. Throws
  // std::runtime_error when the write fails, so that a read the log cannot
  // record is not served.
  void write(const AuditEntry& entry, common::Instant at);

  // The last `limit` lines of the file, oldest first.
  std::vector<std::string> tail(std::size_t limit) const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  mutable std::mutex mutex_;
};

// Formats an instant as ISO 8601 UTC: 2019-06-24T08:00:00Z.
std::string iso_utc(common::Instant at);

}  // namespace vigie::service
