// A load generator for `vigie serve`: N simulated agents log in, then each
// loops on "next contact", "settle" and "submit" over loopback for a fixed
// time. It measures the latency of each request and checks two safety
// properties: no contact is ever held by two agents at once, and every
// submit the service accepted is in the attempts export afterwards.
//
// Exit status: 0 when both properties hold and the latency limits given
// with --p99-limit-ms are met, 1 otherwise, 2 for bad arguments or a
// service that cannot be reached.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int agents = 200;
  int duration_s = 60;
  std::string user_prefix = "load";
  std::string password;
  std::string supervisor;
  std::string supervisor_password;
  std::string campaign;
  double p99_limit_ms = 0;  // 0: report only
  double completed_share = 0.7;
  std::string raise_alert;  // NAME:LEVEL, raised by the supervisor first
  // How long an agent spends on a call, between taking the contact and
  // submitting it, drawn uniformly; 0 and 0 make a saturation test.
  int call_min_ms = 0;
  int call_max_ms = 0;
};

// One logged-in HTTP session with its cookie and CSRF token.
class Session {
 public:
  Session(const Options& options) : client_(options.host, options.port) {
    client_.set_keep_alive(true);
    client_.set_tcp_nodelay(true);
    client_.set_connection_timeout(5);
    client_.set_read_timeout(30);
  }

  bool login(const std::string& user, const std::string& password, std::string& error) {
    json body = {{"user", user}, {"password", password}};
    auto response = client_.Post("/api/login", body.dump(), "application/json");
    if (!response) {
      error = "login of " + user + " failed: " + httplib::to_string(response.error());
      return false;
    }
    if (response->status != 200) {
      error = "login of " + user + " returned HTTP " + std::to_string(response->status) + ": " +
              response->body;
      return false;
    }
    std::string cookie = response->get_header_value("Set-Cookie");
    cookie_ = cookie.substr(0, cookie.find(';'));
    csrf_ = json::parse(response->body).at("csrf_token").get<std::string>();
    return true;
  }

  httplib::Result post(const std::string& path, const json& body) {
    httplib::Headers headers = {{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}};
    return client_.Post(path.c_str(), headers, body.dump(), "application/json");
  }

  httplib::Result get(const std::string& path) {
    httplib::Headers headers = {{"Cookie", cookie_}};
    return client_.Get(path.c_str(), headers);
  }

 private:
  httplib::Client client_;
  std::string cookie_;
  std::string csrf_;
};

// Latencies of one request kind, in microseconds.
struct Latencies {
  std::mutex mutex;
  std::vector<std::int64_t> samples;

  void add(Clock::duration elapsed) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    std::lock_guard lock(mutex);
    samples.push_back(us);
  }

  double percentile_ms(double p) {
    std::lock_guard lock(mutex);
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    auto index = static_cast<std::size_t>(p * static_cast<double>(samples.size() - 1));
    return static_cast<double>(samples[index]) / 1000.0;
  }
};

// What every agent thread shares: the held contacts and the accepted results.
struct Shared {
  std::mutex mutex;
  std::map<std::string, std::string> held;         // contact -> agent
  std::set<std::pair<std::string, int>> accepted;  // (contact, attempt)
  std::vector<std::string> violations;
  std::atomic<std::int64_t> handouts{0};
  std::atomic<std::int64_t> nothing_due{0};
  std::atomic<std::int64_t> errors{0};
  Latencies next;
  Latencies settle;
  Latencies submit;
  json script;
};

std::string key_of(const std::string& contact, int attempt) {
  return contact + "#" + std::to_string(attempt);
}

// A random answer for every question of the script; settle drops those
// that do not apply.
json random_answers(const json& script, std::mt19937& random) {
  json answers = json::array();
  for (const json& question : script.at("questions")) {
    std::string kind = question.at("kind");
    std::vector<std::string> values;
    if (kind == "yes_no") {
      values.push_back(random() % 2 == 0 ? "yes" : "no");
    } else if (kind == "choice" || kind == "multi") {
      const json& options = question.at("options");
      if (options.empty()) continue;
      values.push_back(options.at(random() % options.size()).at("id"));
    } else if (kind == "number") {
      auto low = static_cast<std::int64_t>(question.at("min").get<double>());
      auto high = static_cast<std::int64_t>(question.at("max").get<double>());
      std::int64_t span = std::max<std::int64_t>(high - low, 0);
      values.push_back(std::to_string(low + static_cast<std::int64_t>(random() % (span + 1))));
    } else {
      continue;
    }
    answers.push_back({{"question", question.at("id")}, {"values", values}});
  }
  return answers;
}

void record_violation(Shared& shared, const std::string& text) {
  std::lock_guard lock(shared.mutex);
  if (shared.violations.size() < 50) shared.violations.push_back(text);
}

// Claims the handout's contacts in the shared table; a contact already
// there is held by another agent at the same time.
void claim(Shared& shared, const std::string& agent, const json& people) {
  std::lock_guard lock(shared.mutex);
  for (const json& person : people) {
    std::string contact = person.at("contact_id");
    auto [it, inserted] = shared.held.emplace(contact, agent);
    if (!inserted && it->second != agent) {
      shared.violations.push_back("contact " + contact + " handed to " + agent + " while held by " +
                                  it->second);
    }
  }
}

void release(Shared& shared, const json& people) {
  std::lock_guard lock(shared.mutex);
  for (const json& person : people) shared.held.erase(person.at("contact_id").get<std::string>());
}

// Completes one handout: settle a random questionnaire for each person, then
// submit. Returns false when a request failed.
bool complete_handout(Session& session, Shared& shared, const Options& options, const json& handout,
                      std::mt19937& random) {
  const json& people = handout.at("people");
  std::string token = handout.at("token");
  if (options.call_max_ms > 0) {
    std::uniform_int_distribution<int> call_ms(options.call_min_ms, options.call_max_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(call_ms(random)));
  }
  bool answered = std::uniform_real_distribution<double>(0, 1)(random) < options.completed_share;

  json submission = {{"token", token}, {"talk_s", answered ? 180 : 0}, {"people", json::array()}};
  for (const json& person : people) {
    json entry = {{"contact_id", person.at("contact_id")}, {"answers", json::array()}};
    if (!answered) {
      // A line disposition given for the dialled person covers the household.
      entry["disposition"] = random() % 2 == 0 ? "no_answer" : "busy";
      submission["people"].push_back(entry);
      break;
    }

    json draft = {{"token", token},
                  {"contact_id", person.at("contact_id")},
                  {"answers", random_answers(shared.script, random)}};
    auto started = Clock::now();
    auto settled = session.post("/api/desk/settle", draft);
    shared.settle.add(Clock::now() - started);
    if (!settled || settled->status != 200) return false;
    json body = json::parse(settled->body);
    entry["answers"] = body.at("answers");
    entry["disposition"] = body.at("complete").get<bool>() ? "completed" : "partial";
    submission["people"].push_back(entry);
  }

  auto started = Clock::now();
  auto submitted = session.post("/api/desk/submit", submission);
  shared.submit.add(Clock::now() - started);
  if (!submitted || submitted->status != 200) {
    if (submitted) {
      record_violation(shared, "submit returned HTTP " + std::to_string(submitted->status) + ": " +
                                   submitted->body.substr(0, 200));
    }
    return false;
  }

  release(shared, people);
  // Parsed into a named value: a range-for over a member of a temporary
  // would read freed memory.
  json decisions = json::parse(submitted->body);
  std::lock_guard lock(shared.mutex);
  for (const json& decision : decisions.at("people")) {
    shared.accepted.emplace(decision.at("contact_id").get<std::string>(),
                            decision.at("attempt").get<int>());
  }
  return true;
}

void run_agent(int index, Session& session, Shared& shared, const Options& options,
               Clock::time_point deadline) {
  std::mt19937 random(static_cast<std::uint32_t>(1000 + index));
  std::string agent = "agent " + std::to_string(index);

  while (Clock::now() < deadline) {
    auto started = Clock::now();
    auto response = session.post("/api/desk/next", json::object());
    shared.next.add(Clock::now() - started);
    if (!response || response->status != 200) {
      ++shared.errors;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }

    json body = json::parse(response->body);
    std::string status = body.at("status");
    if (status != "handed" && status != "already_holding") {
      ++shared.nothing_due;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }

    ++shared.handouts;
    const json& handout = body.at("handout");
    claim(shared, agent, handout.at("people"));
    if (!complete_handout(session, shared, options, handout, random)) ++shared.errors;
  }
}

// Reads the attempts export and checks that every accepted submit is in it
// exactly once. Returns the number of accepted results missing.
std::size_t check_exports(const Options& options, Shared& shared, std::string& error) {
  Session supervisor(options);
  if (!supervisor.login(options.supervisor, options.supervisor_password, error)) return 0;
  auto response =
      supervisor.get("/api/campaigns/" + options.campaign + "/export/attempts.csv?cycle=1");
  if (!response || response->status != 200) {
    error = "the attempts export failed";
    return 0;
  }

  std::map<std::string, int> stored;  // contact#attempt -> rows
  std::istringstream lines(response->body);
  std::string line;
  std::getline(lines, line);  // header: cycle,contact_id,attempt,...
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ',') && cells.size() < 3) cells.push_back(cell);
    if (cells.size() < 3) continue;
    ++stored[key_of(cells[1], std::stoi(cells[2]))];
  }

  std::size_t missing = 0;
  for (const auto& [contact, attempt] : shared.accepted) {
    auto it = stored.find(key_of(contact, attempt));
    if (it == stored.end()) {
      ++missing;
      record_violation(shared, "accepted result " + key_of(contact, attempt) + " not stored");
    }
  }
  for (const auto& [key, rows] : stored) {
    if (rows > 1)
      record_violation(shared, "attempt " + key + " stored " + std::to_string(rows) + " times");
  }
  return missing;
}

// Raises the alert of --raise-alert so that the campaign's cycle starts.
bool raise_alert(const Options& options, std::string& error) {
  auto colon = options.raise_alert.rfind(':');
  if (colon == std::string::npos) {
    error = "--raise-alert " + options.raise_alert + " is not NAME:LEVEL (for example canicule:3)";
    return false;
  }

  Session supervisor(options);
  if (!supervisor.login(options.supervisor, options.supervisor_password, error)) return false;
  json body = {{"name", options.raise_alert.substr(0, colon)},
               {"level", std::stoi(options.raise_alert.substr(colon + 1))}};
  auto response = supervisor.post("/api/alerts", body);
  if (!response || response->status != 200) {
    error = "raising the alert failed" +
            (response ? ": HTTP " + std::to_string(response->status) + " " + response->body
                      : std::string());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Simulated agents against vigie serve, on loopback"};
  app.add_option("--port", options.port, "Port of the service on 127.0.0.1")->required();
  app.add_option("--agents", options.agents, "Agents working at once")->check(CLI::Range(1, 2000));
  app.add_option("--duration", options.duration_s, "Seconds of work after every agent logged in")
      ->check(CLI::Range(1, 3600));
  app.add_option("--user-prefix", options.user_prefix,
                 "Agents log in as PREFIX001, PREFIX002, ...");
  app.add_option("--password", options.password, "The agents' password")->required();
  app.add_option("--supervisor", options.supervisor, "A supervisor, to read the export")
      ->required();
  app.add_option("--supervisor-password", options.supervisor_password)->required();
  app.add_option("--campaign", options.campaign, "The campaign the agents call for")->required();
  app.add_option("--p99-limit-ms", options.p99_limit_ms,
                 "Fail when the p99 of next or submit exceeds this many milliseconds");
  app.add_option("--call-min-ms", options.call_min_ms,
                 "Shortest time an agent spends on a call before submitting, in ms")
      ->check(CLI::Range(0, 600000));
  app.add_option("--call-max-ms", options.call_max_ms,
                 "Longest time an agent spends on a call before submitting, in ms")
      ->check(CLI::Range(0, 600000));
  app.add_option("--raise-alert", options.raise_alert,
                 "Raise this alert (NAME:LEVEL) as the supervisor before the agents start");
  CLI11_PARSE(app, argc, argv);
  if (options.call_max_ms < options.call_min_ms) {
    std::cerr << "load_agents: --call-max-ms " << options.call_max_ms << " is below --call-min-ms "
              << options.call_min_ms << "\n";
    return 2;
  }

  if (!options.raise_alert.empty()) {
    std::string error;
    if (!raise_alert(options, error)) {
      std::cerr << "load_agents: " << error << "\n";
      return 2;
    }
  }

  Shared shared;
  std::vector<std::unique_ptr<Session>> sessions;
  for (int i = 1; i <= options.agents; ++i) {
    char user[64];
    std::snprintf(user, sizeof user, "%s%03d", options.user_prefix.c_str(), i);
    auto session = std::make_unique<Session>(options);
    std::string error;
    if (!session->login(user, options.password, error)) {
      std::cerr << "load_agents: " << error << "\n";
      return 2;
    }
    sessions.push_back(std::move(session));
  }

  auto script = sessions.front()->get("/api/campaigns/" + options.campaign + "/script");
  if (!script || script->status != 200) {
    std::cerr << "load_agents: cannot read the script of campaign " << options.campaign << "\n";
    return 2;
  }
  shared.script = json::parse(script->body);

  auto started = Clock::now();
  auto deadline = started + std::chrono::seconds(options.duration_s);
  std::vector<std::thread> threads;
  for (int i = 0; i < options.agents; ++i) {
    threads.emplace_back(run_agent, i + 1, std::ref(*sessions[static_cast<std::size_t>(i)]),
                         std::ref(shared), std::cref(options), deadline);
  }
  for (std::thread& thread : threads) thread.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - started).count();

  std::string error;
  std::size_t missing = check_exports(options, shared, error);
  if (!error.empty()) {
    std::cerr << "load_agents: " << error << "\n";
    return 2;
  }

  json report = {
      {"agents", options.agents},
      {"seconds", elapsed},
      {"call_ms", {options.call_min_ms, options.call_max_ms}},
      {"handouts", shared.handouts.load()},
      {"results_accepted", shared.accepted.size()},
      {"results_missing", missing},
      {"nothing_due", shared.nothing_due.load()},
      {"errors", shared.errors.load()},
      {"next_ms",
       {{"p50", shared.next.percentile_ms(0.50)},
        {"p95", shared.next.percentile_ms(0.95)},
        {"p99", shared.next.percentile_ms(0.99)},
        {"max", shared.next.percentile_ms(1.0)}}},
      {"settle_ms",
       {{"p50", shared.settle.percentile_ms(0.50)}, {"p99", shared.settle.percentile_ms(0.99)}}},
      {"submit_ms",
       {{"p50", shared.submit.percentile_ms(0.50)},
        {"p95", shared.submit.percentile_ms(0.95)},
        {"p99", shared.submit.percentile_ms(0.99)},
        {"max", shared.submit.percentile_ms(1.0)}}},
      {"requests",
       shared.next.samples.size() + shared.settle.samples.size() + shared.submit.samples.size()},
      {"violations", shared.violations},
  };
  std::cout << report.dump(2) << "\n";

  bool ok = shared.violations.empty() && missing == 0 && shared.errors == 0;
  if (options.p99_limit_ms > 0) {
    ok = ok && shared.next.percentile_ms(0.99) <= options.p99_limit_ms &&
         shared.submit.percentile_ms(0.99) <= options.p99_limit_ms;
  }
  return ok ? 0 : 1;
}
