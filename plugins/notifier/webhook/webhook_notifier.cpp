// The `webhook` notifier: POSTs one signed JSON document per alert to an
// HTTP endpoint, retrying transient failures with exponential backoff.
//
// Config keys, the body, the headers and the retry policy are described in
// docs/plugins.md ("webhook notifier"). A 2xx response delivers the alert.
// 5xx, 408, 429, time-outs and connection errors are retried up to
// max_attempts, and any other status is a permanent failure. notify throws
// PluginError when the alert is not delivered.

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "vigie/plugin.hpp"
#include "webhook_message.hpp"
#include "webhook_settings.hpp"

namespace vigie::plugins::webhook {
namespace {

// The result of one HTTP attempt.
struct AttemptOutcome {
  enum class Kind { delivered, retryable, permanent };
  Kind kind = Kind::retryable;
  std::string detail;  // what happened, e.g. "HTTP 503" or "timed out after 0.2 s"
  std::string fix;     // for permanent failures: what the operator should change
};

bool is_retryable_status(int status) {
  return status >= 500 || status == 408 || status == 429;
}

std::string permanent_fix(int status, const httplib::Response& response) {
  if (status >= 300 && status < 400) {
    const std::string location = response.get_header_value("Location");
    return "the endpoint redirects" + (location.empty() ? "" : " to " + location) +
           "; set 'url' to the final address";
  }
  if (status == 401 || status == 403)
    return "check the secret and the credentials in 'headers' that the endpoint expects";
  if (status == 404 || status == 405) return "check the path and method the endpoint accepts";
  return "check that the endpoint accepts the Vigie webhook JSON and its headers";
}

// httplib's own names ("Connection", "Read") are too terse for an operator.
std::string error_text(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connection failed";
    case httplib::Error::Read:
      return "reading the response failed";
    case httplib::Error::Write:
      return "sending the request failed";
    case httplib::Error::SSLConnection:
      return "the TLS handshake failed";
    default:
      return "httplib error " + to_string(error);
  }
}

std::string seconds_text(std::chrono::microseconds duration) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g s", static_cast<double>(duration.count()) / 1e6);
  return buffer;
}

// NOTE: https (certificate checked against OpenSSL's default authorities)
// is not covered by the tests, which post over http to 127.0.0.1.
class WebhookNotifier final : public Notifier {
 public:
  explicit WebhookNotifier(WebhookSettings settings)
      : settings_(std::move(settings)), client_(settings_.endpoint.origin()) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(settings_.timeout);
    const auto micros = settings_.timeout - seconds;
    client_.set_connection_timeout(seconds.count(), micros.count());
    client_.set_read_timeout(seconds.count(), micros.count());
    client_.set_write_timeout(seconds.count(), micros.count());
    client_.set_keep_alive(false);
    client_.set_follow_location(false);
  }

  bool is_valid() const { return client_.is_valid(); }

  void notify(const Alert& alert) override {
    if (alert.idempotency_key.empty()) {
      throw PluginError("webhook notifier '" + settings_.instance +
                        "' received an alert without an idempotency key; the engine must set "
                        "Alert::idempotency_key");
    }

    const std::string key = header_key(alert.idempotency_key);
    const std::string body = alert_body(alert);
    std::string last_failure;

    for (int attempt = 1; attempt <= settings_.max_attempts; ++attempt) {
      const AttemptOutcome outcome = post(key, body);
      if (outcome.kind == AttemptOutcome::Kind::delivered) return;

      if (outcome.kind == AttemptOutcome::Kind::permanent) {
        throw PluginError("webhook notifier '" + settings_.instance +
                          "': " + settings_.endpoint.display() + " rejected alert " + key +
                          " with " + outcome.detail + "; " + outcome.fix);
      }

      last_failure = outcome.detail;
      if (attempt == settings_.max_attempts) break;
      const std::chrono::milliseconds delay = settings_.backoff.delay_before_retry(attempt);
      spdlog::warn(
          "webhook notifier '{}': attempt {} of {} for alert {} to {} failed ({}); "
          "retrying in {} ms",
          settings_.instance, attempt, settings_.max_attempts, key, settings_.endpoint.display(),
          outcome.detail, delay.count());
      std::this_thread::sleep_for(delay);
    }

    throw PluginError("webhook notifier '" + settings_.instance + "' could not deliver alert " +
                      key + " to " + settings_.endpoint.display() + " after " +
                      std::to_string(settings_.max_attempts) + " attempts; last failure: " +
                      last_failure + "; check that the endpoint is up and reachable");
  }

 private:
  AttemptOutcome post(const std::string& key, const std::string& body) {
    // The timestamp is transport time, not campaign time, so it is read
    // from the system clock; each attempt is signed afresh with its own.
    const auto now = std::chrono::system_clock::now();
    const std::string timestamp = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());

    httplib::Headers headers(settings_.headers.begin(), settings_.headers.end());
    headers.emplace("Idempotency-Key", key);
    headers.emplace("X-Vigie-Timestamp", timestamp);
    headers.emplace("X-Vigie-Signature", signature_header(settings_.secret, timestamp, body));

    const auto started = std::chrono::steady_clock::now();
    const httplib::Result result =
        client_.Post(settings_.endpoint.target, headers, body, "application/json");
    const auto elapsed = std::chrono::steady_clock::now() - started;

    if (!result) return describe_error(result.error(), elapsed);

    const int status = result->status;
    if (status >= 200 && status < 300) return {AttemptOutcome::Kind::delivered, "", ""};
    const std::string detail = "HTTP " + std::to_string(status);
    if (is_retryable_status(status)) return {AttemptOutcome::Kind::retryable, detail, ""};
    return {AttemptOutcome::Kind::permanent, detail, permanent_fix(status, *result)};
  }

  AttemptOutcome describe_error(httplib::Error error,
                                std::chrono::steady_clock::duration elapsed) const {
    if (error == httplib::Error::SSLServerVerification ||
        error == httplib::Error::SSLLoadingCerts) {
      return {AttemptOutcome::Kind::permanent, "a TLS certificate error (" + to_string(error) + ")",
              "check that the server's certificate is valid for its host name and signed by a "
              "certificate authority trusted by this machine"};
    }

    // httplib reports a read time-out as a plain read error, so the elapsed
    // time distinguishes them.
    if (error == httplib::Error::ConnectionTimeout || elapsed >= settings_.timeout) {
      return {AttemptOutcome::Kind::retryable, "timed out after " + seconds_text(settings_.timeout),
              ""};
    }
    return {AttemptOutcome::Kind::retryable, error_text(error), ""};
  }

  WebhookSettings settings_;
  httplib::Client client_;
};

void register_webhook_notifier(Registry& registry) {
  registry.add_notifier("webhook", [](const YAML::Node& node, const PluginContext& context) {
    WebhookSettings settings = read_settings(node, context);
    const std::string scheme = settings.endpoint.scheme;
    auto notifier = std::make_unique<WebhookNotifier>(std::move(settings));
    if (!notifier->is_valid()) {
      throw ConfigError(node["url"], "webhook notifier '" + context.instance + "' cannot use " +
                                         scheme +
                                         ": this cpp-httplib was built without it; use http");
    }
    return notifier;
  });
}

}  // namespace
}  // namespace vigie::plugins::webhook

VIGIE_PLUGIN(notifier, webhook, "1.0.0", vigie::plugins::webhook::register_webhook_notifier)
