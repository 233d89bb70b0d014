#pragma once
// Runs `vigie serve` in the test process over loopback, on a campaign
// clock and a wall clock that the tests move, and talks to it as the web
// console would.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "service/auth.hpp"
#include "service/server.hpp"
#include "service/service_config.hpp"

namespace vigie::testing {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Monday 24 June 2019, 10:00 in Paris: calling hours are open.
inline const common::Instant kCampaignStart =
    common::Instant{date::sys_days{date::June / 24 / 2019}} + std::chrono::hours(8);

// The demo users of every service test; each password is NAME-pw.
inline const std::vector<std::pair<std::string, std::string>> kUsers = {
    {"agent1", "agent"},
    {"agent2", "agent"},
    {"superviseur", "supervisor"},
    {"admin", "admin"},
    {"urgence", "\"team:urgence\""},
    {"social", "\"team:social\""},
    {"visite", "\"team:visite\""}};

// Hashing costs about a tenth of a second per user, so it is done once.
inline const std::string& password_hash(const std::string& user) {
  static const std::map<std::string, std::string> hashes = [] {
    std::map<std::string, std::string> all;
    for (const auto& [name, role] : kUsers) all[name] = service::hash_password(name + "-pw");
    return all;
  }();
  return hashes.at(user);
}

inline fs::path fresh_folder(const std::string& name) {
  static int count = 0;
  const fs::path folder =
      fs::temp_directory_path() /
      ("vigie-serve-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

// An engine config for the heatwave campaign on the 20-person sample
// register, with `service_extra` lines added to the service section.
inline std::string serve_config(const fs::path& folder, const std::string& service_extra = "",
                                const std::string& grace = "2s") {
  const std::string source = VIGIE_SOURCE_DIR;
  std::string text = "plugin_path: " + std::string(VIGIE_PLUGIN_DIR) +
                     "\n"
                     "sources:\n"
                     "  reflex: {plugin: csv, path: " +
                     source +
                     "/examples/rosters/sample_20.csv}\n"
                     "dialer: {plugin: agent_desk, hold_timeout: 2m}\n"
                     "notifiers:\n"
                     "  cellule_urgence: {plugin: csv_file}\n"
                     "  casvp: {plugin: csv_file}\n"
                     "  equipe_visites: {plugin: csv_file}\n"
                     "pricing:\n"
                     "  marche_2022:\n"
                     "    plugin: volume_band\n"
                     "    bands: [{up_to: null, price: 3.10}]\n"
                     "service:\n"
                     "  port: 0\n"
                     "  data: " +
                     (folder / "data").string() +
                     "\n"
                     "  threads: 8\n"
                     "  shutdown_grace: " +
                     grace + "\n" + service_extra +
                     "  campaigns:\n"
                     "    - file: " +
                     source +
                     "/campaigns/canicule.vigie\n"
                     "  users:\n";
  for (const auto& [name, role] : kUsers) {
    text += "    - {name: " + name + ", roles: [" + role + "], password: \"" + password_hash(name) +
            "\"}\n";
  }
  return text;
}

// One logged-in client with its session cookie and CSRF token.
class Client {
 public:
  Client(int port, bool tls = false, const std::string& ca_file = "") {
    if (tls) {
      auto secure = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
      secure->set_ca_cert_path(ca_file.c_str());
      secure->enable_server_certificate_verification(true);
      http_ = std::move(secure);
    } else {
      http_ = std::make_unique<httplib::ClientImpl>("127.0.0.1", port);
    }
    http_->set_connection_timeout(5);
    http_->set_read_timeout(30);
    http_->set_keep_alive(true);
  }

  // Logs in and keeps the cookie and token; returns the response.
  httplib::Result login(const std::string& user, const std::string& password) {
    Json body = {{"user", user}, {"password", password}};
    auto result = http_->Post("/api/login", body.dump(), "application/json");
    if (result && result->status == 200) {
      const std::string cookie = result->get_header_value("Set-Cookie");
      cookie_ = cookie.substr(0, cookie.find(';'));
      csrf_ = Json::parse(result->body).at("csrf_token").get<std::string>();
    }
    return result;
  }

  // Logs in as one of kUsers with its test password, and requires success.
  void login_as(const std::string& user) {
    auto result = login(user, user + "-pw");
    REQUIRE(result);
    REQUIRE(result->status == 200);
  }

  httplib::Result get(const std::string& path) { return http_->Get(path.c_str(), headers()); }

  httplib::Result post(const std::string& path, const Json& body = Json::object()) {
    return http_->Post(path.c_str(), headers(), body.dump(), "application/json");
  }

  httplib::Result del(const std::string& path) { return http_->Delete(path.c_str(), headers()); }

  // The raw client, for requests without the session's headers.
  httplib::ClientImpl& raw() { return *http_; }

  std::string& cookie() { return cookie_; }
  std::string& csrf() { return csrf_; }

 private:
  httplib::Headers headers() const {
    httplib::Headers headers;
    if (!cookie_.empty()) headers.emplace("Cookie", cookie_);
    if (!csrf_.empty()) headers.emplace("X-CSRF-Token", csrf_);
    return headers;
  }

  std::unique_ptr<httplib::ClientImpl> http_;
  std::string cookie_;
  std::string csrf_;
};

// A service running in this process on clocks the test moves.
class TestService {
 public:
  explicit TestService(const std::string& name, const std::string& service_extra = "",
                       const std::string& grace = "2s")
      : folder_(fresh_folder(name)) {
    // The service's lifecycle lines would bury Catch's report.
    spdlog::set_level(spdlog::level::err);
    const fs::path config_file = folder_ / "serve.yaml";
    std::ofstream(config_file) << serve_config(folder_, service_extra, grace);
    config_ = service::load_service_config(config_file.string());
    start();
  }

  ~TestService() { service_.reset(); }

  // Starts again on the same data folder, as after a restart.
  void restart() {
    service_.reset();
    start();
  }

  service::Service& service() { return *service_; }
  int port() const { return port_; }
  const fs::path& folder() const { return folder_; }
  fs::path data() const { return folder_ / "data"; }

  void advance_campaign(std::chrono::seconds by) { campaign_offset_ += by.count(); }
  void advance_wall(std::chrono::seconds by) { wall_offset_ += by.count(); }

  // Every line of the audit log, parsed.
  std::vector<Json> audit() const {
    std::vector<Json> lines;
    std::ifstream in(data() / "audit.jsonl");
    std::string line;
    while (std::getline(in, line)) lines.push_back(Json::parse(line));
    return lines;
  }

  std::string audit_text() const {
    std::ifstream in(data() / "audit.jsonl");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  Client client() { return Client(port_); }

  // A client logged in as `user`.
  Client as(const std::string& user) {
    Client client(port_);
    client.login_as(user);
    return client;
  }

 private:
  void start() {
    service::ServiceClocks clocks;
    clocks.campaign = [this] {
      return kCampaignStart + std::chrono::seconds(campaign_offset_.load());
    };
    clocks.wall = [this] {
      return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
             std::chrono::seconds(wall_offset_.load());
    };
    service_ = std::make_unique<service::Service>(config_, clocks);
    port_ = service_->start();
  }

  fs::path folder_;
  service::ServiceConfig config_;
  std::atomic<long long> campaign_offset_{0};
  std::atomic<long long> wall_offset_{0};
  std::unique_ptr<service::Service> service_;
  int port_ = 0;
};

inline Json body_of(const httplib::Result& result) {
  REQUIRE(result);
  return Json::parse(result->body);
}

// The error code of an API error body.
inline std::string error_code(const httplib::Result& result) {
  REQUIRE(result);
  const Json body = Json::parse(result->body);
  return body.at("error").at("code").get<std::string>();
}

}  // namespace vigie::testing
