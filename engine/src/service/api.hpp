#pragma once
// The routes of the HTTP API and what they share: the Router wraps each
// handler with authentication, the CSRF check, the role check, error
// mapping and metrics. Internal to service/ (includes cpp-httplib).

#include <functional>
#include <optional>
#include <string>

#include <httplib.h>

#include "service/json.hpp"
#include "service/service_state.hpp"

namespace vigie::service {

// Who may call a route.
enum class Access {
  anyone,      // no session needed
  logged_in,   // any role
  agent,       // agent desk: agent, admin
  supervisor,  // supervision: supervisor, admin
  admin,       // admin only
  desk,        // alert desk: a team role, supervisor, admin
};

inline constexpr const char* kSessionCookie = "vigie_session";

// One request being handled.
struct Call {
  const httplib::Request& request;
  httplib::Response& response;
  ServiceState& state;
  std::optional<Session> session;  // set for every route but Access::anyone
  std::string session_id;          // the cookie value, when a session was found

  const Principal& who() const { return session->principal; }
  const std::string& remote() const { return request.remote_addr; }
  // The capture `index` (1-based) of the route's pattern.
  std::string match(std::size_t index) const { return request.matches[index].str(); }
  // The request body as a JSON object; ApiError 400 otherwise.
  Json body() const { return parse_body(request.body); }
  common::Instant now() const { return state.campaign_now(); }
};

using Handler = std::function<void(Call&)>;

void reply_json(Call& call, int status, const Json& body);
void reply_error(httplib::Response& response, int status, const std::string& code,
                 const std::string& message);

// The Set-Cookie value that opens or clears the session cookie.
std::string session_cookie(const std::string& id, common::Seconds max_age, bool secure);

// Reads the session id from the Cookie header; empty when absent.
std::string session_id_of(const httplib::Request& request);

class Router {
 public:
  Router(httplib::Server& server, ServiceState& state) : server_(server), state_(state) {}

  // `label` is the pattern as the docs write it (/api/campaigns/{name}/script):
  // the metrics' route label.
  void get(const std::string& pattern, const std::string& label, Access access, Handler handler);
  void post(const std::string& pattern, const std::string& label, Access access, Handler handler);
  void del(const std::string& pattern, const std::string& label, Access access, Handler handler);

  ServiceState& state() { return state_; }

 private:
  httplib::Server::Handler wrap(const std::string& label, Access access, bool changes_state,
                                Handler handler);

  httplib::Server& server_;
  ServiceState& state_;
};

// Metrics of the request being handled on this thread. The server's
// pre-routing handler starts the clock. A route handler counts its request
// before the response is sent, so that a client that reads /metrics next
// sees it; the server's logger counts the requests no route handled.
void start_request_clock();
void count_request(Metrics& metrics, const std::string& route, int status);
bool request_counted();

void add_session_routes(Router& router);
void add_campaign_routes(Router& router);
void add_alert_routes(Router& router);
void add_desk_routes(Router& router);
void add_alert_desk_routes(Router& router);
void add_supervision_routes(Router& router);

}  // namespace vigie::service
