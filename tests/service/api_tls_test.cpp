// HTTPS with a certificate made at test time by the openssl command.

#include <cstdlib>

#include "service/service_fixture.hpp"

using namespace vigie::testing;

TEST_CASE("api over TLS sets Secure cookies", "[service][api][tls]") {
  const fs::path keys = fresh_folder("tls-keys");
  const std::string certificate = (keys / "server.crt").string();
  const std::string key = (keys / "server.key").string();
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + certificate + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);

  TestService served("tls", "  tls: {certificate: " + certificate + ", key: " + key + "}\n");
  // The client checks the server's certificate against the one made above.
  Client agent(served.port(), /*tls=*/true, certificate);

  auto health = agent.get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->get_header_value("Strict-Transport-Security") == "max-age=31536000");

  auto login = agent.login("agent1", "agent1-pw");
  REQUIRE(login);
  CHECK(login->status == 200);
  CHECK_THAT(login->get_header_value("Set-Cookie"), Catch::EndsWith("; Secure"));
  CHECK(agent.get("/api/session")->status == 200);

  // Plain HTTP on the TLS port gets no answer.
  httplib::Client plain("127.0.0.1", served.port());
  plain.set_connection_timeout(2);
  plain.set_read_timeout(2);
  auto refused = plain.Get("/healthz");
  CHECK((!refused || refused->status != 200));
}

TEST_CASE("api TLS with a bad key file fails at start", "[service][api][tls]") {
  const fs::path keys = fresh_folder("tls-bad");
  std::ofstream(keys / "server.crt") << "not a certificate\n";
  std::ofstream(keys / "server.key") << "not a key\n";
  const fs::path folder = fresh_folder("tls-bad-service");
  std::ofstream(folder / "serve.yaml")
      << serve_config(folder, "  tls: {certificate: " + (keys / "server.crt").string() +
                                  ", key: " + (keys / "server.key").string() + "}\n");
  vigie::service::Service service(
      vigie::service::load_service_config((folder / "serve.yaml").string()));
  CHECK_THROWS_WITH(service.start(), Catch::StartsWith("cannot start TLS with certificate "));
}
