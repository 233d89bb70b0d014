#pragma once
// The parts of a webhook request: the JSON body of an alert, the
// Idempotency-Key header value and the X-Vigie-Signature header value.
// docs/plugins.md gives receivers the same signature recipe.

#include <string>
#include <string_view>

#include "vigie/types.hpp"

namespace vigie::plugins::webhook {

// Builds the compact JSON document of one alert. Throws PluginError when a
// text field is not valid UTF-8, naming the alert by its header key.
std::string alert_body(const Alert& alert);

// Returns `key` with '%', spaces, control characters and non-ASCII bytes
// percent-encoded, so that any contact id fits in a header. Ordinary keys
// come back unchanged.
std::string header_key(std::string_view key);

// Returns the lowercase hex HMAC-SHA256 of `message` keyed with `secret`
// (OpenSSL libcrypto). Throws PluginError if libcrypto fails.
std::string hmac_sha256_hex(std::string_view secret, std::string_view message);

// Returns the text that X-Vigie-Signature signs: the X-Vigie-Timestamp value,
// a '.', then the exact body bytes.
std::string signed_text(std::string_view timestamp, std::string_view body);

// Returns the X-Vigie-Signature value: "sha256=" and the hex HMAC of
// signed_text(timestamp, body).
std::string signature_header(std::string_view secret, std::string_view timestamp,
                             std::string_view body);

}  // namespace vigie::plugins::webhook
