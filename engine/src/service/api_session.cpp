// POST /api/login, POST /api/logout, GET /api/session.

#include "service/api.hpp"
#include "service/api_error.hpp"
#include "service/log.hpp"

namespace vigie::service {

namespace {

// The longest configured user name (service_config.cpp checks it).
constexpr std::size_t kMaxUserName = 64;
constexpr std::size_t kMaxPassword = 1024;

struct Credentials {
  std::string user;
  std::string password;
  bool oversized = false;  // a member longer than any valid one
};

Json session_json(const Session& session) {
  Json out;
  out["user"] = session.principal.user;
  out["roles"] = session.principal.roles;
  out["csrf_token"] = session.csrf_token;
  out["expires_at"] = iso(session.expires_at);
  return out;
}

// Reads {"user", "password"}. A member that is too long is only flagged,
// so that the login still goes through the rate limit and fails like a
// wrong password, without telling which member was too long.
Credentials credentials(const Json& body) {
  const auto user = body.find("user");
  const auto password = body.find("password");
  if (user == body.end() || password == body.end() || !user->is_string() ||
      !password->is_string()) {
    throw invalid_request("the body must be {\"user\": NAME, \"password\": TEXT}");
  }
  Credentials read{user->get<std::string>(), password->get<std::string>()};
  read.oversized = read.user.size() > kMaxUserName || read.password.size() > kMaxPassword;
  // The limiter keys a long name by its first bytes, so that a flood of
  // long names cannot grow the limiter's map by the body size each time.
  if (read.user.size() > kMaxUserName) read.user.resize(kMaxUserName + 1);
  return read;
}

void login(Call& call) {
  ServiceState& state = call.state;
  const auto [user, password, oversized] = credentials(call.body());
  const common::Instant wall = state.wall_now();
  const bool known = state.users.contains(user);
  // A name that is not a user may be a password typed in the wrong box, so
  // the audit log keeps only known names.
  const std::string audited_user = known ? user : "?";

  if (const auto wait = state.limiter.blocked(user, call.remote(), wall)) {
    state.metrics.count_login_failure();
    state.record({.action = "login_failed",
                  .user = audited_user,
                  .remote = call.remote(),
                  .details = {{"reason", "rate_limited"}}});
    ApiError error(429, "rate_limited",
                   "too many failed logins; try again in " + std::to_string(wait->count()) + " s");
    error.retry_after = wait->count();
    throw error;
  }

  const std::optional<Principal> principal =
      oversized || user.empty() ? std::nullopt : state.users.authenticate(user, password);
  if (!principal) {
    state.limiter.record_failure(user, call.remote(), wall);
    state.metrics.count_login_failure();
    state.record({.action = "login_failed",
                  .user = audited_user,
                  .remote = call.remote(),
                  .details = {{"reason", known ? "wrong_password" : "unknown_user"}}});
    // Counts only: the name may be personal, and the audit log has it.
    log_warn("login failed", {{"user_failures", state.limiter.failures_of_user(user, wall)},
                              {"known_user", known}});
    throw ApiError(401, "bad_credentials", "wrong user name or password");
  }

  auto [id, session] = state.sessions.create(*principal, wall);
  state.record({.action = "login", .user = user, .remote = call.remote()});
  call.response.set_header(
      "Set-Cookie", session_cookie(id, state.config.session_timeout, state.config.tls.has_value()));
  reply_json(call, 200, session_json(session));
}

void logout(Call& call) {
  ServiceState& state = call.state;
  state.sessions.remove(call.session_id);
  state.record({.action = "logout", .user = call.who().user, .remote = call.remote()});
  call.response.set_header("Set-Cookie",
                           session_cookie("", common::Seconds{0}, state.config.tls.has_value()));
  call.response.status = 204;
}

}  // namespace

void add_session_routes(Router& router) {
  router.post("/api/login", "/api/login", Access::anyone, login);
  router.post("/api/logout", "/api/logout", Access::logged_in, logout);
  router.get("/api/session", "/api/session", Access::logged_in,
             [](Call& call) { reply_json(call, 200, session_json(*call.session)); });
}

}  // namespace vigie::service
