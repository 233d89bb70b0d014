// Tests of the live engine's alert desk and alert delivery: states kept in
// the store, notifiers called from the outbox, and a slow notifier that
// does not delay agents.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

#include "live_fixture.hpp"

using namespace vigie;
using namespace vigie::live_test;

namespace {

// Hands out the next contact and submits it as an urgent completed call.
std::string submit_urgent(LiveCampaign& live, common::Instant now) {
  Handout handout = take(live, "agent", now);
  std::vector<PersonSubmission> entries;
  for (const std::string& id : people(handout)) {
    entries.push_back(person(id, "completed", full_answers("yes", "yes", {"confusion"})));
  }
  live.submit("agent", submission(handout, entries), now);
  return handout.people[0].contact_id;
}

// An engine config with the agent_desk dialer, whose `cellule` notifier
// posts to 127.0.0.1:`port`.
fs::path webhook_config(const fs::path& dir, int port) {
  fs::path path = dir / "engine.yaml";
  std::ofstream(path) << "sources:\n"
                      << "  registre: {plugin: csv, path: "
                      << fs::absolute("tests/live/data/live.csv").string() << "}\n"
                      << "dialer: {plugin: agent_desk, hold_timeout: 90s}\n"
                      << "notifiers:\n"
                      << "  cellule:\n"
                      << "    plugin: webhook\n"
                      << "    url: http://127.0.0.1:" << port << "/alerts\n"
                      << "    secret: test-secret\n"
                      << "    timeout_s: 5\n"
                      << "    max_attempts: 1\n"
                      << "  visites: {plugin: csv_file, path: visites.csv}\n";
  return path;
}

// A loopback HTTP endpoint that answers each request with 200 after
// `delay`. It serves `requests` requests, then stops.
class SlowEndpoint {
 public:
  SlowEndpoint(std::chrono::milliseconds delay, int requests) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, delay, requests] {
      for (int served = 0; served < requests; ++served) {
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        char buffer[4096];
        (void)::recv(client, buffer, sizeof(buffer), 0);
        std::this_thread::sleep_for(delay);
        const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)::send(client, reply, sizeof(reply) - 1, 0);
        ::close(client);
        ++served_;
      }
    });
  }
  ~SlowEndpoint() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  int served() const { return served_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> served_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("live desk acknowledges and closes alerts", "[live]") {
  fs::path dir = fresh_dir("desk");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  REQUIRE(submit_urgent(live, kStart) == "L01");

  std::vector<runtime::DeskAlert> open = live.desk({}, false);
  REQUIRE(open.size() == 1);
  CHECK(open[0].campaign == "vague");
  CHECK(open[0].cycle == 1);
  CHECK(open[0].route == "urgence");
  CHECK(open[0].route_title == "Cellule d'urgence");
  CHECK(open[0].fired_at == kStart);
  CHECK(open[0].due == kStart + 60 * kMinute);
  CHECK(open[0].due_local == "2019-06-24T11:00:00+02:00");
  CHECK(open[0].scores == std::vector<std::pair<std::string, double>>{{"risk", 11}});
  CHECK(open[0].state == runtime::DeskState::open);
  CHECK(live.desk({"visite"}, true).empty());
  CHECK(live.desk({"urgence"}, false).size() == 1);

  live.acknowledge(1, "urgence", "L01", "team1", kStart + 5 * kMinute);
  runtime::DeskAlert acknowledged = live.desk({}, false).at(0);
  CHECK(acknowledged.state == runtime::DeskState::acknowledged);
  CHECK(acknowledged.acknowledged_by == "team1");
  CHECK(acknowledged.acknowledged_at == kStart + 5 * kMinute);
  CHECK(error_kind([&] { live.acknowledge(1, "urgence", "L01", "team2", kStart); }) ==
        LiveError::Kind::conflict);

  live.close(1, "urgence", "L01", "team2", kStart + 10 * kMinute);
  CHECK(live.desk({}, false).empty());
  runtime::DeskAlert closed = live.desk({}, true).at(0);
  CHECK(closed.state == runtime::DeskState::closed);
  CHECK(closed.acknowledged_by == "team1");
  CHECK(closed.closed_by == "team2");
  CHECK(closed.closed_at == kStart + 10 * kMinute);
  CHECK(error_kind([&] { live.acknowledge(1, "urgence", "L01", "team1", kStart); }) ==
        LiveError::Kind::conflict);
  CHECK(error_kind([&] { live.close(1, "urgence", "L01", "team1", kStart); }) ==
        LiveError::Kind::conflict);
  CHECK(error_kind([&] { live.close(1, "urgence", "L02", "team1", kStart); }) ==
        LiveError::Kind::not_found);
  CHECK(error_kind([&] { live.close(2, "urgence", "L01", "team1", kStart); }) ==
        LiveError::Kind::not_found);

  // An open alert may be closed directly.
  REQUIRE(submit_urgent(live, kStart) == "L02");
  CHECK(error_kind([&] { live.close(1, "urgence", "L02", "", kStart); }) ==
        LiveError::Kind::invalid);
  live.close(1, "urgence", "L02", "team1", kStart + kMinute);

  std::vector<store::DeskRecord> stored = open_store(options.store_url)->desk_records();
  REQUIRE(stored.size() == 3);  // L01, then L02 and L03 on one number
  CHECK(stored[0].contact_id == "L01");
  CHECK(stored[0].state == "closed");
  CHECK(stored[0].acknowledged_by == "team1");
  CHECK(stored[0].acknowledged_at == kStart + 5 * kMinute);
  CHECK(stored[0].closed_by == "team2");
  CHECK(stored[1].contact_id == "L02");
  CHECK(stored[1].state == "closed");
  CHECK(stored[1].acknowledged_by.empty());
  CHECK(stored[2].contact_id == "L03");
  CHECK(stored[2].state == "open");
  fs::remove_all(dir);
}

TEST_CASE("live delivers alerts from the outbox", "[live]") {
  fs::path dir = fresh_dir("deliver");
  LiveOptions options = vague_options(dir);
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  submit_urgent(live, kStart);
  CHECK(live.status(kStart).outbox_pending == 1);

  CHECK(live.deliver_alerts() == std::pair<std::size_t, std::size_t>{1, 0});
  CHECK(live.status(kStart).outbox_pending == 0);
  CHECK(live.deliver_alerts() == std::pair<std::size_t, std::size_t>{0, 0});
  const std::string written = read_file(dir / "cellule.csv");
  CHECK(written.find("\n1,urgence,L01,2019-06-24T11:00:00+02:00,cellule,11\n") !=
        std::string::npos);
  std::vector<store::DeskRecord> stored = open_store(options.store_url)->desk_records();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].delivered);
  fs::remove_all(dir);
}

TEST_CASE("live failed delivery stays in the outbox", "[live]") {
  fs::path dir = fresh_dir("deliver-failed");
  // Nothing listens on the port of a closed socket.
  int port = 0;
  {
    SlowEndpoint closed(std::chrono::milliseconds{0}, 0);
    port = closed.port();
  }
  LiveOptions options = vague_options(dir);
  options.config_path = webhook_config(dir, port).string();
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  // The config's hold_timeout wins over the options'.
  CHECK(take(live, "other", kStart).expires_at == kStart + std::chrono::seconds{90});
  submit_urgent(live, kStart);

  CHECK(live.deliver_alerts() == std::pair<std::size_t, std::size_t>{0, 2});
  CHECK(live.status(kStart).outbox_pending == 2);
  auto store = open_store(options.store_url);
  std::vector<store::OutboxItem> pending = store->pending_alerts(1);
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].delivery_attempts == 1);
  fs::remove_all(dir);
}

TEST_CASE("live slow notifier does not delay agents", "[live]") {
  fs::path dir = fresh_dir("deliver-slow");
  SlowEndpoint endpoint(std::chrono::milliseconds{1500}, 1);
  LiveOptions options = vague_options(dir);
  options.config_path = webhook_config(dir, endpoint.port()).string();
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  submit_urgent(live, kStart);

  std::thread delivery([&] { CHECK(live.deliver_alerts().first == 1); });
  // Leave the delivery time to reach the endpoint, which answers 1.5 s later.
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  const auto before = std::chrono::steady_clock::now();
  runtime::NextResult next = live.next("agent2", kStart + kMinute);
  const auto spent = std::chrono::steady_clock::now() - before;
  delivery.join();

  REQUIRE(next.status == NextStatus::handed);

  CHECK(spent < std::chrono::milliseconds{1000});
  CHECK(endpoint.served() == 1);
  CHECK(live.status(kStart).outbox_pending == 0);
  fs::remove_all(dir);
}
