#include "service/api.hpp"

#include <chrono>

#include "service/api_error.hpp"
#include "service/log.hpp"

namespace vigie::service {

namespace {

thread_local std::chrono::steady_clock::time_point request_started;
thread_local bool request_was_counted = false;

int status_of(runtime::LiveError::Kind kind) {
  switch (kind) {
    case runtime::LiveError::Kind::not_found:
      return 404;
    case runtime::LiveError::Kind::forbidden:
      return 403;
    case runtime::LiveError::Kind::invalid:
      return 400;
    case runtime::LiveError::Kind::conflict:
      return 409;
    case runtime::LiveError::Kind::unavailable:
      return 503;
  }
  return 500;
}

const char* code_of(runtime::LiveError::Kind kind) {
  switch (kind) {
    case runtime::LiveError::Kind::not_found:
      return "not_found";
    case runtime::LiveError::Kind::forbidden:
      return "forbidden";
    case runtime::LiveError::Kind::invalid:
      return "invalid";
    case runtime::LiveError::Kind::conflict:
      return "conflict";
    case runtime::LiveError::Kind::unavailable:
      return "unavailable";
  }
  return "internal";
}

bool allowed(Access access, const Principal& who) {
  switch (access) {
    case Access::anyone:
    case Access::logged_in:
      return true;
    case Access::agent:
      return who.agent || who.admin;
    case Access::supervisor:
      return who.supervisor || who.admin;
    case Access::admin:
      return who.admin;
    case Access::desk:
      return who.sees_every_route() || !who.team_routes.empty();
  }
  return false;
}

const char* needed_roles(Access access) {
  switch (access) {
    case Access::agent:
      return "the agent or admin role";
    case Access::supervisor:
      return "the supervisor or admin role";
    case Access::admin:
      return "the admin role";
    case Access::desk:
      return "a team:ROUTE, supervisor or admin role";
    default:
      return "a session";
  }
}

// Finds the caller's session and checks the CSRF token and the role.
void authenticate(Call& call, Access access, bool changes_state) {
  ServiceState& state = call.state;
  call.session_id = session_id_of(call.request);
  if (call.session_id.empty()) {
    throw ApiError(401, "unauthenticated", "not logged in; POST /api/login first");
  }

  SessionLookup found = state.sessions.touch(call.session_id, state.wall_now());
  if (found.state == SessionState::expired) {
    call.response.set_header("Set-Cookie",
                             session_cookie("", common::Seconds{0}, state.config.tls.has_value()));
    throw ApiError(401, "session_expired", "the session expired; log in again");
  }
  if (found.state == SessionState::missing) {
    throw ApiError(401, "unauthenticated", "no such session (logged out or expired); log in again");
  }
  call.session = std::move(found.session);

  if (changes_state) {
    const std::string token = call.request.get_header_value("X-CSRF-Token");
    if (!tokens_equal(token, call.session->csrf_token)) {
      throw ApiError(403, "csrf",
                     token.empty() ? "the X-CSRF-Token header is missing; send the csrf_token "
                                     "returned at login"
                                   : "the X-CSRF-Token header does not match this session; send "
                                     "the csrf_token returned at login");
    }
  }
  if (!allowed(access, call.who())) {
    throw ApiError(403, "forbidden", std::string("this request needs ") + needed_roles(access));
  }
}

}  // namespace

void start_request_clock() {
  request_started = std::chrono::steady_clock::now();
  request_was_counted = false;
}

void count_request(Metrics& metrics, const std::string& route, int status) {
  if (request_was_counted) return;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - request_started;
  metrics.observe_request(route, status, elapsed.count());
  request_was_counted = true;
}

bool request_counted() {
  return request_was_counted;
}

void reply_json(Call& call, int status, const Json& body) {
  call.response.status = status;
  call.response.set_header("Cache-Control", "no-store");
  call.response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                            "application/json; charset=utf-8");
}

void reply_error(httplib::Response& response, int status, const std::string& code,
                 const std::string& message) {
  Json body = {{"error", {{"code", code}, {"message", message}}}};
  response.status = status;
  response.set_header("Cache-Control", "no-store");
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json; charset=utf-8");
}

std::string session_cookie(const std::string& id, common::Seconds max_age, bool secure) {
  std::string cookie =
      std::string(kSessionCookie) + "=" + id +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age.count());
  if (secure) cookie += "; Secure";
  return cookie;
}

std::string session_id_of(const httplib::Request& request) {
  const std::string prefix = std::string(kSessionCookie) + "=";
  const std::size_t headers = request.get_header_value_count("Cookie");
  for (std::size_t i = 0; i < headers; ++i) {
    const std::string cookies = request.get_header_value("Cookie", i);
    std::size_t start = 0;
    while (start < cookies.size()) {
      std::size_t end = cookies.find(';', start);
      if (end == std::string::npos) end = cookies.size();
      std::size_t first = cookies.find_first_not_of(' ', start);
      if (first != std::string::npos && first < end &&
          cookies.compare(first, prefix.size(), prefix) == 0) {
        return cookies.substr(first + prefix.size(), end - first - prefix.size());
      }
      start = end + 1;
    }
  }
  return "";
}

httplib::Server::Handler Router::wrap(const std::string& label, Access access, bool changes_state,
                                      Handler handler) {
  // The handler outlives the Router, so it keeps the state and owns the
  // metrics label.
  auto owned_label = std::make_shared<const std::string>(label);
  ServiceState* state = &state_;
  return [state, owned_label, access, changes_state, handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    Call call{request, response, *state, std::nullopt, {}};
    try {
      if (access != Access::anyone) authenticate(call, access, changes_state);
      handler(call);
    } catch (const ApiError& error) {
      reply_error(response, error.status(), error.code(), error.what());
      if (error.retry_after) {
        response.set_header("Retry-After", std::to_string(*error.retry_after));
      }
    } catch (const runtime::LiveError& error) {
      // The message names the value at fault, which may be an answer, so
      // it goes to the client only.
      reply_error(response, status_of(error.kind()), code_of(error.kind()), error.what());
    } catch (const nlohmann::json::exception& error) {
      reply_error(response, 400, "invalid", std::string("invalid request: ") + error.what());
    } catch (const std::exception& error) {
      log_error("request failed", {{"route", *owned_label}, {"error", error.what()}});
      reply_error(response, 500, "internal",
                  "the service failed to handle this request; its log has the cause");
    }
    count_request(state->metrics, *owned_label, response.status);
  };
}

void Router::get(const std::string& pattern, const std::string& label, Access access,
                 Handler handler) {
  server_.Get(pattern, wrap(label, access, /*changes_state=*/false, std::move(handler)));
}

void Router::post(const std::string& pattern, const std::string& label, Access access,
                  Handler handler) {
  server_.Post(pattern, wrap(label, access, /*changes_state=*/true, std::move(handler)));
}

void Router::del(const std::string& pattern, const std::string& label, Access access,
                 Handler handler) {
  server_.Delete(pattern, wrap(label, access, /*changes_state=*/true, std::move(handler)));
}

}  // namespace vigie::service
