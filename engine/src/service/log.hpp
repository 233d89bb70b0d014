#pragma once
// Logs of `vigie serve`: one JSON object per line on stderr,
// {"ts","level","msg", ...ids}. Lines from other layers, which log plain
// text through spdlog, get the same shape with their text as "msg".
//
// Fields carry ids and counts only: never a phone number, a person's name,
// an answer, a password, a token or a cookie.

#include <concepts>
#include <initializer_list>
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

}  // namespace vigie::service
