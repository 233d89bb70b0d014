#include "service/log.hpp"

#include <chrono>
#include <memory>

#include <date/date.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace vigie::service {

namespace {

// Separates a message from its encoded fields inside the spdlog payload.
// The unit separator never appears in the text of a log message.
constexpr char kFieldMark = '\x1f';

std::string quote(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Formats {"ts":...,"level":...,"msg":...,<fields>} from a payload written
// by log_info and friends, or from plain text logged by another layer.
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& dest) override {
    const std::string_view payload(message.payload.data(), message.payload.size());
    const std::size_t mark = payload.find(kFieldMark);
    const std::string_view text = payload.substr(0, mark);

    const auto millis = std::chrono::time_point_cast<std::chrono::milliseconds>(message.time);
    std::string line = "{\"ts\":\"" + date::format("%FT%TZ", millis) + "\",\"level\":\"";
    const auto level = spdlog::level::to_string_view(message.level);
    line.append(level.data(), level.size());
    line += "\",\"msg\":" + quote(text);
    if (mark != std::string_view::npos) line.append(payload.substr(mark + 1));
    line += "}\n";

    // No colour range: the whole line stays plain.
    message.color_range_start = 0;
    message.color_range_end = 0;
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLineFormatter>();
  }
};

std::string payload(std::string_view message, LogFields fields) {
  std::string text(message);
  if (fields.size() == 0) return text;
  text += kFieldMark;
  for (const LogField& field : fields) text += "," + field.encoded;
  return text;
}

}  // namespace

LogField::LogField(std::string_view key, std::string_view value)
    : encoded(quote(key) + ":" + quote(value)) {}

LogField::LogField(std::string_view key, long long value, int)
    : encoded(quote(key) + ":" + std::to_string(value)) {}

LogField::LogField(std::string_view key, bool value)
    : encoded(quote(key) + ":" + (value ? "true" : "false")) {}

LogField::LogField(std::string_view key, double value)
    : encoded(quote(key) + ":" + nlohmann::json(value).dump()) {}

void use_json_lines() {
  spdlog::default_logger()->set_formatter(std::make_unique<JsonLineFormatter>());
  spdlog::set_level(spdlog::level::info);
  // Flush every line: an operator tails the log, and a killed process must
  // not lose the lines that explain why.
  spdlog::flush_on(spdlog::level::trace);
}

void log_info(std::string_view message, LogFields fields) {
  spdlog::info("{}", payload(message, fields));
}

void log_warn(std::string_view message, LogFields fields) {
  spdlog::warn("{}", payload(message, fields));
}

void log_error(std::string_view message, LogFields fields) {
  spdlog::error("{}", payload(message, fields));
}

std::size_t LogRateLimit::admit(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto [found, first] = entries_.try_emplace(key);
  Entry& entry = found->second;
  if (!first && now - entry.logged_at < interval_) {
    ++entry.held_back;
    return 0;
  }

  const std::size_t count = entry.held_back + 1;
  entry.logged_at = now;
  entry.held_back = 0;
  return count;
}

}  // namespace vigie::service
