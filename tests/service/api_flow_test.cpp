// A campaign through the API, from the alert to the team desk, with the
// exports, the audit log, metrics, health and shutdown.

#include <regex>
#include <sstream>

#include "service/api_helpers.hpp"
#include "store/store.hpp"

using namespace vigie::testing;

namespace {

// Every line of a CSV text, split on commas (the exports quote nothing
// in these tests' data).
std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

std::vector<Json> audit_lines(const TestService& served, const std::string& action) {
  std::vector<Json> found;
  for (const Json& line : served.audit()) {
    if (line["action"] == action) found.push_back(line);
  }
  return found;
}

}  // namespace

TEST_CASE("api runs a call from alert to team desk", "[service][api]") {
  TestService served("flow");

  // No cycle before the alert.
  Client agent = served.as("agent1");
  CHECK(body_of(agent.post("/api/desk/next"))["status"] == "no_active_cycle");

  const Json raised = raise_heatwave(served);
  CHECK(raised["alert"]["name"] == "canicule");
  CHECK(raised["alert"]["level"] == 3);
  CHECK(raised["alert"]["active"] == true);
  CHECK(raised["alert"]["raised_by"] == "superviseur");
  CHECK(raised["cycles_started"] == Json::parse(R"([{"campaign": "canicule", "cycle": 1}])"));

  const Json handout = take_contact(agent);
  CHECK(handout["campaign"] == "canicule");
  CHECK(handout["cycle"] == 1);
  REQUIRE_FALSE(handout["people"].empty());
  const Json person = handout["people"][0];
  const std::string contact = person["contact_id"];
  CHECK(person["attempt"] == 1);
  CHECK(person["phone"].get<std::string>().rfind("+33", 0) == 0);
  CHECK(person["fields"].contains("last_name"));

  // Asking again returns the same hold.
  const Json again = body_of(agent.post("/api/desk/next"));
  CHECK(again["status"] == "already_holding");
  CHECK(again["handout"]["token"] == handout["token"]);
  CHECK(body_of(agent.get("/api/desk/current"))["handout"]["token"] == handout["token"]);
  CHECK(body_of(agent.post("/api/desk/heartbeat", {{"token", handout["token"]}}))
            .contains("expires_at"));

  // Settle drops an answer to a question that no longer applies.
  const Json settled = body_of(agent.post(
      "/api/desk/settle", {{"token", handout["token"]},
                           {"contact_id", contact},
                           {"answers", Json::parse(R"([{"question": "health", "values": ["no"]},
                                   {"question": "symptoms", "values": ["confusion"]}])")}}));
  CHECK(settled["cleared"] == Json::array({"symptoms"}));
  CHECK(settled["answers"] == Json::parse(R"([{"question": "health", "values": ["no"]}])"));
  CHECK(settled["complete"] == false);
  bool symptoms_seen = false;
  for (const Json& question : settled["questions"]) {
    if (question["id"] != "symptoms") continue;
    symptoms_seen = true;
    CHECK(question["applies"] == false);
  }
  CHECK(symptoms_seen);

  const Json decisions = submit(agent, handout, "completed", urgent_answers());
  REQUIRE(decisions.size() == handout["people"].size());
  CHECK(decisions[0]["contact_id"] == contact);
  CHECK(decisions[0]["final"] == true);
  CHECK(decisions[0]["outcome"] == "completed");
  CHECK(decisions[0]["routes"] == Json::array({"urgence"}));
  CHECK(body_of(agent.get("/api/desk/current"))["handout"].is_null());

  // The team desk shows the route with the person.
  Client team = served.as("urgence");
  const Json open = body_of(team.get("/api/desk/alerts"));
  REQUIRE(open.size() == 1);
  CHECK(open[0]["campaign"] == "canicule");
  CHECK(open[0]["route"] == "urgence");
  CHECK(open[0]["route_title"] == "Cellule d'urgence");
  CHECK(open[0]["contact_id"] == contact);
  CHECK(open[0]["state"] == "open");
  CHECK(open[0]["scores"].contains("risk"));
  CHECK(open[0]["person"]["contact_id"] == contact);
  CHECK(open[0]["due_local"].get<std::string>().find("+02:00") != std::string::npos);

  const Json acknowledged = body_of(team.post("/api/desk/alerts/ack", alert_key(open[0])));
  CHECK(acknowledged["state"] == "acknowledged");
  CHECK(acknowledged["acknowledged_by"] == "urgence");
  CHECK(body_of(team.get("/api/desk/alerts"))[0]["state"] == "acknowledged");

  const Json closed = body_of(team.post("/api/desk/alerts/close", alert_key(open[0])));
  CHECK(closed["state"] == "closed");
  CHECK(closed["closed_by"] == "urgence");
  CHECK(body_of(team.get("/api/desk/alerts")).empty());
  CHECK(body_of(team.get("/api/desk/alerts?state=closed")).size() == 1);
  CHECK(body_of(team.get("/api/desk/alerts?state=all")).size() == 1);
  CHECK(body_of(team.get("/api/desk/alerts?state=open")).empty());

  // Every read of a person is audited with ids, never the phone or name.
  const std::vector<Json> handouts = audit_lines(served, "handout");
  REQUIRE(handouts.size() >= 3);  // next, next again, current
  CHECK(handouts[0]["user"] == "agent1");
  CHECK(handouts[0]["campaign"] == "canicule");
  CHECK(handouts[0]["cycle"] == 1);
  CHECK(handouts[0]["contact_id"] == contact);
  // One line per list read: open, acknowledged, empty, closed, all, empty.
  const std::vector<Json> lists = audit_lines(served, "desk_list");
  REQUIRE(lists.size() == 6);
  CHECK(lists[0]["contacts"] == Json::array({contact}));
  CHECK(lists[0]["user"] == "urgence");
  CHECK(lists[2]["contacts"] == Json::array());
  CHECK(audit_lines(served, "ack").size() == 1);
  CHECK(audit_lines(served, "close").size() == 1);
  CHECK(audit_lines(served, "alert_raise").size() == 1);

  const std::string audit = served.audit_text();
  const std::string phone = person["phone"];
  CHECK(audit.find(phone) == std::string::npos);
  CHECK(audit.find(phone.substr(3)) == std::string::npos);
  CHECK(audit.find(person["fields"]["last_name"].get<std::string>()) == std::string::npos);
}

TEST_CASE("api exports CSV files and audits them", "[service][api]") {
  TestService served("exports");
  raise_heatwave(served);
  Client agent = served.as("agent1");
  const Json handout = take_contact(agent);
  const std::string contact = handout["people"][0]["contact_id"];
  submit(agent, handout, "completed", urgent_answers());

  Client supervisor = served.as("superviseur");
  auto attempts = supervisor.get("/api/campaigns/canicule/export/attempts.csv?cycle=1");
  REQUIRE(attempts);
  CHECK(attempts->status == 200);
  CHECK(attempts->get_header_value("Content-Type") == "text/csv; charset=utf-8");
  CHECK_THAT(attempts->get_header_value("Content-Disposition"),
             Catch::Contains("canicule-cycle1-attempts.csv"));
  const auto rows = csv_rows(attempts->body);
  REQUIRE(rows.size() >= 2);
  CHECK(rows[0][0] == "cycle");
  CHECK(rows[0][1] == "contact_id");
  bool found = false;
  for (const auto& row : rows) {
    if (row.size() > 1 && row[1] == contact) found = true;
  }
  CHECK(found);

  auto escalations = supervisor.get("/api/campaigns/canicule/export/escalations.csv");
  REQUIRE(escalations);
  CHECK(escalations->status == 200);
  CHECK_THAT(escalations->body, Catch::Contains(contact));
  auto outcomes = supervisor.get("/api/campaigns/canicule/export/outcomes.csv?cycle=1");
  REQUIRE(outcomes);
  CHECK(outcomes->status == 200);
  CHECK_THAT(outcomes->body, Catch::Contains(contact));

  const std::vector<Json> exports = audit_lines(served, "export");
  REQUIRE(exports.size() == 3);
  CHECK(exports[0]["user"] == "superviseur");
  CHECK(exports[0]["export"] == "attempts");
  CHECK(exports[0]["cycle"] == 1);
  CHECK(std::find(exports[0]["contacts"].begin(), exports[0]["contacts"].end(), contact) !=
        exports[0]["contacts"].end());
  CHECK(exports[1]["export"] == "escalations");

  // The admin reads the audit log through the API.
  Client admin = served.as("admin");
  const Json last = body_of(admin.get("/api/audit?limit=2"));
  REQUIRE(last.size() == 2);
  CHECK(last[0]["action"] == "export");
  CHECK(last[1]["action"] == "login");
  CHECK(last[1]["user"] == "admin");
  CHECK(admin.get("/api/audit?limit=0")->status == 400);
}

TEST_CASE("api campaigns, cycles, status and script", "[service][api]") {
  TestService served("supervision");
  raise_heatwave(served);
  Client supervisor = served.as("superviseur");

  const Json campaigns = body_of(supervisor.get("/api/campaigns"));
  REQUIRE(campaigns.size() == 1);
  CHECK(campaigns[0]["name"] == "canicule");
  CHECK(campaigns[0]["timezone"] == "Europe/Paris");
  CHECK(campaigns[0]["trigger"] == Json::parse(R"({"alert": "canicule", "op": ">=", "level": 3})"));
  CHECK(campaigns[0]["target"] == 0.65);
  CHECK(campaigns[0]["start_within_s"] == 4 * 3600);
  CHECK(campaigns[0]["recontact_every_s"] == 48 * 3600);
  CHECK(campaigns[0]["status"]["trigger_holds"] == true);

  const Json cycles = body_of(supervisor.get("/api/campaigns/canicule/cycles"));
  REQUIRE(cycles.size() == 1);
  CHECK(cycles[0]["cycle"] == 1);
  CHECK(cycles[0]["started"] == "2019-06-24T08:00:00Z");
  CHECK(cycles[0]["contacts"].get<int>() > 0);

  Client agent = served.as("agent1");
  submit(agent, take_contact(agent), "completed", urgent_answers());
  const Json status = body_of(supervisor.get("/api/status"));
  CHECK(status["now"] == "2019-06-24T08:00:00Z");
  CHECK(status["agents_active"] == 1);
  const Json cycle = status["campaigns"][0]["cycles"][0];
  CHECK(cycle["attempts"].get<int>() >= 1);
  CHECK(cycle["useful"].get<int>() >= 1);
  CHECK(cycle["useful_rate"].get<double>() > 0);
  CHECK(status["campaigns"][0]["attempts_per_hour"].get<int>() >= 1);

  const Json script = body_of(agent.get("/api/campaigns/canicule/script"));
  CHECK(script["campaign"] == "canicule");
  CHECK(script["questions"].size() == 9);

  const Json alerts = body_of(agent.get("/api/alerts"));
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0]["name"] == "canicule");
  const Json ended = body_of(supervisor.del("/api/alerts/canicule"));
  CHECK(ended["alert"]["active"] == false);
  CHECK(ended["alert"]["ended_at"] == "2019-06-24T08:00:00Z");
  CHECK(body_of(agent.get("/api/alerts"))[0]["active"] == false);
}

TEST_CASE("api metrics parse as Prometheus text", "[service][api]") {
  TestService served("metrics");
  raise_heatwave(served);
  Client agent = served.as("agent1");
  submit(agent, take_contact(agent), "completed", urgent_answers());

  auto metrics = served.client().get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK_THAT(metrics->get_header_value("Content-Type"),
             Catch::StartsWith("text/plain; version=0.0.4"));

  const std::regex sample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.eE+-]+$)");
  std::istringstream lines(metrics->body);
  std::string line;
  std::set<std::string> names;
  while (std::getline(lines, line)) {
    if (line.rfind("# ", 0) == 0) continue;
    INFO(line);
    std::smatch match;
    REQUIRE(std::regex_match(line, match, sample));
    names.insert(match[1].str());
  }
  for (const char* name :
       {"vigie_http_requests_total", "vigie_http_request_duration_seconds_bucket",
        "vigie_http_request_duration_seconds_sum", "vigie_http_request_duration_seconds_count",
        "vigie_attempts_total", "vigie_contacts", "vigie_holds", "vigie_agents_active",
        "vigie_outbox_pending", "vigie_alerts_active", "vigie_login_failures_total"}) {
    INFO(name);
    CHECK(names.count(name) == 1);
  }
  CHECK_THAT(
      metrics->body,
      Catch::Contains("vigie_http_requests_total{route=\"/api/desk/submit\",code=\"200\"} 1"));
  CHECK_THAT(
      metrics->body,
      Catch::Contains("vigie_attempts_total{campaign=\"canicule\",disposition=\"completed\"} 1"));
  CHECK_THAT(metrics->body, Catch::Contains("vigie_alerts_active 1"));
  CHECK_THAT(metrics->body, Catch::Contains("vigie_agents_active 1"));
}

TEST_CASE("api health turns 503 at shutdown", "[service][api]") {
  TestService served("health", "", "0s");
  Client anyone = served.client();
  auto healthy = anyone.get("/healthz");
  REQUIRE(healthy);
  CHECK(healthy->status == 200);
  CHECK(Json::parse(healthy->body) == Json::parse(R"({"status": "ok"})"));

  raise_heatwave(served);
  Client agent = served.as("agent1");
  served.service().begin_shutdown();
  auto stopping = anyone.get("/healthz");
  REQUIRE(stopping);
  CHECK(stopping->status == 503);
  CHECK(Json::parse(stopping->body)["status"] == "stopping");
  auto next = agent.post("/api/desk/next");
  REQUIRE(next);
  CHECK(next->status == 503);
  CHECK(error_code(next) == "stopping");
}

TEST_CASE("api shutdown keeps submits of the grace and fails the rest", "[service][api]") {
  TestService served("shutdown", "", "30s");
  raise_heatwave(served);
  Client first = served.as("agent1");
  Client second = served.as("agent2");
  const Json submitted = take_contact(first);
  const Json abandoned = take_contact(second);

  served.service().begin_shutdown();
  // The grace lets an open hold be submitted.
  const Json decisions = submit(first, submitted, "completed", urgent_answers());
  CHECK(decisions[0]["outcome"] == "completed");
  // The drain ends when cut_short returns true, though agent2 still holds a
  // contact.
  int polls = 0;
  served.service().drain([&] { return ++polls > 2; });
  CHECK(served.service().finish_shutdown() == 1);

  // The store holds both attempts: agent2's recorded as failed.
  auto store = vigie::store::Store::open((served.data() / "canicule.db").string());
  store->select_campaign("canicule");
  std::map<std::string, std::string> dispositions;
  for (const auto& attempt : store->attempts(1))
    dispositions[attempt.contact_id] = attempt.disposition;
  CHECK(dispositions[submitted["people"][0]["contact_id"].get<std::string>()] == "completed");
  CHECK(dispositions[abandoned["people"][0]["contact_id"].get<std::string>()] == "failed");
}

TEST_CASE("api restart keeps the alerts and the cycle", "[service][api]") {
  TestService served("restart");
  raise_heatwave(served);
  Client agent = served.as("agent1");
  const Json handout = take_contact(agent);
  submit(agent, handout, "completed", urgent_answers());

  served.restart();
  Client supervisor = served.as("superviseur");
  const Json alerts = body_of(supervisor.get("/api/alerts"));
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0]["active"] == true);
  const Json cycles = body_of(supervisor.get("/api/campaigns/canicule/cycles"));
  REQUIRE(cycles.size() == 1);
  CHECK(cycles[0]["attempts"] == 1);
  Client again = served.as("agent1");
  CHECK(take_contact(again)["people"][0]["contact_id"] != handout["people"][0]["contact_id"]);
}

TEST_CASE("api checks and loads campaigns for the admin", "[service][api]") {
  TestService served("campaign-admin");
  Client admin = served.as("admin");

  const Json broken = body_of(
      admin.post("/api/campaigns/check",
                 {{"file", "draft.vigie"}, {"source", "campaign draft {\n  title 12\n}\n"}}));
  CHECK(broken["ok"] == false);
  REQUIRE_FALSE(broken["diagnostics"].empty());
  const Json& first = broken["diagnostics"][0];
  CHECK(first["file"] == "draft.vigie");
  CHECK(first["line"] == 1);
  CHECK(first["column"] == 10);
  CHECK(first["severity"] == "error");
  const Json& last = broken["diagnostics"].back();
  CHECK(last["line"] == 2);
  CHECK(last["column"] == 9);
  CHECK(last["message"] == "expected a text in double quotes, found '12'");

  // The heatwave campaign's text checks clean, its import resolved on the server.
  std::ifstream in(std::string(VIGIE_SOURCE_DIR) + "/campaigns/canicule.vigie");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Json clean = body_of(admin.post(
      "/api/campaigns/check",
      {{"file", std::string(VIGIE_SOURCE_DIR) + "/campaigns/canicule.vigie"}, {"source", text}}));
  INFO(clean.dump());
  CHECK(clean["ok"] == true);

  const fs::path bad = served.folder() / "bad.vigie";
  std::ofstream(bad) << "campaign bad {\n  timezone \"Mars/Olympus\"\n}\n";
  auto load_bad = admin.post("/api/campaigns", {{"file", bad.string()}});
  REQUIRE(load_bad);
  CHECK(load_bad->status == 400);
  CHECK(error_code(load_bad) == "invalid");
  CHECK_FALSE(Json::parse(load_bad->body)["diagnostics"].empty());
  CHECK(admin.post("/api/campaigns", {{"file", "missing.vigie"}})->status == 400);
}

TEST_CASE("api serves the console with security headers", "[service][api]") {
  const fs::path console = fresh_folder("console-files");
  std::ofstream(console / "index.html") << "<!doctype html><title>Vigie</title>";
  std::ofstream(console / "app.js") << "console.log('vigie');";
  TestService served("console", "  console: " + console.string() + "\n");
  Client browser = served.client();

  auto root = browser.get("/");
  REQUIRE(root);
  CHECK(root->status == 302);
  CHECK(root->get_header_value("Location") == "/console/");
  auto bare = browser.get("/console");
  REQUIRE(bare);
  CHECK(bare->status == 302);

  auto index = browser.get("/console/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK_THAT(index->body, Catch::Contains("<title>Vigie</title>"));
  CHECK_THAT(index->get_header_value("Content-Type"), Catch::StartsWith("text/html"));
  CHECK(index->get_header_value("Content-Security-Policy") == "default-src 'self'");
  CHECK(index->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(index->get_header_value("X-Frame-Options") == "DENY");
  CHECK(index->get_header_value_count("Content-Security-Policy") == 1);

  auto script = browser.get("/console/app.js");
  REQUIRE(script);
  CHECK(script->status == 200);
  CHECK_THAT(script->get_header_value("Content-Type"), Catch::Contains("javascript"));

  auto outside = browser.get("/console/../serve.yaml");
  REQUIRE(outside);
  CHECK(outside->status >= 400);
  CHECK(outside->body.find("users") == std::string::npos);

  // A control character in the path is rejected before any file is opened.
  for (const std::string path :
       {"/console/app.js%00.html", "/console/app%0a.js", "/api/alerts%00", "/console/app.js%7f"}) {
    INFO(path);
    auto control = browser.get(path);
    REQUIRE(control);
    CHECK(control->status == 400);
    CHECK(error_code(control) == "invalid");
    CHECK(control->body.find("vigie") == std::string::npos);
  }

  // API answers carry the same headers.
  auto health = browser.get("/healthz");
  REQUIRE(health);
  CHECK(health->get_header_value("X-Frame-Options") == "DENY");
}

TEST_CASE("service start refuses a team role without its route", "[service][api]") {
  const fs::path folder = fresh_folder("bad-team");
  std::string text = serve_config(folder);
  const std::string role = "[\"team:visite\"]";
  text.replace(text.find(role), role.size(), "[\"team:visites\"]");
  std::ofstream(folder / "serve.yaml") << text;
  const auto config = vigie::service::load_service_config((folder / "serve.yaml").string());

  try {
    vigie::service::Service service(config);
    FAIL("no error");
  } catch (const vigie::config::ConfigError& error) {
    CHECK_THAT(error.what(),
               Catch::Contains("user visite has role team:visites but no campaign has a route "
                               "visites; the routes are social, urgence, visite"));
    CHECK_THAT(error.what(), Catch::StartsWith((folder / "serve.yaml").string() + ":"));
  }
}

TEST_CASE("api loads only .vigie regular files", "[service][api]") {
  TestService served("load-files");
  Client admin = served.as("admin");
  // A file with a secret first word, which a syntax error would quote.
  const fs::path secret = served.folder() / "secret.txt";
  std::ofstream(secret) << "hunter2secret rest of the line\n";
  const fs::path folder_named = served.folder() / "folder.vigie";
  fs::create_directories(folder_named);

  const std::vector<std::pair<std::string, std::string>> cases = {
      {secret.string(), "does not end in .vigie"},
      {"/etc/passwd", "does not end in .vigie"},
      {folder_named.string(), "not a regular file"},
  };
  for (const auto& [file, problem] : cases) {
    INFO(file);
    auto result = admin.post("/api/campaigns", {{"file", file}});
    REQUIRE(result);
    CHECK(result->status == 400);
    CHECK(error_code(result) == "invalid");
    CHECK_THAT(result->body, Catch::Contains(problem));
    CHECK(result->body.find("hunter2secret") == std::string::npos);
    CHECK(result->body.find("root") == std::string::npos);
  }
}
