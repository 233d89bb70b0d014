// The service's records: audit log, alerts file, metrics text and JSON log lines.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "runtime/live.hpp"
#include "service/alerts.hpp"
#include "service/audit.hpp"
#include "service/log.hpp"
#include "service/metrics.hpp"

using namespace vigie::service;
using std::chrono::hours;
using std::chrono::seconds;
using vigie::common::Instant;

namespace {

namespace fs = std::filesystem;

const Instant kStart = Instant{date::sys_days{date::June / 24 / 2019}} + hours(8);

fs::path fresh_folder(const std::string& name) {
  const fs::path folder =
      fs::temp_directory_path() / ("vigie-service-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

}  // namespace

TEST_CASE("audit log writes one JSON object per line", "[service][audit]") {
  const fs::path folder = fresh_folder("audit");
  AuditLog audit((folder / "audit.jsonl").string());

  audit.write({.action = "handout",
               .user = "agent1",
               .remote = "127.0.0.1",
               .campaign = "canicule",
               .cycle = 1,
               .contact_id = "R000001"},
              kStart);
  audit.write({.action = "desk_list",
               .user = "urgence",
               .remote = "127.0.0.1",
               .campaign = "canicule",
               .contacts = std::vector<std::string>{"R1", "R2"}},
              kStart + seconds(1));
  audit.write({.action = "alert_raise",
               .user = "lead",
               .remote = "::1",
               .details = {{"alert", "canicule"}, {"level", "3"}}},
              kStart + seconds(2));

  std::ifstream in(folder / "audit.jsonl");
  std::string line;
  std::vector<nlohmann::json> lines;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  REQUIRE(lines.size() == 3);

  CHECK(lines[0] == nlohmann::json::parse(
                        R"({"at":"2019-06-24T08:00:00Z","user":"agent1","action":"handout",
                            "campaign":"canicule","cycle":1,"contact_id":"R000001",
                            "remote":"127.0.0.1"})"));
  CHECK(lines[1]["contacts"] == nlohmann::json::array({"R1", "R2"}));
  CHECK_FALSE(lines[1].contains("contact_id"));
  CHECK(lines[2]["alert"] == "canicule");
  CHECK(lines[2]["level"] == "3");
  CHECK_FALSE(lines[2].contains("campaign"));
}

TEST_CASE("audit log tail returns the last lines in order", "[service][audit]") {
  const fs::path folder = fresh_folder("audit-tail");
  AuditLog audit((folder / "audit.jsonl").string());
  // Enough lines to need several backward reads.
  for (int i = 0; i < 3000; ++i) {
    audit.write({.action = "login", .user = "user" + std::to_string(i), .remote = "127.0.0.1"},
                kStart + seconds(i));
  }

  const std::vector<std::string> last = audit.tail(5);
  REQUIRE(last.size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(nlohmann::json::parse(last[static_cast<std::size_t>(i)])["user"] ==
          "user" + std::to_string(2995 + i));
  }
  CHECK(audit.tail(5000).size() == 3000);
  CHECK(audit.tail(0).empty());
  CHECK(nlohmann::json::parse(audit.tail(3000).front())["user"] == "user0");
}

TEST_CASE("audit log reopens for appending", "[service][audit]") {
  const fs::path folder = fresh_folder("audit-append");
  const std::string path = (folder / "audit.jsonl").string();
  {
    AuditLog audit(path);
    audit.write({.action = "login", .user = "a", .remote = "x"}, kStart);
  }
  AuditLog audit(path);
  audit.write({.action = "logout", .user = "a", .remote = "x"}, kStart);
  const auto lines = audit.tail(10);
  REQUIRE(lines.size() == 2);
  CHECK(nlohmann::json::parse(lines[1])["action"] == "logout");
}

TEST_CASE("audit log in a missing folder names the path", "[service][audit]") {
  CHECK_THROWS_WITH(
      AuditLog("/nonexistent-vigie/audit.jsonl"),
      Catch::StartsWith("cannot open the audit log /nonexistent-vigie/audit.jsonl: "));
}

TEST_CASE("alert book raises, changes and ends alerts", "[service][alerts]") {
  const fs::path folder = fresh_folder("alerts");
  const std::string path = (folder / "alerts.json").string();
  {
    AlertBook alerts(path);
    CHECK(alerts.list().empty());
    const AlertRecord raised = alerts.raise("canicule", 3, "lead", kStart);
    CHECK(raised.active);
    CHECK(raised.raised_by == "lead");
    // A level change keeps when and by whom it was raised.
    const AlertRecord changed = alerts.raise("canicule", 4, "other", kStart + hours(1));
    CHECK(changed.level == 4);
    CHECK(changed.raised_at == kStart);
    CHECK(changed.raised_by == "lead");
    alerts.raise("crue_seine", 2, "lead", kStart + hours(2));
    CHECK(alerts.active_count() == 2);
    const AlertRecord ended = alerts.end("crue_seine", kStart + hours(3));
    CHECK_FALSE(ended.active);
    CHECK(ended.ended_at == kStart + hours(3));
    CHECK(alerts.active_count() == 1);
  }

  // Read back from the file.
  AlertBook again(path);
  const auto list = again.list();
  REQUIRE(list.size() == 2);
  CHECK(list[0].name == "canicule");
  CHECK(list[0].level == 4);
  CHECK(list[0].active);
  CHECK(list[1].name == "crue_seine");
  CHECK_FALSE(list[1].active);
  CHECK(list[1].ended_at == kStart + hours(3));
  CHECK_FALSE(fs::exists(path + ".tmp"));

  // Raised again after its end: a new episode.
  const AlertRecord again_raised = again.raise("crue_seine", 3, "lead2", kStart + hours(4));
  CHECK(again_raised.active);
  CHECK(again_raised.raised_at == kStart + hours(4));
  CHECK_FALSE(again_raised.ended_at);
}

TEST_CASE("alert book refuses unknown and ended alerts", "[service][alerts]") {
  const fs::path folder = fresh_folder("alerts-errors");
  AlertBook alerts((folder / "alerts.json").string());
  alerts.raise("canicule", 3, "lead", kStart);
  alerts.end("canicule", kStart + hours(1));

  try {
    alerts.end("canicule", kStart + hours(2));
    FAIL("no error");
  } catch (const vigie::runtime::LiveError& error) {
    CHECK(error.kind() == vigie::runtime::LiveError::Kind::conflict);
  }
  try {
    alerts.end("grand_froid", kStart);
    FAIL("no error");
  } catch (const vigie::runtime::LiveError& error) {
    CHECK(error.kind() == vigie::runtime::LiveError::Kind::not_found);
  }
}

TEST_CASE("alert book names a damaged file", "[service][alerts]") {
  const fs::path folder = fresh_folder("alerts-bad");
  const std::string path = (folder / "alerts.json").string();
  std::ofstream(path) << "{\"alerts\": [{\"name\": 3}]}";
  CHECK_THROWS_WITH(AlertBook(path), Catch::StartsWith("cannot read the alerts of " + path));
}

TEST_CASE("alert names are single path segments", "[service][alerts]") {
  CHECK(is_alert_name("canicule"));
  CHECK(is_alert_name("crue_seine"));
  CHECK(is_alert_name("épidémie"));
  CHECK_FALSE(is_alert_name(""));
  CHECK_FALSE(is_alert_name("a/b"));
  CHECK_FALSE(is_alert_name("a\nb"));
  CHECK_FALSE(is_alert_name(std::string(65, 'a')));
}

TEST_CASE("metrics render as Prometheus text", "[service][metrics]") {
  Metrics metrics;
  metrics.observe_request("/api/desk/next", 200, 0.003);
  metrics.observe_request("/api/desk/next", 200, 0.2);
  metrics.observe_request("/api/desk/next", 503, 20);
  metrics.observe_request("/api/login", 401, 0.08);
  metrics.count_login_failure();

  CampaignGauges gauges;
  gauges.campaign = "canicule";
  gauges.attempts_by_disposition = {{"completed", 7}, {"no_answer", 3}};
  gauges.contacts_by_state = {{"decided", 7}, {"in_progress", 3}, {"not_attempted", 10}};
  gauges.holds = 2;
  gauges.outbox_pending = 1;
  const std::string text = metrics.render({gauges}, 4, 1);

  // Every sample line is NAME{LABELS} VALUE or NAME VALUE.
  const std::regex sample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.eE+-]+$)");
  const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  std::istringstream lines(text);
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    INFO(line);
    CHECK((std::regex_match(line, sample) || std::regex_match(line, comment)));
    if (line[0] != '#') ++samples;
  }
  CHECK(samples > 20);

  CHECK_THAT(text, Catch::Contains(
                       "vigie_http_requests_total{route=\"/api/desk/next\",code=\"200\"} 2\n"));
  CHECK_THAT(text,
             Catch::Contains("vigie_http_request_duration_seconds_bucket{route=\"/api/desk/next\","
                             "le=\"0.005\"} 1\n"));
  CHECK_THAT(text,
             Catch::Contains("vigie_http_request_duration_seconds_bucket{route=\"/api/desk/next\","
                             "le=\"0.25\"} 2\n"));
  CHECK_THAT(text,
             Catch::Contains("vigie_http_request_duration_seconds_bucket{route=\"/api/desk/next\","
                             "le=\"+Inf\"} 3\n"));
  CHECK_THAT(text, Catch::Contains(
                       "vigie_http_request_duration_seconds_count{route=\"/api/desk/next\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("vigie_login_failures_total 1\n"));
  CHECK_THAT(
      text,
      Catch::Contains("vigie_attempts_total{campaign=\"canicule\",disposition=\"completed\"} 7\n"));
  CHECK_THAT(text, Catch::Contains("vigie_contacts{campaign=\"canicule\",state=\"decided\"} 7\n"));
  CHECK_THAT(text, Catch::Contains("vigie_holds{campaign=\"canicule\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("vigie_outbox_pending{campaign=\"canicule\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("vigie_agents_active 4\n"));
  CHECK_THAT(text, Catch::Contains("vigie_alerts_active 1\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE vigie_http_request_duration_seconds histogram\n"));
}

TEST_CASE("metrics label values are escaped", "[service][metrics]") {
  CHECK(escape_label("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}

TEST_CASE("log lines are JSON objects with ids", "[service][log]") {
  std::ostringstream out;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  use_json_lines();

  log_info("cycle started", {{"campaign", "canicule"}, {"cycle", 2}});
  log_warn("quote \" and newline \n in text");
  spdlog::info("plain text from another layer: {}", 42);
  spdlog::set_default_logger(previous);

  std::istringstream lines(out.str());
  std::string line;
  std::vector<nlohmann::json> parsed;
  while (std::getline(lines, line)) parsed.push_back(nlohmann::json::parse(line));
  REQUIRE(parsed.size() == 3);

  CHECK(parsed[0]["level"] == "info");
  CHECK(parsed[0]["msg"] == "cycle started");
  CHECK(parsed[0]["campaign"] == "canicule");
  CHECK(parsed[0]["cycle"] == 2);
  CHECK(std::regex_match(parsed[0]["ts"].get<std::string>(),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(parsed[1]["level"] == "warning");
  CHECK(parsed[1]["msg"] == "quote \" and newline \n in text");
  CHECK(parsed[2]["msg"] == "plain text from another layer: 42");
}

TEST_CASE("alert name problems are described", "[service]") {
  using vigie::service::alert_name_problem;
  CHECK_FALSE(alert_name_problem("canicule"));
  CHECK_FALSE(alert_name_problem("grand froid"));
  CHECK(alert_name_problem(" canicule") == "starts or ends with a space");
  CHECK(alert_name_problem(std::string("a\0b", 3)) == "contains a control character at byte 2");
  CHECK(alert_name_problem("a\x7f") == "contains a control character at byte 2");
  CHECK(alert_name_problem("\xe2\x80\x8f"
                           "a") == "contains a Unicode bidirectional control at byte 1");
  CHECK(alert_name_problem("\xd8\x9c"
                           "a") == "contains a Unicode bidirectional control at byte 1");
  // A letter next to the bidi range is accepted.
  CHECK_FALSE(
      alert_name_problem("a\xe2\x80\x94"
                         "b"));
}

TEST_CASE("log rate limit counts held back repeats", "[service]") {
  using Clock = vigie::service::LogRateLimit::Clock;
  vigie::service::LogRateLimit limit(std::chrono::minutes(1));
  const Clock::time_point start{};
  CHECK(limit.admit("canicule", start) == 1);
  CHECK(limit.admit("canicule", start + seconds(1)) == 0);
  CHECK(limit.admit("canicule", start + seconds(59)) == 0);
  // Another campaign has its own minute.
  CHECK(limit.admit("crue", start + seconds(30)) == 1);
  // The first failure after the minute reports itself and the two held back.
  CHECK(limit.admit("canicule", start + seconds(60)) == 3);
  CHECK(limit.admit("canicule", start + seconds(61)) == 0);
}
