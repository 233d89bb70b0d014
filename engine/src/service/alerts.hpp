#pragma once
// The city's alerts as `vigie serve` keeps them, in <data>/alerts.json.
// Each change is written to a temporary file, synced and renamed over the
// old one, so that a crash leaves either the old or the new list.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace vigie::service {

struct AlertRecord {
  std::string name;
  std::int64_t level = 0;
  bool active = true;
  common::Instant raised_at{};
  std::string raised_by;
  std::optional<common::Instant> ended_at;
};

class AlertBook {
 public:
  // Loads the file when it exists. Throws std::runtime_error naming the
  // file and the fix when it cannot be read or parsed.
  explicit AlertBook(std::string path);

  std::vector<AlertRecord> list() const;
  std::size_t active_count() const;

  // Raises an alert, or changes the level of an active one (keeping when
  // and by whom it was first raised). Saves before returning.
  AlertRecord raise(const std::string& name, std::int64_t level, const std::string& user,
                    common::Instant now);

  // Ends an active alert and saves. Throws runtime::LiveError not_found for
  // an unknown name and conflict for an alert already ended.
  AlertRecord end(const std::string& name, common::Instant now);

 private:
  // Writes `alerts` to the file; the caller holds mutex_.
  void save(const std::vector<AlertRecord>& alerts) const;

  std::string path_;
  mutable std::mutex mutex_;
  std::vector<AlertRecord> alerts_;  // in order of first raise
};

// What makes `name` unfit as an alert name, as the end of a sentence
// ("is empty"), or nothing when it fits: 1 to 64 bytes, no leading or
// trailing space, no control character (C0, DEL, C1), no Unicode
// bidirectional control, and none of / ? # %.
std::optional<std::string> alert_name_problem(const std::string& name);
bool is_alert_name(const std::string& name);

}  // namespace vigie::service
