#include "webhook_settings.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "vigie/config_reader.hpp"

namespace vigie::plugins::webhook {
namespace {

// Headers the notifier sets itself. A config may not set them, because a
// second value would make the request ambiguous or break the signature.
constexpr std::string_view kReservedHeaders[] = {
    "content-type",      "content-length",    "host",       "idempotency-key",
    "x-vigie-signature", "x-vigie-timestamp", "connection", "transfer-encoding"};

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// RFC 9110 token characters, the only ones allowed in a header name.
bool is_token(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool has_control_character(std::string_view value) {
  return std::any_of(value.begin(), value.end(),
                     [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

int parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw std::invalid_argument("the port '" + std::string(text) + "' is not a number");
  }
  const int port = std::stoi(std::string(text));
  if (port < 1 || port > 65535)
    throw std::invalid_argument("the port " + std::string(text) + " is not between 1 and 65535");
  return port;
}

// Reads an environment variable that must hold a non-empty value.
std::string read_environment(const ConfigReader& config, const std::string& key,
                             const YAML::Node& name_node) {
  const std::string name = ConfigReader::as_string(name_node, key);
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    throw ConfigError(name_node, "the environment variable " + name + " named by '" + key +
                                     "' in " + config.what() +
                                     " is not set or empty; export it before starting vigie");
  }
  return value;
}

std::string read_secret(const ConfigReader& config) {
  const bool in_file = config.has("secret");
  const bool in_environment = config.has("secret_env");
  if (in_file && in_environment) {
    config.fail("secret_env", config.what() +
                                  " sets both 'secret' and 'secret_env'; keep one, preferably "
                                  "'secret_env' so that the secret stays out of the file");
  }
  if (!in_file && !in_environment) {
    config.fail("secret", config.what() +
                              " needs 'secret_env' (the environment variable holding the HMAC "
                              "secret) or 'secret'");
  }

  if (in_environment) return read_environment(config, "secret_env", config.node("secret_env"));
  const std::string secret = config.require_string("secret");
  if (secret.empty()) config.fail("secret", "'secret' in " + config.what() + " is empty");
  return secret;
}

std::chrono::milliseconds read_milliseconds(const ConfigReader& config, const std::string& key,
                                            std::int64_t fallback) {
  const std::int64_t value = config.get_integer(key, fallback);
  if (value < 0 || value > 3'600'000) {
    config.fail(key, "'" + key + "' in " + config.what() + " is " + std::to_string(value) +
                         "; use a number of milliseconds between 0 and 3600000");
  }
  return std::chrono::milliseconds(value);
}

Backoff read_backoff(const ConfigReader& parent) {
  const ConfigReader config(parent.node("backoff"), "'backoff' of " + parent.what());
  config.allow_only({"initial_ms", "factor", "max_ms"});

  Backoff backoff;
  backoff.initial = read_milliseconds(config, "initial_ms", backoff.initial.count());
  backoff.max = read_milliseconds(config, "max_ms", backoff.max.count());
  backoff.factor = config.get_number("factor", backoff.factor);
  if (!(backoff.factor >= 1.0 && backoff.factor <= 100.0)) {
    config.fail("factor", "'factor' in " + config.what() + " is " + format_number(backoff.factor) +
                              "; use a number from 1 to 100");
  }
  if (backoff.max < backoff.initial) {
    config.fail("max_ms", "'max_ms' (" + std::to_string(backoff.max.count()) +
                              ") is below 'initial_ms' (" +
                              std::to_string(backoff.initial.count()) + ") in " + config.what() +
                              "; raise max_ms or lower initial_ms");
  }
  return backoff;
}

std::vector<std::pair<std::string, std::string>> read_headers(const ConfigReader& parent) {
  const YAML::Node node = parent.node("headers");
  std::vector<std::pair<std::string, std::string>> headers;
  if (!node.IsDefined() || node.IsNull()) return headers;
  if (!node.IsMap()) {
    throw ConfigError(
        node, "'headers' in " + parent.what() + " must be a mapping of header names to values");
  }

  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    if (!is_token(name)) {
      throw ConfigError(entry.first, "'" + name +
                                         "' is not a valid HTTP header name; use "
                                         "letters, digits and dashes");
    }
    const std::string lower = lowercase(name);
    if (std::find(std::begin(kReservedHeaders), std::end(kReservedHeaders), lower) !=
        std::end(kReservedHeaders)) {
      throw ConfigError(entry.first, "the header " + name +
                                         " is set by the webhook notifier itself; remove it "
                                         "from 'headers'");
    }

    // A value is either text or {env: NAME}, for credentials kept out of the file.
    std::string value;
    if (entry.second.IsMap()) {
      const ConfigReader from(entry.second, "header " + name + " of " + parent.what());
      from.allow_only({"env"});
      if (!from.has("env")) from.fail("env", from.what() + " needs the key 'env'");
      value = read_environment(from, "env", from.node("env"));
    } else {
      value = ConfigReader::as_string(entry.second, name);
    }
    if (has_control_character(value)) {
      throw ConfigError(entry.second, "the value of header " + name +
                                          " contains a control character or line break; "
                                          "remove it");
    }
    headers.emplace_back(name, value);
  }
  return headers;
}

}  // namespace

std::string Endpoint::origin() const {
  return scheme + "://" + host + ':' + std::to_string(port);
}

std::string Endpoint::display() const {
  return origin() + target.substr(0, target.find('?'));
}

std::chrono::milliseconds Backoff::delay_before_retry(int retry) const {
  const double scaled =
      static_cast<double>(initial.count()) * std::pow(factor, std::max(0, retry - 1));
  if (!(scaled < static_cast<double>(max.count()))) return max;
  return std::chrono::milliseconds(static_cast<std::int64_t>(scaled));
}

Endpoint parse_url(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos)
    throw std::invalid_argument("it does not start with http:// or https://");

  Endpoint endpoint;
  endpoint.scheme = lowercase(url.substr(0, scheme_end));
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    throw std::invalid_argument("the scheme '" + endpoint.scheme +
                                "' is not supported; use http or https");
  }

  const std::size_t authority_start = scheme_end + 3;
  const std::size_t authority_end = url.find_first_of("/?#", authority_start);
  const std::string authority = url.substr(authority_start, authority_end - authority_start);
  if (authority.find('@') != std::string::npos) {
    throw std::invalid_argument(
        "it contains a user name or password; send credentials with 'headers' instead");
  }

  // The host is an IPv6 literal in brackets, or anything up to the last ':'.
  std::string port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) throw std::invalid_argument("the IPv6 address has no ']'");
    endpoint.host = authority.substr(0, close + 1);
    const std::string rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      throw std::invalid_argument("unexpected text after the IPv6 address");
    if (!rest.empty()) port_text = rest.substr(1);
  } else {
    const std::size_t colon = authority.rfind(':');
    endpoint.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (endpoint.host.empty() || endpoint.host == "[]") throw std::invalid_argument("it has no host");
  if (!port_text.empty()) {
    endpoint.port = parse_port(port_text);
  } else {
    endpoint.port = endpoint.scheme == "https" ? 443 : 80;
  }

  // The fragment is never sent to a server.
  std::string target =
      authority_end == std::string::npos ? std::string() : url.substr(authority_end);
  target = target.substr(0, target.find('#'));
  if (target.empty() || target.front() == '?') target.insert(0, "/");
  if (has_control_character(target) || target.find(' ') != std::string::npos)
    throw std::invalid_argument("its path contains a space or a control character");
  endpoint.target = target;
  return endpoint;
}

WebhookSettings read_settings(const YAML::Node& node, const PluginContext& context) {
  const ConfigReader config(node, "webhook notifier '" + context.instance + "'");
  config.allow_only(
      {"url", "secret", "secret_env", "timeout_s", "max_attempts", "backoff", "headers"});

  WebhookSettings settings;
  settings.instance = context.instance;

  const std::string url = config.require_string("url");
  try {
    settings.endpoint = parse_url(url);
  } catch (const std::invalid_argument& error) {
    config.fail("url", "'url' in " + config.what() + " is not a valid URL: " + error.what() +
                           " (expected http://HOST:PORT/PATH)");
  }

  settings.secret = read_secret(config);

  const double timeout_s = config.get_number("timeout_s", 10.0);
  if (!(timeout_s >= 0.001 && timeout_s <= 600.0)) {
    config.fail("timeout_s", "'timeout_s' in " + config.what() + " is " + format_number(timeout_s) +
                                 "; use a number of seconds from 0.001 to 600");
  }
  settings.timeout = std::chrono::microseconds(std::llround(timeout_s * 1e6));

  const std::int64_t max_attempts = config.get_integer("max_attempts", settings.max_attempts);
  if (max_attempts < 1 || max_attempts > 100) {
    config.fail("max_attempts", "'max_attempts' in " + config.what() + " is " +
                                    std::to_string(max_attempts) + "; use a number from 1 to 100");
  }
  settings.max_attempts = static_cast<int>(max_attempts);

  settings.backoff = read_backoff(config);
  settings.headers = read_headers(config);
  return settings;
}

}  // namespace vigie::plugins::webhook
