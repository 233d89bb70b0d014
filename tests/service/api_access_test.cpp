// Roles and the API's refusals: 403 for a role or another person's hold or
// route, 404, 409.

#include "service/api_helpers.hpp"

using namespace vigie::testing;

namespace {

struct Request {
  std::string method;
  std::string path;
  Json body = Json::object();
};

httplib::Result send(Client& client, const Request& request) {
  if (request.method == "GET") return client.get(request.path);
  if (request.method == "DELETE") return client.del(request.path);
  return client.post(request.path, request.body);
}

}  // namespace

TEST_CASE("api refuses each area to the other roles", "[service][api]") {
  TestService served("roles");
  const Request status{"GET", "/api/status"};
  const Request campaigns{"GET", "/api/campaigns"};
  const Request cycles{"GET", "/api/campaigns/canicule/cycles"};
  const Request export_csv{"GET", "/api/campaigns/canicule/export/attempts.csv"};
  const Request raise{"POST", "/api/alerts", {{"name", "canicule"}, {"level", 1}}};
  const Request end{"DELETE", "/api/alerts/canicule"};
  const Request audit{"GET", "/api/audit"};
  const Request check{"POST", "/api/campaigns/check", {{"file", "x.vigie"}, {"source", ""}}};
  const Request load{"POST", "/api/campaigns", {{"file", "x.vigie"}}};
  const Request next{"POST", "/api/desk/next"};
  const Request current{"GET", "/api/desk/current"};
  const Request heartbeat{"POST", "/api/desk/heartbeat", {{"token", "t"}}};
  const Request submit{"POST", "/api/desk/submit", {{"token", "t"}}};
  const Request desk{"GET", "/api/desk/alerts"};
  const Request ack{
      "POST",
      "/api/desk/alerts/ack",
      {{"campaign", "canicule"}, {"cycle", 1}, {"route", "urgence"}, {"contact_id", "R000001"}}};

  const std::vector<std::pair<std::string, std::vector<Request>>> refused = {
      {"agent1",
       {status, campaigns, cycles, export_csv, raise, end, audit, check, load, desk, ack}},
      {"superviseur", {next, current, heartbeat, submit, audit, check, load}},
      {"urgence",
       {status, campaigns, cycles, export_csv, raise, end, audit, check, load, next, current,
        heartbeat, submit}},
  };
  for (const auto& [user, requests] : refused) {
    Client client = served.as(user);
    for (const Request& request : requests) {
      INFO(user << ": " << request.method << " " << request.path);
      auto result = send(client, request);
      REQUIRE(result);
      CHECK(result->status == 403);
      CHECK(error_code(result) == "forbidden");
    }
  }

  // Each role reaches its own area.
  Client admin = served.as("admin");
  CHECK(send(admin, audit)->status == 200);
  CHECK(send(admin, status)->status == 200);
  CHECK(send(admin, current)->status == 200);
  Client supervisor = served.as("superviseur");
  CHECK(send(supervisor, status)->status == 200);
  CHECK(send(supervisor, desk)->status == 200);
  Client agent = served.as("agent1");
  CHECK(send(agent, current)->status == 200);
  CHECK(agent.get("/api/campaigns/canicule/script")->status == 200);
  CHECK(agent.get("/api/alerts")->status == 200);
  Client team = served.as("urgence");
  CHECK(send(team, desk)->status == 200);
}

TEST_CASE("api refuses another agent's hold", "[service][api]") {
  TestService served("other-hold");
  raise_heatwave(served);
  Client first = served.as("agent1");
  Client second = served.as("agent2");
  const Json handout = take_contact(first);
  const std::string contact = handout["people"][0]["contact_id"];

  auto heartbeat = second.post("/api/desk/heartbeat", {{"token", handout["token"]}});
  REQUIRE(heartbeat);
  CHECK(heartbeat->status == 403);
  CHECK(error_code(heartbeat) == "forbidden");

  auto settle = second.post(
      "/api/desk/settle",
      {{"token", handout["token"]}, {"contact_id", contact}, {"answers", Json::array()}});
  REQUIRE(settle);
  CHECK(settle->status == 403);

  auto stolen = second.post("/api/desk/submit", submission(handout, "completed", urgent_answers()));
  REQUIRE(stolen);
  CHECK(stolen->status == 403);

  // The owner still holds it and can submit.
  const Json decisions = submit(first, handout, "completed", urgent_answers());
  CHECK(decisions[0]["contact_id"] == contact);
}

TEST_CASE("api refuses a team the routes of other teams", "[service][api]") {
  TestService served("team-routes");
  raise_heatwave(served);
  Client agent = served.as("agent1");
  submit(agent, take_contact(agent), "completed", urgent_answers());
  submit(agent, take_contact(agent), "completed", social_answers());

  Client urgence = served.as("urgence");
  Client social = served.as("social");
  const Json urgent_list = body_of(urgence.get("/api/desk/alerts"));
  const Json social_list = body_of(social.get("/api/desk/alerts"));
  REQUIRE(urgent_list.size() == 1);
  REQUIRE(social_list.size() == 1);
  CHECK(urgent_list[0]["route"] == "urgence");
  CHECK(social_list[0]["route"] == "social");

  auto not_theirs = urgence.post("/api/desk/alerts/ack", alert_key(social_list[0]));
  REQUIRE(not_theirs);
  CHECK(not_theirs->status == 403);
  CHECK(error_code(not_theirs) == "forbidden");
  CHECK(urgence.post("/api/desk/alerts/close", alert_key(social_list[0]))->status == 403);

  // The supervisor sees and handles both.
  Client supervisor = served.as("superviseur");
  CHECK(body_of(supervisor.get("/api/desk/alerts")).size() == 2);
  CHECK(supervisor.post("/api/desk/alerts/ack", alert_key(social_list[0]))->status == 200);
}

TEST_CASE("api answers 404 for what does not exist", "[service][api]") {
  TestService served("not-found");
  Client admin = served.as("admin");
  Client agent = served.as("agent1");

  auto script = agent.get("/api/campaigns/nope/script");
  REQUIRE(script);
  CHECK(script->status == 404);
  CHECK(error_code(script) == "not_found");

  auto route = admin.get("/api/nothing/here");
  REQUIRE(route);
  CHECK(route->status == 404);
  CHECK(error_code(route) == "not_found");

  // No cycle yet, then a cycle that does not exist.
  CHECK(admin.get("/api/campaigns/canicule/export/attempts.csv")->status == 404);
  CHECK(admin.get("/api/campaigns/canicule/cycles")->status == 200);
  raise_heatwave(served);
  CHECK(admin.get("/api/campaigns/canicule/export/attempts.csv?cycle=9")->status == 404);
  CHECK(admin.get("/api/campaigns/canicule/export/attempts.csv?cycle=x")->status == 400);

  auto token = agent.post("/api/desk/heartbeat", {{"token", std::string(64, 'f')}});
  REQUIRE(token);
  CHECK(token->status == 404);
  CHECK(error_code(token) == "not_found");

  auto alert = admin.del("/api/alerts/grand_froid");
  REQUIRE(alert);
  CHECK(alert->status == 404);

  auto desk = admin.post(
      "/api/desk/alerts/ack",
      {{"campaign", "canicule"}, {"cycle", 1}, {"route", "urgence"}, {"contact_id", "R999"}});
  REQUIRE(desk);
  CHECK(desk->status == 404);
  CHECK(admin.get("/api/desk/alerts?campaign=nope")->status == 404);
}

TEST_CASE("api answers 409 for conflicting changes", "[service][api]") {
  TestService served("conflict");
  raise_heatwave(served);
  Client agent = served.as("agent1");
  submit(agent, take_contact(agent), "completed", urgent_answers());

  Client team = served.as("urgence");
  const Json alerts = body_of(team.get("/api/desk/alerts"));
  REQUIRE(alerts.size() == 1);
  REQUIRE(team.post("/api/desk/alerts/close", alert_key(alerts[0]))->status == 200);
  auto ack_closed = team.post("/api/desk/alerts/ack", alert_key(alerts[0]));
  REQUIRE(ack_closed);
  CHECK(ack_closed->status == 409);
  CHECK(error_code(ack_closed) == "conflict");

  Client supervisor = served.as("superviseur");
  REQUIRE(supervisor.del("/api/alerts/canicule")->status == 200);
  auto ended_twice = supervisor.del("/api/alerts/canicule");
  REQUIRE(ended_twice);
  CHECK(ended_twice->status == 409);

  Client admin = served.as("admin");
  auto loaded_twice = admin.post(
      "/api/campaigns", {{"file", std::string(VIGIE_SOURCE_DIR) + "/campaigns/canicule.vigie"}});
  REQUIRE(loaded_twice);
  CHECK(loaded_twice->status == 409);
}

TEST_CASE("api rejects invalid bodies with 400", "[service][api]") {
  TestService served("invalid");
  Client supervisor = served.as("superviseur");
  const std::vector<Json> bodies = {
      {{"name", "canicule"}},
      {{"name", "canicule"}, {"level", 101}},
      {{"name", "canicule"}, {"level", "3"}},
      {{"name", ""}, {"level", 3}},
      {{"name", "a/b"}, {"level", 3}},
  };
  for (const Json& body : bodies) {
    INFO(body.dump());
    auto result = supervisor.post("/api/alerts", body);
    REQUIRE(result);
    CHECK(result->status == 400);
    CHECK(error_code(result) == "invalid");
  }
  auto not_json = supervisor.raw().Post(
      "/api/alerts", {{"Cookie", supervisor.cookie()}, {"X-CSRF-Token", supervisor.csrf()}},
      "{level: 3", "application/json");
  REQUIRE(not_json);
  CHECK(not_json->status == 400);

  raise_heatwave(served);
  Client agent = served.as("agent1");
  const Json handout = take_contact(agent);
  Json bad = submission(handout, "teleported", Json::array());
  auto unknown_disposition = agent.post("/api/desk/submit", bad);
  REQUIRE(unknown_disposition);
  CHECK(unknown_disposition->status == 400);
  CHECK(agent.get("/api/desk/alerts?state=sometimes")->status == 403);
  Client team = served.as("urgence");
  CHECK(team.get("/api/desk/alerts?state=sometimes")->status == 400);
}

TEST_CASE("api rejects alert names no campaign uses", "[service][api]") {
  TestService served("alert-names");
  Client supervisor = served.as("superviseur");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"  canicule ", "starts or ends with a space"},
      {"canicule\t", "starts or ends with a space"},
      {std::string("cani\0cule", 9), "contains a control character at byte 5"},
      {"cani\x1b"
       "cule",
       "contains a control character at byte 5"},
      {"cani\xc2\x85"
       "cule",
       "contains a control character at byte 5"},
      {"\xe2\x80\xae"
       "canicule",
       "contains a Unicode bidirectional control at byte 1"},
      {"canicule\xe2\x81\xa6", "contains a Unicode bidirectional control at byte 9"},
      {"Canicule",
       "no loaded campaign listens to alert \"Canicule\"; the campaigns listen to: "
       "canicule"},
  };
  for (const auto& [name, problem] : cases) {
    INFO(Json(name).dump());
    auto result = supervisor.post("/api/alerts", {{"name", name}, {"level", 3}});
    REQUIRE(result);
    CHECK(result->status == 400);
    CHECK(error_code(result) == "invalid");
    // The whole message arrives, even after a NUL in the name.
    const std::string message = body_of(result)["error"]["message"].get<std::string>();
    CHECK_THAT(message, Catch::Contains(problem));
    CHECK_THAT(message, Catch::EndsWith("`trigger alert` line") || Catch::Contains("listen to: "));
  }
  CHECK(body_of(supervisor.get("/api/alerts")).empty());

  auto unknown = supervisor.del("/api/alerts/Canicule");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
}

TEST_CASE("api counts agents after a desk success", "[service][api]") {
  TestService served("agents-active");
  Client admin = served.as("admin");
  Client supervisor = served.as("superviseur");

  auto junk = admin.post("/api/desk/heartbeat", {{"token", std::string(64, 'f')}});
  REQUIRE(junk);
  CHECK(junk->status == 404);
  CHECK(body_of(supervisor.get("/api/status"))["agents_active"] == 0);

  Client agent = served.as("agent1");
  REQUIRE(agent.get("/api/desk/current")->status == 200);
  CHECK(body_of(supervisor.get("/api/status"))["agents_active"] == 1);
}
