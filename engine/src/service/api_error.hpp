#pragma once
// An API request the service rejects before or outside the live campaign:
// sent as {"error": {"code", "message"}} with `status`.

#include <optional>
#include <stdexcept>
#include <string>

namespace vigie::service {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}

  int status() const { return status_; }
  const std::string& code() const { return code_; }

  // For 429: seconds the client should wait (the Retry-After header).
  std::optional<long long> retry_after;

 private:
  int status_;
  std::string code_;
};

// A request body or parameter that does not have the expected shape.
inline ApiError invalid_request(const std::string& message) {
  return ApiError(400, "invalid", message);
}

}  // namespace vigie::service
