// Sessions over loopback: login, logout, expiry, CSRF and the login limit.

#include <thread>

#include "service/service_fixture.hpp"

using namespace vigie::testing;
using std::chrono::hours;
using std::chrono::minutes;

TEST_CASE("api login opens a session with cookie and token", "[service][api]") {
  TestService served("login");
  Client agent = served.client();

  auto login = agent.login("agent1", "agent1-pw");
  REQUIRE(login);
  CHECK(login->status == 200);
  const Json body = Json::parse(login->body);
  CHECK(body["user"] == "agent1");
  CHECK(body["roles"] == Json::array({"agent"}));
  CHECK(body["csrf_token"].get<std::string>().size() == 64);
  CHECK(body["expires_at"].get<std::string>().back() == 'Z');

  const std::string cookie = login->get_header_value("Set-Cookie");
  CHECK(cookie.rfind("vigie_session=", 0) == 0);
  CHECK_THAT(cookie, Catch::Contains("; HttpOnly"));
  CHECK_THAT(cookie, Catch::Contains("; SameSite=Strict"));
  CHECK_THAT(cookie, Catch::Contains("; Path=/"));
  CHECK_THAT(cookie, !Catch::Contains("Secure"));

  auto session = agent.get("/api/session");
  REQUIRE(session);
  CHECK(session->status == 200);
  CHECK(Json::parse(session->body)["csrf_token"] == body["csrf_token"]);
  CHECK(Json::parse(session->body)["user"] == "agent1");
}

TEST_CASE("api login refuses wrong credentials alike", "[service][api]") {
  TestService served("login-wrong");
  Client client = served.client();

  auto wrong_password = client.login("agent1", "agent2-pw");
  auto unknown_user = client.login("nobody", "agent1-pw");
  REQUIRE(wrong_password);
  REQUIRE(unknown_user);
  CHECK(wrong_password->status == 401);
  CHECK(unknown_user->status == 401);
  CHECK(error_code(wrong_password) == "bad_credentials");
  CHECK(wrong_password->body == unknown_user->body);
  CHECK(wrong_password->get_header_value("Set-Cookie").empty());

  auto not_json =
      client.raw().Post("/api/login", "user=agent1", "application/x-www-form-urlencoded");
  REQUIRE(not_json);
  CHECK(not_json->status == 400);

  // The audit log keeps known names only: an unknown one may be a password.
  const std::vector<Json> audit = served.audit();
  REQUIRE(audit.size() == 2);
  CHECK(audit[0]["action"] == "login_failed");
  CHECK(audit[0]["user"] == "agent1");
  CHECK(audit[0]["reason"] == "wrong_password");
  CHECK(audit[1]["user"] == "?");
  CHECK(audit[1]["reason"] == "unknown_user");
  CHECK(served.audit_text().find("nobody") == std::string::npos);
}

TEST_CASE("api logout ends the session", "[service][api]") {
  TestService served("logout");
  Client agent = served.as("agent1");
  const std::string old_cookie = agent.cookie();

  auto logout = agent.post("/api/logout");
  REQUIRE(logout);
  CHECK(logout->status == 204);
  CHECK_THAT(logout->get_header_value("Set-Cookie"), Catch::Contains("Max-Age=0"));

  auto after = agent.get("/api/session");
  REQUIRE(after);
  CHECK(after->status == 401);
  CHECK(error_code(after) == "unauthenticated");

  const std::vector<Json> audit = served.audit();
  REQUIRE(audit.size() == 2);
  CHECK(audit[0]["action"] == "login");
  CHECK(audit[1]["action"] == "logout");
  CHECK(audit[1]["user"] == "agent1");
  CHECK(audit[1]["remote"] == "127.0.0.1");
}

TEST_CASE("api refuses requests without a session", "[service][api]") {
  TestService served("no-session");
  Client anonymous = served.client();

  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/api/session"},
      {"GET", "/api/campaigns"},
      {"GET", "/api/campaigns/canicule/script"},
      {"GET", "/api/campaigns/canicule/cycles"},
      {"GET", "/api/campaigns/canicule/export/attempts.csv"},
      {"POST", "/api/campaigns/check"},
      {"POST", "/api/campaigns"},
      {"GET", "/api/alerts"},
      {"POST", "/api/alerts"},
      {"DELETE", "/api/alerts/canicule"},
      {"POST", "/api/desk/next"},
      {"GET", "/api/desk/current"},
      {"POST", "/api/desk/heartbeat"},
      {"POST", "/api/desk/settle"},
      {"POST", "/api/desk/submit"},
      {"GET", "/api/desk/alerts"},
      {"POST", "/api/desk/alerts/ack"},
      {"POST", "/api/desk/alerts/close"},
      {"GET", "/api/status"},
      {"GET", "/api/audit"},
      {"POST", "/api/logout"},
  };
  for (const auto& [method, path] : routes) {
    INFO(method << " " << path);
    auto result = method == "GET"    ? anonymous.get(path)
                  : method == "POST" ? anonymous.post(path)
                                     : anonymous.del(path);
    REQUIRE(result);
    CHECK(result->status == 401);
    CHECK(error_code(result) == "unauthenticated");
  }

  // A cookie that names no session.
  anonymous.cookie() = "vigie_session=" + std::string(64, 'a');
  auto forged = anonymous.get("/api/session");
  REQUIRE(forged);
  CHECK(forged->status == 401);
}

TEST_CASE("api session expires when idle and at its end", "[service][api]") {
  TestService served("expiry", "  idle_timeout: 30m\n  session_timeout: 1h\n");
  Client agent = served.as("agent1");

  served.advance_wall(minutes(29));
  auto kept = agent.get("/api/session");
  REQUIRE(kept);
  CHECK(kept->status == 200);

  // Used at 29 min, it is still valid 29 min later; at 1 h it ends.
  served.advance_wall(minutes(29));
  REQUIRE(agent.get("/api/desk/current")->status == 200);
  served.advance_wall(minutes(2));
  auto ended = agent.get("/api/session");
  REQUIRE(ended);
  CHECK(ended->status == 401);
  CHECK(error_code(ended) == "session_expired");
  CHECK_THAT(ended->get_header_value("Set-Cookie"), Catch::Contains("Max-Age=0"));

  Client idle = served.as("agent2");
  served.advance_wall(minutes(31));
  auto idle_result = idle.post("/api/desk/next");
  REQUIRE(idle_result);
  CHECK(idle_result->status == 401);
  CHECK(error_code(idle_result) == "session_expired");
}

TEST_CASE("api refuses state changes without the CSRF token", "[service][api]") {
  TestService served("csrf");
  Client agent = served.as("agent1");
  const std::string token = agent.csrf();

  agent.csrf().clear();
  auto missing = agent.post("/api/desk/next");
  REQUIRE(missing);
  CHECK(missing->status == 403);
  CHECK(error_code(missing) == "csrf");

  agent.csrf() = std::string(64, '0');
  auto wrong = agent.post("/api/desk/next");
  REQUIRE(wrong);
  CHECK(wrong->status == 403);
  CHECK(error_code(wrong) == "csrf");
  auto logout = agent.post("/api/logout");
  REQUIRE(logout);
  CHECK(logout->status == 403);

  // Another session's token does not fit either.
  Client other = served.as("agent2");
  agent.csrf() = other.csrf();
  CHECK(agent.post("/api/desk/next")->status == 403);

  Client supervisor = served.as("superviseur");
  const std::string supervisor_token = supervisor.csrf();
  supervisor.csrf().clear();
  auto raise = supervisor.post("/api/alerts", {{"name", "canicule"}, {"level", 3}});
  REQUIRE(raise);
  CHECK(raise->status == 403);
  CHECK(supervisor.del("/api/alerts/canicule")->status == 403);

  // GET needs no token, and the right token works.
  CHECK(agent.get("/api/desk/current")->status == 200);
  agent.csrf() = token;
  CHECK(agent.post("/api/desk/next")->status == 200);
}

TEST_CASE("api limits failed logins with Retry-After", "[service][api]") {
  TestService served("limit", "  login_limit: {attempts: 3, per: 10m, per_address: 4}\n");
  Client client = served.client();

  for (int i = 0; i < 3; ++i) {
    auto failed = client.login("agent1", "guess" + std::to_string(i));
    REQUIRE(failed);
    CHECK(failed->status == 401);
  }
  // Even the right password waits until the window has passed.
  auto limited = client.login("agent1", "agent1-pw");
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(error_code(limited) == "rate_limited");
  const int retry_after = std::stoi(limited->get_header_value("Retry-After"));
  CHECK(retry_after > 590);
  CHECK(retry_after <= 600);

  // The address has its own limit: another name from the same address may
  // fail once more, then waits.
  auto other_failed = client.login("agent2", "guess");
  REQUIRE(other_failed);
  CHECK(other_failed->status == 401);
  auto other_user = client.login("agent2", "agent2-pw");
  REQUIRE(other_user);
  CHECK(other_user->status == 429);

  served.advance_wall(minutes(10));
  auto allowed = client.login("agent1", "agent1-pw");
  REQUIRE(allowed);
  CHECK(allowed->status == 200);

  auto metrics = client.get("/metrics");
  REQUIRE(metrics);
  CHECK_THAT(metrics->body, Catch::Contains("vigie_login_failures_total 6\n"));
}

TEST_CASE("api login limit per address is higher", "[service][api]") {
  TestService served("limit-address");
  Client client = served.client();

  // Ten agents behind one address each mistype their password once.
  for (int i = 0; i < 10; ++i) {
    auto failed = client.login("agent" + std::to_string(i), "typo");
    REQUIRE(failed);
    CHECK(failed->status == 401);
  }
  auto allowed = client.login("agent1", "agent1-pw");
  REQUIRE(allowed);
  CHECK(allowed->status == 200);
}

TEST_CASE("api login limit counts long user names", "[service][api]") {
  TestService served("limit-long-name");
  Client client = served.client();
  const std::string long_name(100, 'a');

  for (int i = 0; i < 5; ++i) {
    auto failed = client.login(long_name, "guess" + std::to_string(i));
    REQUIRE(failed);
    CHECK(failed->status == 401);
    CHECK(error_code(failed) == "bad_credentials");
  }
  auto limited = client.login(long_name, "guess");
  REQUIRE(limited);
  CHECK(limited->status == 429);
  // A long password counts too.
  auto long_password = client.login("agent1", std::string(2000, 'p'));
  REQUIRE(long_password);
  CHECK(long_password->status == 401);
  CHECK(served.audit_text().find(long_name) == std::string::npos);
}

TEST_CASE("api reports a purged session as expired", "[service][api]") {
  TestService served("purged-session");
  Client agent = served.as("agent1");
  served.advance_wall(hours(9));
  // The ticker purges expired sessions about once a second.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));

  auto expired = agent.get("/api/session");
  REQUIRE(expired);
  CHECK(expired->status == 401);
  CHECK(error_code(expired) == "session_expired");
}

TEST_CASE("api answers 405 for other methods", "[service][api]") {
  TestService served("methods");
  Client supervisor = served.as("superviseur");
  for (const std::string method : {"PUT", "PATCH", "OPTIONS"}) {
    INFO(method);
    httplib::Request request;
    request.method = method;
    request.path = "/api/alerts";
    request.headers = {{"Cookie", supervisor.cookie()}, {"X-CSRF-Token", supervisor.csrf()}};
    auto result = supervisor.raw().send(request);
    REQUIRE(result);
    CHECK(result->status == 405);
    CHECK(result->get_header_value("Allow") == "GET, POST, DELETE");
    CHECK(error_code(result) == "method_not_allowed");
  }
}

TEST_CASE("api 413 states the limit of the body type", "[service][api]") {
  TestService served("too-large");
  Client supervisor = served.as("superviseur");
  const httplib::Headers headers = {{"Cookie", supervisor.cookie()},
                                    {"X-CSRF-Token", supervisor.csrf()}};

  auto form = supervisor.raw().Post("/api/alerts", headers, std::string(9000, 'a'),
                                    "application/x-www-form-urlencoded");
  REQUIRE(form);
  CHECK(form->status == 413);
  CHECK(error_code(form) == "too_large");
  CHECK_THAT(body_of(form)["error"]["message"].get<std::string>(),
             Catch::StartsWith("a form-encoded body is limited to 8 KiB"));

  auto json = supervisor.raw().Post("/api/alerts", headers, std::string(5 * 1024 * 1024, ' '),
                                    "application/json");
  REQUIRE(json);
  CHECK(json->status == 413);
  CHECK(body_of(json)["error"]["message"] == "the request body is larger than 4 MiB");
}
