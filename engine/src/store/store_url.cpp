#include "store/store_url.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "store/store.hpp"

namespace vigie::store {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower >= 'a' && lower <= 'f') return lower - 'a' + 10;
  return -1;
}

// Decodes %XX escapes, as URIs carry reserved characters in a user name,
// password or database name.
std::string percent_decode(std::string_view text, const std::string& url) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      throw StoreError("cannot open store '" + redact_password(url) +
                       "': '%' must start an escape of two hex digits such as %40; write %25 "
                       "for '%' itself");
    }
    decoded += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return decoded;
}

// Quotes a libpq connection value: single quotes, with \ and ' escaped.
std::string quote(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

}  // namespace

std::string redact_password(const std::string& url) {
  std::string redacted = url;

  const std::size_t key = redacted.find("password=");
  if (key != std::string::npos) {
    const std::size_t start = key + std::string_view("password=").size();
    const std::size_t end = std::min(redacted.find(' ', start), redacted.size());
    redacted.replace(start, end - start, "***");
  }

  const std::size_t authority = redacted.find("://");
  if (authority == std::string::npos) return redacted;
  const std::size_t authority_end = std::min(redacted.find('/', authority + 3), redacted.size());
  const std::size_t at = redacted.rfind('@', authority_end);
  const std::size_t colon = redacted.find(':', authority + 3);
  if (at != std::string::npos && at > authority && colon < at) {
    redacted.replace(colon + 1, at - colon - 1, "***");
  }
  return redacted;
}

std::string_view find_parameter(std::string_view connect_string, std::string_view key) {
  std::size_t at = 0;
  while (at < connect_string.size()) {
    const std::size_t end = std::min(connect_string.find(' ', at), connect_string.size());
    const std::string_view pair = connect_string.substr(at, end - at);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=') {
      return pair.substr(key.size() + 1);
    }
    at = end + 1;
  }
  return {};
}

std::string postgresql_connect_string(const std::string& url, std::string_view rest) {
  const std::size_t equals = rest.find('=');
  const bool key_value_form =
      equals != std::string_view::npos &&
      rest.substr(0, equals).find_first_of("/@:?") == std::string_view::npos;
  if (key_value_form) return std::string(rest);

  const std::size_t query_start = std::min(rest.find('?'), rest.size());
  const std::size_t path_start = std::min(rest.find('/'), query_start);
  std::string_view authority = rest.substr(0, path_start);
  std::vector<std::pair<std::string, std::string>> pairs;

  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view user_info = authority.substr(0, at);
    const std::size_t colon = user_info.find(':');
    pairs.emplace_back("user", percent_decode(user_info.substr(0, colon), url));
    if (colon != std::string_view::npos) {
      pairs.emplace_back("password", percent_decode(user_info.substr(colon + 1), url));
    }
    authority = authority.substr(at + 1);
  }

  // An IPv6 host is written in brackets: [::1]:5432.
  std::string_view host = authority;
  std::string_view port;
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!port.empty() && !std::all_of(port.begin(), port.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    throw StoreError("cannot open store '" + redact_password(url) + "': the port '" +
                     std::string(port) + "' is not a number; write postgresql://HOST:PORT/DBNAME");
  }
  if (!host.empty()) pairs.emplace_back("host", percent_decode(host, url));
  if (!port.empty()) pairs.emplace_back("port", std::string(port));

  if (path_start < query_start) {
    const std::string_view dbname = rest.substr(path_start + 1, query_start - path_start - 1);
    if (!dbname.empty()) pairs.emplace_back("dbname", percent_decode(dbname, url));
  }

  std::string_view query = rest.substr(std::min(query_start + 1, rest.size()));
  while (!query.empty()) {
    const std::size_t end = std::min(query.find('&'), query.size());
    const std::string_view item = query.substr(0, end);
    const std::size_t item_equals = item.find('=');
    if (item_equals == std::string_view::npos) {
      throw StoreError("cannot open store '" + redact_password(url) + "': the parameter '" +
                       std::string(item) + "' has no value; write NAME=VALUE after '?'");
    }
    pairs.emplace_back(percent_decode(item.substr(0, item_equals), url),
                       percent_decode(item.substr(item_equals + 1), url));
    query = query.substr(std::min(end + 1, query.size()));
  }

  std::string connect_string;
  for (const auto& [key, value] : pairs) {
    if (!connect_string.empty()) connect_string += ' ';
    connect_string += key + "=" + quote(value);
  }
  return connect_string;
}

}  // namespace vigie::store
