#pragma once
// The validated config of one `webhook` notifier instance.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "vigie/plugin.hpp"

namespace vigie::plugins::webhook {

// The endpoint split the way cpp-httplib takes it.
struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // an IPv6 literal keeps its brackets
  int port = 0;
  std::string target;  // path and query, "/" at least

  // "scheme://host:port", the form httplib::Client's constructor parses.
  std::string origin() const;
  // The URL without its query string, for messages and logs, because a
  // query often carries an access token.
  std::string display() const;
};

// Delay before retry n (1-based) = min(initial * factor^(n-1), max).
struct Backoff {
  std::chrono::milliseconds initial{500};
  double factor = 2.0;
  std::chrono::milliseconds max{30000};

  std::chrono::milliseconds delay_before_retry(int retry) const;
};

struct WebhookSettings {
  std::string instance;
  Endpoint endpoint;
  std::string secret;  // never logged nor put in a message
  std::chrono::microseconds timeout{std::chrono::seconds(10)};
  int max_attempts = 5;
  Backoff backoff;
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
};

// Reads and checks an instance's YAML mapping. Secrets named by `secret_env`
// or `{env: NAME}` header values are read from the environment now, once.
// Throws ConfigError positioned at the faulty node.
WebhookSettings read_settings(const YAML::Node& node, const PluginContext& context);

// Splits an absolute http or https URL into an Endpoint. Throws
// std::invalid_argument with the reason when the URL is invalid.
Endpoint parse_url(const std::string& url);

}  // namespace vigie::plugins::webhook
