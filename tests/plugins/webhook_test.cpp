#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "vigie/plugin.hpp"
#include "webhook_message.hpp"
#include "webhook_settings.hpp"

void vigie_register_notifier_webhook(vigie::Registry& registry);

using namespace vigie;
using namespace vigie::plugins::webhook;
using namespace std::chrono_literals;

namespace {

constexpr const char* kSecret = "test-secret-not-for-production";
constexpr const char* kPath = "/hooks/alerts";

const Registry& webhook_registry() {
  static const Registry registry = [] {
    Registry r;
    vigie_register_notifier_webhook(r);
    return r;
  }();
  return registry;
}

std::unique_ptr<Notifier> make_notifier(const std::string& yaml) {
  const PluginContext context{"cellule_urgence", "engine.yaml", "/tmp", "/tmp"};
  return (*webhook_registry().notifier("webhook"))(YAML::Load(yaml), context);
}

Alert make_alert(const std::string& contact) {
  Alert alert;
  alert.campaign = "canicule";
  alert.cycle = 1;
  alert.route = "urgence";
  alert.route_title = "Cellule d'urgence";
  alert.notifier = "cellule_urgence";
  alert.contact_id = contact;
  alert.idempotency_key = "canicule/1/urgence/" + contact;
  alert.fired_at = Instant(std::chrono::seconds(1561370000));
  alert.due = Instant(std::chrono::seconds(1561370400));
  alert.due_local = "2019-06-24T12:00:00+02:00";
  alert.scores = {{"risk", 15}, {"isolation", 2.5}};
  return alert;
}

// What the test receiver does with one request.
struct Reply {
  int status = 200;
  std::chrono::milliseconds delay{0};  // slept after processing, before replying
};

struct ReceivedRequest {
  std::string key;
  std::string timestamp;
  std::string signature;
  std::string body;
  httplib::Headers headers;
};

// A webhook receiver on 127.0.0.1 and a free port. It replies to each
// request with the next scripted Reply (200 once the script is used up),
// and like a real receiver it processes an alert only on a 2xx reply and
// only the first time it sees its Idempotency-Key.
class Receiver {
 public:
  explicit Receiver(std::vector<Reply> script) : script_(script.begin(), script.end()) {
    server_.Post(kPath, [this](const httplib::Request& request, httplib::Response& response) {
      handle(request, response);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("the test receiver cannot bind a port on 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // Server::stop() does nothing before the accept loop runs, so the
    // destructor could otherwise wait forever on the thread.
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }

  ~Receiver() {
    server_.stop();
    thread_.join();
  }

  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + kPath; }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  std::vector<std::string> processed_keys() const {
    std::lock_guard lock(mutex_);
    return processed_;
  }

  std::string processed_body(const std::string& key) const {
    std::lock_guard lock(mutex_);
    return bodies_.at(key);
  }

 private:
  void handle(const httplib::Request& request, httplib::Response& response) {
    Reply reply;
    {
      std::lock_guard lock(mutex_);
      const std::string key = request.get_header_value("Idempotency-Key");
      requests_.push_back({key, request.get_header_value("X-Vigie-Timestamp"),
                           request.get_header_value("X-Vigie-Signature"), request.body,
                           request.headers});
      if (!script_.empty()) {
        reply = script_.front();
        script_.pop_front();
      }
      const bool accepted = reply.status >= 200 && reply.status < 300;
      if (accepted && bodies_.emplace(key, request.body).second) processed_.push_back(key);
    }

    // A slow reply has already processed the alert: the sender times out
    // and sends it again, which the receiver must recognise.
    std::this_thread::sleep_for(reply.delay);
    response.status = reply.status;
    response.set_content("{}", "application/json");
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::deque<Reply> script_;
  std::vector<ReceivedRequest> requests_;
  std::vector<std::string> processed_;
  std::map<std::string, std::string> bodies_;
};

std::string config(const std::string& url, const std::string& extra = "") {
  return "plugin: webhook\nurl: " + url + "\nsecret: " + kSecret +
         "\ntimeout_s: 0.2\nmax_attempts: 4\n"
         "backoff: {initial_ms: 10, factor: 2, max_ms: 40}\n" +
         extra;
}

// A loopback port with nothing listening: bound, read, then released.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t size = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("webhook hmac matches RFC 4231 vectors", "[plugins][webhook]") {
  struct Case {
    std::string key;
    std::string message;
    std::string hex;
  };
  const std::vector<Case> cases = {
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.message);
    CHECK(hmac_sha256_hex(c.key, c.message) == c.hex);
  }
}

TEST_CASE("webhook signature signs timestamp and body", "[plugins][webhook]") {
  CHECK(signed_text("1561370000", "{\"a\":1}") == "1561370000.{\"a\":1}");
  // The value printed by the receivers' recipe in docs/plugins.md:
  // printf '%s.%s' 1561370000 '{"a":1}' | openssl dgst -sha256 -hmac Jefe
  CHECK(signature_header("Jefe", "1561370000", "{\"a\":1}") ==
        "sha256=57981c533b28388af5c88a7caee9b1d9d1210198a1dae48ad5bff9edd587e75c");
  CHECK(signature_header("Jefe", "1561370000", "{}") ==
        "sha256=" + hmac_sha256_hex("Jefe", "1561370000.{}"));
  CHECK(signature_header("Jefe", "1561370000", "{}") !=
        signature_header("Jefe", "1561370001", "{}"));
}

TEST_CASE("webhook body carries the alert", "[plugins][webhook]") {
  CHECK(alert_body(make_alert("A1")) ==
        "{\"idempotency_key\":\"canicule/1/urgence/A1\",\"campaign\":\"canicule\",\"cycle\":1,"
        "\"route\":\"urgence\",\"route_title\":\"Cellule d'urgence\","
        "\"notifier\":\"cellule_urgence\",\"contact_id\":\"A1\","
        "\"fired_at\":\"2019-06-24T09:53:20Z\",\"due\":\"2019-06-24T10:00:00Z\","
        "\"due_local\":\"2019-06-24T12:00:00+02:00\","
        "\"scores\":{\"risk\":15.0,\"isolation\":2.5}}");

  Alert invalid = make_alert("A\xff");
  CHECK_THROWS_WITH(alert_body(invalid),
                    "alert canicule/1/urgence/A%FF contains text that is not valid UTF-8; fix "
                    "the register's encoding");
}

TEST_CASE("webhook header key encodes unsafe bytes", "[plugins][webhook]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"canicule/1/urgence/A1", "canicule/1/urgence/A1"},
      {"c/1/r/a b", "c/1/r/a%20b"},
      {"c/1/r/50%", "c/1/r/50%25"},
      {"c/1/r/x\r\ny", "c/1/r/x%0D%0Ay"},
      {"c/1/r/\xc3\xa9", "c/1/r/%C3%A9"},
  };
  for (const auto& [key, expected] : cases) {
    CAPTURE(key);
    CHECK(header_key(key) == expected);
  }
}

TEST_CASE("webhook backoff grows then caps", "[plugins][webhook]") {
  Backoff backoff;
  backoff.initial = 100ms;
  backoff.factor = 3;
  backoff.max = 1000ms;
  const std::vector<std::pair<int, std::chrono::milliseconds>> cases = {
      {1, 100ms}, {2, 300ms}, {3, 900ms}, {4, 1000ms}, {60, 1000ms}};
  for (const auto& [retry, delay] : cases) {
    CAPTURE(retry);
    CHECK(backoff.delay_before_retry(retry) == delay);
  }
}

TEST_CASE("webhook url splits into origin and target", "[plugins][webhook]") {
  struct Case {
    std::string url;
    std::string origin;
    std::string target;
    std::string display;
  };
  const std::vector<Case> cases = {
      {"http://127.0.0.1:8080/hooks", "http://127.0.0.1:8080", "/hooks",
       "http://127.0.0.1:8080/hooks"},
      {"http://127.0.0.1", "http://127.0.0.1:80", "/", "http://127.0.0.1:80/"},
      {"HTTPS://alerts.example:8443/in?token=abc#top", "https://alerts.example:8443",
       "/in?token=abc", "https://alerts.example:8443/in"},
      {"http://[::1]:9000?x=1", "http://[::1]:9000", "/?x=1", "http://[::1]:9000/"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.url);
    const Endpoint endpoint = parse_url(c.url);
    CHECK(endpoint.origin() == c.origin);
    CHECK(endpoint.target == c.target);
    CHECK(endpoint.display() == c.display);
  }
}

TEST_CASE("webhook config rejects invalid values", "[plugins][webhook]") {
  ::setenv("VIGIE_WEBHOOK_TEST_EMPTY", "", 1);
  const std::string prefix = "plugin: webhook\n";
  const std::string url = "url: http://127.0.0.1:9/x\n";
  const std::string secret = "secret: s\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {secret, "webhook notifier 'cellule_urgence' needs the key 'url'"},
      {"url: ftp://127.0.0.1/x\n" + secret,
       "'url' in webhook notifier 'cellule_urgence' is not a valid URL: the scheme 'ftp' is not "
       "supported; use http or https (expected http://HOST:PORT/PATH)"},
      {"url: http://127.0.0.1:99999/x\n" + secret,
       "'url' in webhook notifier 'cellule_urgence' is not a valid URL: the port 99999 is not "
       "between 1 and 65535 (expected http://HOST:PORT/PATH)"},
      {"url: http://user:pw@127.0.0.1/x\n" + secret,
       "'url' in webhook notifier 'cellule_urgence' is not a valid URL: it contains a user name "
       "or password; send credentials with 'headers' instead (expected http://HOST:PORT/PATH)"},
      {url,
       "webhook notifier 'cellule_urgence' needs 'secret_env' (the environment variable holding "
       "the HMAC secret) or 'secret'"},
      {url + secret + "secret_env: X\n",
       "webhook notifier 'cellule_urgence' sets both 'secret' and 'secret_env'; keep one, "
       "preferably 'secret_env' so that the secret stays out of the file"},
      {url + "secret_env: VIGIE_WEBHOOK_TEST_EMPTY\n",
       "the environment variable VIGIE_WEBHOOK_TEST_EMPTY named by 'secret_env' in webhook "
       "notifier 'cellule_urgence' is not set or empty; export it before starting vigie"},
      {url + secret + "timeout_s: 0\n",
       "'timeout_s' in webhook notifier 'cellule_urgence' is 0; use a number of seconds from "
       "0.001 to 600"},
      {url + secret + "max_attempts: 0\n",
       "'max_attempts' in webhook notifier 'cellule_urgence' is 0; use a number from 1 to 100"},
      {url + secret + "backoff: {factor: 0.5}\n",
       "'factor' in 'backoff' of webhook notifier 'cellule_urgence' is 0.5; use a number from 1 "
       "to 100"},
      {url + secret + "backoff: {initial_ms: 500, max_ms: 100}\n",
       "'max_ms' (100) is below 'initial_ms' (500) in 'backoff' of webhook notifier "
       "'cellule_urgence'; raise max_ms or lower initial_ms"},
      {url + secret + "backoff: {initial: 5}\n",
       "unknown key 'initial' in 'backoff' of webhook notifier 'cellule_urgence'; did you mean "
       "'initial_ms'?"},
      {url + secret + "headers: {Idempotency-Key: x}\n",
       "the header Idempotency-Key is set by the webhook notifier itself; remove it from "
       "'headers'"},
      {url + secret + "headers: {\"Bad Name\": x}\n",
       "'Bad Name' is not a valid HTTP header name; use letters, digits and dashes"},
      {url + secret + "headers: {Authorization: {env: VIGIE_WEBHOOK_TEST_EMPTY}}\n",
       "the environment variable VIGIE_WEBHOOK_TEST_EMPTY named by 'env' in header Authorization "
       "of webhook notifier 'cellule_urgence' is not set or empty; export it before starting "
       "vigie"},
      {url + secret + "retries: 3\n",
       "unknown key 'retries' in webhook notifier 'cellule_urgence'; known keys are url, secret, "
       "secret_env, timeout_s, max_attempts, backoff, headers"},
  };
  for (const auto& [yaml, message] : cases) {
    CAPTURE(yaml);
    CHECK_THROWS_AS(make_notifier(prefix + yaml), ConfigError);
    CHECK_THROWS_WITH(make_notifier(prefix + yaml), message);
  }
}

TEST_CASE("webhook delivers each alert once through failures", "[plugins][webhook]") {
  // Alert A1 meets a 500, A2 a reply slower than timeout_s, A3 a 429, and
  // A4 a receiver that has recovered.
  Receiver receiver({{500, 0ms}, {200, 0ms}, {200, 400ms}, {200, 0ms}, {429, 0ms}, {200, 0ms}});
  auto notifier = make_notifier(config(receiver.url()));

  const std::vector<std::string> contacts = {"A1", "A2", "A3", "A4"};
  for (const std::string& contact : contacts)
    REQUIRE_NOTHROW(notifier->notify(make_alert(contact)));
  notifier->flush();

  const std::vector<ReceivedRequest> requests = receiver.requests();
  const std::vector<std::string> keys = {"canicule/1/urgence/A1", "canicule/1/urgence/A1",
                                         "canicule/1/urgence/A2", "canicule/1/urgence/A2",
                                         "canicule/1/urgence/A3", "canicule/1/urgence/A3",
                                         "canicule/1/urgence/A4"};
  REQUIRE(requests.size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    CAPTURE(i);
    CHECK(requests[i].key == keys[i]);
    CHECK(requests[i].headers.find("Content-Type")->second == "application/json");
    CHECK(requests[i].signature ==
          signature_header(kSecret, requests[i].timestamp, requests[i].body));
    CHECK(requests[i].signature !=
          signature_header("wrong-secret", requests[i].timestamp, requests[i].body));
  }

  CHECK(receiver.processed_keys() ==
        std::vector<std::string>{"canicule/1/urgence/A1", "canicule/1/urgence/A2",
                                 "canicule/1/urgence/A3", "canicule/1/urgence/A4"});
  for (const std::string& contact : contacts) {
    const auto body =
        nlohmann::json::parse(receiver.processed_body("canicule/1/urgence/" + contact));
    CHECK(body.at("contact_id") == contact);
    CHECK(body.at("idempotency_key") == "canicule/1/urgence/" + contact);
    CHECK(body.at("scores").at("risk") == 15.0);
  }
}

TEST_CASE("webhook sends extra headers from config and environment", "[plugins][webhook]") {
  ::setenv("VIGIE_WEBHOOK_TEST_SECRET", "secret-from-environment", 1);
  ::setenv("VIGIE_WEBHOOK_TEST_TOKEN", "Bearer token-from-environment", 1);
  Receiver receiver({});
  auto notifier = make_notifier("plugin: webhook\nurl: " + receiver.url() +
                                "\nsecret_env: VIGIE_WEBHOOK_TEST_SECRET\n"
                                "headers:\n  X-Team: cellule\n"
                                "  Authorization: {env: VIGIE_WEBHOOK_TEST_TOKEN}\n");
  notifier->notify(make_alert("A1"));

  const std::vector<ReceivedRequest> requests = receiver.requests();
  REQUIRE(requests.size() == 1);
  const httplib::Headers& headers = requests[0].headers;
  CHECK(headers.find("X-Team")->second == "cellule");
  CHECK(headers.find("Authorization")->second == "Bearer token-from-environment");
  CHECK(requests[0].signature ==
        signature_header("secret-from-environment", requests[0].timestamp, requests[0].body));
}

TEST_CASE("webhook permanent failure is not retried", "[plugins][webhook]") {
  struct Case {
    int status;
    std::string fix;
  };
  const std::vector<Case> cases = {
      {400, "check that the endpoint accepts the Vigie webhook JSON and its headers"},
      {401, "check the secret and the credentials in 'headers' that the endpoint expects"},
      {404, "check the path and method the endpoint accepts"},
      {301, "the endpoint redirects; set 'url' to the final address"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.status);
    Receiver receiver({{c.status, 0ms}});
    auto notifier = make_notifier(config(receiver.url()));
    CHECK_THROWS_WITH(notifier->notify(make_alert("A1")),
                      "webhook notifier 'cellule_urgence': " + receiver.url() +
                          " rejected alert canicule/1/urgence/A1 with HTTP " +
                          std::to_string(c.status) + "; " + c.fix);
    CHECK(receiver.requests().size() == 1);
  }
}

TEST_CASE("webhook gives up after max_attempts", "[plugins][webhook]") {
  Receiver receiver({{503, 0ms}, {503, 0ms}, {503, 0ms}, {503, 0ms}});
  auto notifier = make_notifier(config(receiver.url()));
  CHECK_THROWS_WITH(notifier->notify(make_alert("A1")),
                    "webhook notifier 'cellule_urgence' could not deliver alert "
                    "canicule/1/urgence/A1 to " +
                        receiver.url() +
                        " after 4 attempts; last failure: HTTP 503; check that the endpoint is "
                        "up and reachable");
  CHECK(receiver.requests().size() == 4);
  CHECK(receiver.processed_keys().empty());
}

TEST_CASE("webhook retries a refused connection", "[plugins][webhook]") {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/hooks";
  auto notifier = make_notifier(config(url, ""));

  const auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(
      notifier->notify(make_alert("A1")),
      Catch::Matchers::Equals("webhook notifier 'cellule_urgence' could not deliver alert "
                              "canicule/1/urgence/A1 to " +
                              url +
                              " after 4 attempts; last failure: connection failed; check that "
                              "the endpoint is up and reachable"));
  // Three waits of 10, 20 and 40 ms separate the four attempts.
  CHECK(std::chrono::steady_clock::now() - started >= 70ms);
}

TEST_CASE("webhook rejects an alert without key", "[plugins][webhook]") {
  Receiver receiver({});
  auto notifier = make_notifier(config(receiver.url()));
  Alert alert = make_alert("A1");
  alert.idempotency_key.clear();
  CHECK_THROWS_WITH(notifier->notify(alert),
                    "webhook notifier 'cellule_urgence' received an alert without an idempotency "
                    "key; the engine must set Alert::idempotency_key");
  CHECK(receiver.requests().empty());
}
