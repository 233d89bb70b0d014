#include "webhook_message.hpp"

#include <cstdio>
#include <ctime>
#include <limits>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <nlohmann/json.hpp>

#include "vigie/plugin.hpp"

namespace vigie::plugins::webhook {
namespace {

std::string format_utc(Instant instant) {
  const std::time_t time = static_cast<std::time_t>(instant.time_since_epoch().count());
  std::tm utc{};
  gmtime_r(&time, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace

std::string alert_body(const Alert& alert) {
  // ordered_json keeps the members, and the scores, in the order written here.
  nlohmann::ordered_json scores = nlohmann::ordered_json::object();
  for (const auto& [name, value] : alert.scores) scores[name] = value;

  const nlohmann::ordered_json body = {
      {"idempotency_key", alert.idempotency_key},
      {"campaign", alert.campaign},
      {"cycle", alert.cycle},
      {"route", alert.route},
      {"route_title", alert.route_title},
      {"notifier", alert.notifier},
      {"contact_id", alert.contact_id},
      {"fired_at", format_utc(alert.fired_at)},
      {"due", format_utc(alert.due)},
      {"due_local", alert.due_local},
      {"scores", scores},
  };

  try {
    return body.dump();
  } catch (const nlohmann::json::type_error&) {
    throw PluginError("alert " + header_key(alert.idempotency_key) +
                      " contains text that is not valid UTF-8; fix the register's encoding");
  }
}

std::string header_key(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte > 0x20 && byte < 0x7f && c != '%') {
      out += c;
      continue;
    }
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0f];
  }
  return out;
}

std::string hmac_sha256_hex(std::string_view secret, std::string_view message) {
  if (secret.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw PluginError("the webhook secret is too long; use a shorter one");

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  const unsigned char* result = HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), digest, &digest_size);
  if (result == nullptr)
    throw PluginError("OpenSSL could not compute an HMAC-SHA256; check the libcrypto install");

  std::string hex;
  hex.reserve(2 * digest_size);
  for (unsigned int i = 0; i < digest_size; ++i) {
    char pair[3];
    std::snprintf(pair, sizeof pair, "%02x", digest[i]);
    hex += pair;
  }
  return hex;
}

std::string signed_text(std::string_view timestamp, std::string_view body) {
  std::string text;
  text.reserve(timestamp.size() + 1 + body.size());
  text.append(timestamp);
  text += '.';
  text.append(body);
  return text;
}

std::string signature_header(std::string_view secret, std::string_view timestamp,
                             std::string_view body) {
  return "sha256=" + hmac_sha256_hex(secret, signed_text(timestamp, body));
}

}  // namespace vigie::plugins::webhook
