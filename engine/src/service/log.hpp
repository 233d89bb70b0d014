#pragma once
// Logs of `vigie serve`: one JSON object per line on stderr,
// {"ts","level","msg", ...ids}. Lines from other layers, which log plain
// text through spdlog, get the same shape with their text as "msg".
//
// Fields carry ids and counts only: never a phone number, a person's name,
// an answer, a password, a token or a cookie.

#include <chrono>
#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace vigie::service {

// One key and its value, encoded as JSON when the field is built.
struct LogField {
  LogField(std::string_view key, std::string_view value);
  LogField(std::string_view key, const char* value) : LogField(key, std::string_view(value)) {}
  LogField(std::string_view key, const std::string& value)
      : LogField(key, std::string_view(value)) {}
  template <std::integral T>
  LogField(std::string_view key, T value) : LogField(key, static_cast<long long>(value), 0) {}
  LogField(std::string_view key, bool value);
  LogField(std::string_view key, double value);

  std::string encoded;  // "key":value

 private:
  LogField(std::string_view key, long long value, int);
};

using LogFields = std::initializer_list<LogField>;

// Makes the default logger write JSON lines at `info` level and above.
void use_json_lines();

void log_info(std::string_view message, LogFields fields = {});
void log_warn(std::string_view message, LogFields fields = {});
void log_error(std::string_view message, LogFields fields = {});

// Lets a repeated failure reach the log at most once per `interval` for each
// key (a campaign name), so that a failure that recurs every second does not
// flood the log, while the count says how often it happened.
class LogRateLimit {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LogRateLimit(Clock::duration interval) : interval_(interval) {}

  // Records one occurrence for `key`. Returns how many occurrences to report
  // (this one and those held back since the last report) when this one
  // should be logged, else 0.
  std::size_t admit(const std::string& key, Clock::time_point now);

 private:
  struct Entry {
    Clock::time_point logged_at{};
    std::size_t held_back = 0;
  };
  Clock::duration interval_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace vigie::service
