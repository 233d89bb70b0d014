#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "service/auth.hpp"
#include "service/service_config.hpp"

using vigie::config::ConfigError;
using vigie::config::parse_config;
using vigie::service::read_service_config;
using vigie::service::Role;
using vigie::service::ServiceConfig;

namespace {

const std::string kCampaign = std::string(VIGIE_SOURCE_DIR) + "/campaigns/canicule.vigie";
const std::string kRoster = std::string(VIGIE_SOURCE_DIR) + "/examples/rosters/sample_20.csv";
const std::string kHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

// The dialer line, then `service:` on line 2, then `lines`.
std::string config_with(const std::string& lines) {
  return "dialer: {plugin: agent_desk, hold_timeout: 2m}\nservice:\n" + lines;
}

// A minimal valid service section after `extra` lines.
std::string valid_with(const std::string& extra) {
  return config_with(extra + "  campaigns:\n    - file: " + kCampaign +
                     "\n  users:\n    - {name: agent1, roles: [agent], password: \"" + kHash +
                     "\"}\n");
}

ServiceConfig read(const std::string& text) {
  return read_service_config(parse_config(text, "/srv/vigie/serve.yaml"));
}

std::string error_of(const std::string& text) {
  try {
    read(text);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("service config defaults", "[service][config]") {
  const ServiceConfig config = read(valid_with(""));

  CHECK(config.listen == "127.0.0.1");
  CHECK(config.port == 8080);
  CHECK_FALSE(config.tls);
  CHECK(config.data_dir == "/srv/vigie/serve-data");
  CHECK_FALSE(config.console_dir);
  CHECK(config.session_timeout == std::chrono::hours(8));
  CHECK(config.idle_timeout == std::chrono::minutes(30));
  CHECK(config.login_limit.attempts == 5);
  CHECK(config.login_limit.window == std::chrono::minutes(15));
  CHECK(config.login_limit.per_address == 50);
  CHECK(config.shutdown_grace == std::chrono::seconds(20));
  CHECK(config.threads == 256);
  CHECK(config.keep_alive == std::chrono::seconds(5));
  CHECK(config.hold_timeout == std::chrono::minutes(2));
  CHECK_FALSE(config.clock);
  REQUIRE(config.campaigns.size() == 1);
  CHECK(config.campaigns[0].file == kCampaign);
  REQUIRE(config.users.size() == 1);
  CHECK(config.users[0].name == "agent1");
  CHECK(config.users[0].password_hash == kHash);
}

TEST_CASE("service config reads every key", "[service][config]") {
  const ServiceConfig config =
      read(config_with("  listen: 0.0.0.0\n"
                       "  port: 0\n"
                       "  data: data\n"
                       "  console: /opt/console\n"
                       "  session_timeout: 4h\n"
                       "  idle_timeout: 10m\n"
                       "  login_limit: {attempts: 3, per: 1h, per_address: 20}\n"
                       "  shutdown_grace: 0s\n"
                       "  clock: {start: \"2019-06-24T10:00\", speed: 60}\n"
                       "  threads: 300\n"
                       "  keep_alive: 15s\n"
                       "  campaigns:\n"
                       "    - file: " +
                       kCampaign +
                       "\n"
                       "      campaign: canicule\n"
                       "      roster: " +
                       kRoster +
                       "\n"
                       "      store: \"postgresql://host=127.0.0.1 dbname=vigie\"\n"
                       "  users:\n"
                       "    - name: superviseur\n"
                       "      roles: [supervisor, admin, team:urgence]\n"
                       "      password: \"" +
                       kHash + "\"\n"));

  CHECK(config.listen == "0.0.0.0");
  CHECK(config.port == 0);
  CHECK(config.data_dir == "/srv/vigie/data");
  CHECK(config.console_dir == "/opt/console");
  CHECK(config.session_timeout == std::chrono::hours(4));
  CHECK(config.idle_timeout == std::chrono::minutes(10));
  CHECK(config.login_limit.attempts == 3);
  CHECK(config.login_limit.window == std::chrono::hours(1));
  CHECK(config.login_limit.per_address == 20);
  CHECK(config.shutdown_grace == std::chrono::seconds(0));
  REQUIRE(config.clock);
  CHECK(config.clock->speed == 60);
  CHECK(config.clock->start_local);
  CHECK_FALSE(config.clock->start_utc);
  CHECK(config.threads == 300);
  CHECK(config.keep_alive == std::chrono::seconds(15));
  REQUIRE(config.campaigns.size() == 1);
  CHECK(config.campaigns[0].campaign == "canicule");
  CHECK(config.campaigns[0].roster == kRoster);
  CHECK(config.campaigns[0].store == "postgresql://host=127.0.0.1 dbname=vigie");
  REQUIRE(config.users.size() == 1);
  const auto& roles = config.users[0].roles;
  REQUIRE(roles.size() == 3);
  CHECK(roles[0].role == Role::supervisor);
  CHECK(roles[1].role == Role::admin);
  CHECK(roles[2].role == Role::team);
  CHECK(roles[2].route == "urgence");
}

TEST_CASE("service config clock start with a zone", "[service][config]") {
  const ServiceConfig utc = read(valid_with("  clock: {start: \"2019-06-24T08:00Z\"}\n"));
  REQUIRE(utc.clock);
  REQUIRE(utc.clock->start_utc);
  CHECK(vigie::service::config_error_text(utc, {3, 3}, "x") == "/srv/vigie/serve.yaml:3:3: x");
  CHECK(date::format("%FT%TZ", *utc.clock->start_utc) == "2019-06-24T08:00:00Z");

  const ServiceConfig offset = read(valid_with("  clock: {start: \"2019-06-24T10:00+02:00\"}\n"));
  REQUIRE(offset.clock);
  REQUIRE(offset.clock->start_utc);
  CHECK(date::format("%FT%TZ", *offset.clock->start_utc) == "2019-06-24T08:00:00Z");
}

TEST_CASE("service config mistakes name file, line, column and fix", "[service][config]") {
  const std::string file = "/srv/vigie/serve.yaml";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"dialer: {plugin: agent_desk}\n",
       file + ":1:1: no 'service' section; vigie serve needs one with 'campaigns' and 'users' "
              "(see examples/serve.yaml)"},
      {config_with("  - port\n"),
       file + ":3:3: service must be a mapping of settings (listen, port, campaigns, users, ...), "
              "got a list"},
      {valid_with("  prot: 80\n"),
       file + ":3:3: unknown key 'prot' in service; did you mean 'port'?"},
      {valid_with("  colour: blue\n"),
       file + ":3:3: unknown key 'colour' in service; the known keys are listen, port, tls, data, "
              "console, session_timeout, idle_timeout, login_limit, shutdown_grace, clock, "
              "threads, keep_alive, campaigns, users"},
      {valid_with("  port: 8080\n  port: 8081\n"),
       file + ":4:3: duplicate key 'port' in service; its first use is on line 3, keep only one"},
      {valid_with("  listen: [a]\n"), file + ":3:11: listen must be text, got a list"},
      {valid_with("  port: http\n"), file + ":3:9: port must be a whole number, got 'http'"},
      {valid_with("  port: 70000\n"), file + ":3:9: port must be between 0 and 65535, got 70000"},
      {valid_with("  tls: yes\n"),
       file + ":3:8: tls must be a mapping `{certificate: FILE, key: FILE}`, got 'yes'"},
      {valid_with("  tls: {certificate: /nonexistent/server.crt, key: /nonexistent/k.pem}\n"),
       file + ":3:22: tls certificate file /nonexistent/server.crt not found; check the path "
              "(relative to the config file)"},
      {valid_with("  tls: {key: k.pem}\n"),
       file + ":3:8: tls has no 'certificate'; give the PEM file's path"},
      {valid_with("  tls: {cert: a, key: b}\n"),
       file + ":3:9: unknown key 'cert' in tls; the known keys are certificate, key"},
      {valid_with("  data: \n"), file + ":3:3: data must be text, got nothing"},
      {valid_with("  console: [a, b]\n"), file + ":3:12: console must be text, got a list"},
      {valid_with("  session_timeout: 8 hours\n"),
       file + ":3:20: session_timeout must be a duration such as 90s, 30m, 8h or 1h30m, got '8 "
              "hours'"},
      {valid_with("  idle_timeout: 0s\n"),
       file + ":3:17: idle_timeout must be above zero, such as 90s, 30m or 8h, got '0s'"},
      {valid_with("  session_timeout: 0s\n"),
       file + ":3:20: session_timeout must be above zero, such as 90s, 30m or 8h, got '0s'"},
      {valid_with("  session_timeout: 0m\n"),
       file + ":3:20: session_timeout must be above zero, such as 90s, 30m or 8h, got '0m'"},
      {valid_with("  data: \"\"\n"), file + ":3:9: data must not be empty"},
      {config_with("  campaigns:\n    - file: " + kCampaign +
                   "\n  users:\n    - {name: agent1, roles: [], password: \"" + kHash + "\"}\n"),
       file + ":6:29: roles of user agent1 must not be empty; give at least one role, such as "
              "[agent]"},
      {valid_with("") + "    - {name: Agent1, roles: [agent], password: \"" + kHash + "\"}\n",
       file + ":7:14: users 'agent1' (line 6) and 'Agent1' (line 7) differ only by case; rename "
              "one"},
      {valid_with("  login_limit: 5\n"),
       file + ":3:16: login_limit must be a mapping such as `{attempts: 5, per: 15m, "
              "per_address: 50}`, got '5'"},
      {valid_with("  login_limit: {attempts: 0}\n"),
       file + ":3:27: login_limit attempts must be between 1 and 1000, got 0"},
      {valid_with("  login_limit: {attempts: 5, per: soon}\n"),
       file + ":3:35: login_limit per must be a duration such as 90s, 30m, 8h or 1h30m, got "
              "'soon'"},
      {valid_with("  login_limit: {tries: 5}\n"),
       file + ":3:17: unknown key 'tries' in login_limit; the known keys are attempts, per, "
              "per_address"},
      {valid_with("  login_limit: {per_address: 0}\n"),
       file + ":3:30: login_limit per_address must be between 1 and 100000, got 0"},
      {valid_with("  shutdown_grace: -1s\n"),
       file + ":3:19: shutdown_grace must be a duration such as 90s, 30m, 8h or 1h30m, got "
              "'-1s'"},
      {valid_with("  clock: {speed: 2}\n"),
       file + ":3:10: clock has no 'start'; give `start: \"2019-06-24T10:00\"`"},
      {valid_with("  clock: {start: \"24/06/2019 10:00\"}\n"),
       file + ":3:18: clock start must be YYYY-MM-DDTHH:MM, local to the first campaign's time "
              "zone, or end with Z or +HH:MM; got '24/06/2019 10:00'"},
      {valid_with("  clock: {start: \"2019-06-24T10:00\", speed: 0}\n"),
       file + ":3:45: clock speed must be a number above 0 and at most 100000 (1 is real time), "
              "got '0'"},
      {valid_with("  clock: \"2019-06-24T10:00\"\n"),
       file + ":3:10: clock must be a mapping such as `{start: \"2019-06-24T10:00\", speed: 1}`, "
              "got '2019-06-24T10:00'"},
      {valid_with("  threads: 2\n"), file + ":3:12: threads must be between 4 and 10000, got 2"},
      {valid_with("  keep_alive: forever\n"),
       file + ":3:15: keep_alive must be a duration such as 90s, 30m, 8h or 1h30m, got "
              "'forever'"},
      // Campaigns.
      {config_with("  users:\n    - {name: a, roles: [agent], password: \"" + kHash + "\"}\n"),
       file + ":2:1: service has no 'campaigns'; add a list such as `campaigns: [{file: "
              "canicule.vigie}]`"},
      {config_with("  campaigns: canicule.vigie\n"),
       file + ":3:14: campaigns must be a list such as `- file: canicule.vigie`, got "
              "'canicule.vigie'"},
      {config_with("  campaigns:\n    - canicule.vigie\n"),
       file + ":4:7: each campaign must be a mapping with a 'file' key, got 'canicule.vigie'; "
              "write `- file: canicule.vigie`"},
      {config_with("  campaigns:\n    - {roster: r.csv}\n"),
       file + ":4:7: this campaign entry has no 'file'; give the .vigie file's path"},
      {config_with("  campaigns:\n    - {file: missing.vigie}\n"),
       file + ":4:14: campaign file /srv/vigie/missing.vigie not found; check the path (relative "
              "to the config file)"},
      {config_with("  campaigns:\n    - {file: " + kCampaign + ", roster: none.csv}\n"),
       file + ":4:" + std::to_string(24 + kCampaign.size()) +
           ": roster /srv/vigie/none.csv not found; check the path (relative to the config "
           "file)"},
      {config_with("  campaigns:\n    - {file: " + kCampaign + ", shop: x}\n"),
       file + ":4:" + std::to_string(16 + kCampaign.size()) +
           ": unknown key 'shop' in a campaign entry; the known keys are file, campaign, roster, "
           "store"},
      // Users.
      {config_with("  campaigns:\n    - file: " + kCampaign + "\n"),
       file + ":2:1: service has no 'users'; add at least one, with a password hash printed by "
              "`vigie passwd`"},
      {valid_with("") + "    - {name: agent1, roles: [agent], password: \"" + kHash + "\"}\n",
       file + ":7:14: duplicate user 'agent1'; its first entry is on line 6, keep only one"},
      {config_with("  campaigns:\n    - file: " + kCampaign + "\n  users:\n    - agent1\n"),
       file + ":6:7: each user must be a mapping with name, roles and password, got 'agent1'"},
      {config_with("  campaigns:\n    - file: " + kCampaign +
                   "\n  users:\n    - {name: agent1, roles: [agent]}\n"),
       file + ":6:7: this user has no 'password'; give name, roles and password"},
      {config_with("  campaigns:\n    - file: " + kCampaign +
                   "\n  users:\n    - {name: agent 1, roles: [agent], password: \"" + kHash +
                   "\"}\n"),
       file + ":6:14: user name 'agent 1' is invalid; use 1 to 64 letters, digits and _ - . @"},
      {config_with("  campaigns:\n    - file: " + kCampaign +
                   "\n  users:\n    - {name: agent1, roles: agent, password: \"" + kHash + "\"}\n"),
       file + ":6:29: roles of user agent1 must be a list such as [agent], [supervisor], [admin] "
              "or [team:ROUTE], got 'agent'"},
      {config_with("  campaigns:\n    - file: " + kCampaign +
                   "\n  users:\n    - {name: agent1, roles: [operator], password: \"" + kHash +
                   "\"}\n"),
       file + ":6:30: unknown role 'operator' of user agent1; the roles are agent, supervisor, "
              "admin and team:ROUTE (a route name of a campaign, such as team:urgence)"},
      {config_with("  campaigns:\n    - file: " + kCampaign +
                   "\n  users:\n    - {name: agent1, roles: [\"team:\"], password: \"" + kHash +
                   "\"}\n"),
       file + ":6:30: unknown role 'team:' of user agent1; the roles are agent, supervisor, "
              "admin and team:ROUTE (a route name of a campaign, such as team:urgence)"},
      {config_with("  campaigns:\n    - file: " + kCampaign +
                   "\n  users:\n    - {name: agent1, roles: [agent], password: secret}\n"),
       file + ":6:48: password of user agent1 is not an Argon2id hash (it must start with "
              "$argon2id$); never write a clear password here, run `vigie passwd` and paste the "
              "line it prints"},
      {config_with("  campaigns:\n    - file: " + kCampaign +
                   "\n  users:\n    - {name: agent1, roles: [agent], password: "
                   "\"$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA\"}\n"),
       file + ":6:48: password of user agent1 is not an Argon2id hash (it must start with "
              "$argon2id$); never write a clear password here, run `vigie passwd` and paste the "
              "line it prints"},
  };

  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(error_of(text) == expected);
  }
}

TEST_CASE("service config needs the agent_desk dialer", "[service][config]") {
  const std::string service = "service:\n  campaigns:\n    - file: " + kCampaign +
                              "\n  users:\n    - {name: a, roles: [agent], password: \"" + kHash +
                              "\"}\n";
  CHECK(error_of(service) ==
        "/srv/vigie/serve.yaml:1:1: no 'dialer' in the config; vigie serve needs `dialer: "
        "{plugin: agent_desk, hold_timeout: 2m}`");
  CHECK(error_of("dialer: {plugin: simulated, seed: 1}\n" + service) ==
        "/srv/vigie/serve.yaml:1:9: the dialer is 'simulated'; vigie serve needs `dialer: "
        "{plugin: agent_desk, hold_timeout: 2m}` (the simulated and replay dialers are for vigie "
        "run)");
  CHECK(error_of("dialer: {plugin: agent_desk, hold_timeout: 2 minutes}\n" + service) ==
        "/srv/vigie/serve.yaml:1:44: hold_timeout must be a duration such as 90s, 30m, 8h or "
        "1h30m, got '2 minutes'");
  CHECK(error_of("dialer: {plugin: agent_desk, hold: 2m}\n" + service) ==
        "/srv/vigie/serve.yaml:1:30: unknown key 'hold' in the agent_desk dialer; the known keys "
        "are plugin, hold_timeout");
}

TEST_CASE("engine config keeps the service section for vigie serve", "[service][config]") {
  const auto engine = parse_config(valid_with(""), "serve.yaml");
  CHECK(engine.service.IsMap());
  CHECK(engine.service_line == 2);
  CHECK(engine.service_column == 1);
}

TEST_CASE("demo config reads and its passwords verify", "[service][config]") {
  const ServiceConfig config =
      vigie::service::load_service_config(std::string(VIGIE_SOURCE_DIR) + "/examples/serve.yaml");

  CHECK(config.listen == "127.0.0.1");
  CHECK(config.port == 8080);
  REQUIRE(config.clock);
  CHECK(config.clock->start_text == "2019-06-24T10:00");
  REQUIRE(config.campaigns.size() == 1);
  CHECK(config.campaigns[0].file == std::string(VIGIE_SOURCE_DIR) + "/campaigns/canicule.vigie");

  // The documented demo passwords: the user name followed by "-demo".
  std::map<std::string, std::string> roles;
  for (const auto& user : config.users) {
    INFO(user.name);
    CHECK(vigie::service::verify_password(user.password_hash, user.name + "-demo"));
    REQUIRE(user.roles.size() == 1);
    const auto& role = user.roles[0];
    roles[user.name] = role.role == Role::team         ? "team:" + role.route
                       : role.role == Role::agent      ? "agent"
                       : role.role == Role::supervisor ? "supervisor"
                                                       : "admin";
  }
  CHECK(roles == std::map<std::string, std::string>{{"agent1", "agent"},
                                                    {"agent2", "agent"},
                                                    {"superviseur", "supervisor"},
                                                    {"admin", "admin"},
                                                    {"urgence", "team:urgence"},
                                                    {"social", "team:social"},
                                                    {"visite", "team:visite"}});
}

TEST_CASE("service config rejects a hold timeout under a minute", "[service][config]") {
  const std::string service = "service:\n  campaigns:\n    - file: " + kCampaign +
                              "\n  users:\n    - {name: a, roles: [agent], password: \"" + kHash +
                              "\"}\n";
  CHECK(error_of("dialer: {plugin: agent_desk, hold_timeout: 30s}\n" + service) ==
        "/srv/vigie/serve.yaml:1:44: hold_timeout must be at least 60s, because the console "
        "renews a hold every 20s, got 30s; set hold_timeout: 2m");
  CHECK(read("dialer: {plugin: agent_desk, hold_timeout: 60s}\n" + service).hold_timeout ==
        std::chrono::seconds(60));
}

TEST_CASE("service config rejects a cut Argon2id hash", "[service][config]") {
  const std::vector<std::string> hashes = {
      "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$",
      "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ",
      "$argon2id$v=19$m=65536,t=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
      "$argon2id$v=19$m=,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
      "$argon2id$v=19$m=65536,t=2,p=1$$aGFzaGhhc2hoYXNo",
      "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoa",
      "$argon2id$v=19$m=65536,t=2,p=1$c2Fs!HNhbHQ$aGFzaGhhc2hoYXNo",
      "$argon2id$",
  };
  for (const std::string& hash : hashes) {
    INFO(hash);
    CHECK(error_of(config_with("  campaigns:\n    - file: " + kCampaign +
                               "\n  users:\n    - {name: agent1, roles: [agent], password: \"" +
                               hash + "\"}\n")) ==
          "/srv/vigie/serve.yaml:6:48: password of user agent1 is not a whole Argon2id hash "
          "($argon2id$v=19$m=..,t=..,p=..$SALT$HASH); it may be cut short, so paste the whole "
          "line that `vigie passwd` prints");
  }
}

TEST_CASE("service config zero durations", "[service][config]") {
  CHECK(read(valid_with("  shutdown_grace: 0m\n")).shutdown_grace == std::chrono::seconds(0));
  CHECK(error_of(valid_with("  keep_alive: 0h\n")) ==
        "/srv/vigie/serve.yaml:3:15: keep_alive must be above zero, such as 90s, 30m or 8h, got "
        "'0h'");
}

TEST_CASE("service config warns of likely mistakes", "[service][config]") {
  CHECK(read(valid_with("")).warnings.empty());

  const ServiceConfig idle = read(valid_with("  session_timeout: 1h\n  idle_timeout: 2h\n"));
  REQUIRE(idle.warnings.size() == 1);
  CHECK(idle.warnings[0] ==
        "/srv/vigie/serve.yaml:4:17: idle_timeout is longer than session_timeout, so sessions end "
        "at session_timeout and never by idling; shorten idle_timeout");

  const ServiceConfig open = read(valid_with("  listen: 0.0.0.0\n"));
  REQUIRE(open.warnings.size() == 1);
  CHECK(open.warnings[0] ==
        "/srv/vigie/serve.yaml:3:11: listen 0.0.0.0 is not a loopback address and there is no "
        "tls, so passwords and personal data cross the network unencrypted; add tls");
  CHECK(read(valid_with("  listen: 127.0.0.2\n")).warnings.empty());
}
