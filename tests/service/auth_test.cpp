#include <catch2/catch.hpp>

#include <sodium.h>

#include <array>
#include <set>
#include <string>

#include "service/auth.hpp"

using namespace vigie::service;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using vigie::common::Instant;
using vigie::common::Seconds;

namespace {

const Instant kStart = Instant{date::sys_days{date::June / 24 / 2019}} + hours(8);

UserEntry user(const std::string& name, std::vector<UserRole> roles, const std::string& password) {
  UserEntry entry;
  entry.name = name;
  entry.roles = std::move(roles);
  entry.password_hash = hash_password(password);
  return entry;
}

UserRole role(Role kind, const std::string& route = "") {
  return UserRole{kind, route, {}};
}

Principal agent_principal() {
  Principal principal;
  principal.user = "agent1";
  principal.agent = true;
  principal.roles = {"agent"};
  return principal;
}

}  // namespace

TEST_CASE("argon2id hash verifies its password only", "[service][auth]") {
  const std::string hash = hash_password("correct horse");

  CHECK(hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0) == 0);
  CHECK(is_argon2id_hash(hash));
  CHECK(verify_password(hash, "correct horse"));
  CHECK_FALSE(verify_password(hash, "correct horsE"));
  CHECK_FALSE(verify_password(hash, ""));
  // A new salt each time.
  CHECK(hash_password("correct horse") != hash);
}

TEST_CASE("argon2id verify rejects other hash kinds", "[service][auth]") {
  // An Argon2i hash of the same password must not be accepted.
  std::array<char, crypto_pwhash_STRBYTES> argon2i{};
  REQUIRE(crypto_pwhash_str_alg(argon2i.data(), "pw", 2, crypto_pwhash_argon2i_OPSLIMIT_INTERACTIVE,
                                crypto_pwhash_argon2i_MEMLIMIT_INTERACTIVE,
                                crypto_pwhash_ALG_ARGON2I13) == 0);
  const std::string hash(argon2i.data());
  REQUIRE(hash.rfind("$argon2i$", 0) == 0);

  CHECK_FALSE(is_argon2id_hash(hash));
  CHECK_FALSE(verify_password(hash, "pw"));
  CHECK_FALSE(verify_password("$argon2id$garbage", "pw"));
  CHECK_FALSE(verify_password("", ""));
}

TEST_CASE("user directory authenticates known users", "[service][auth]") {
  const UserDirectory users(
      {user("agent1", {role(Role::agent)}, "agent1-pw"),
       user("lead", {role(Role::supervisor), role(Role::team, "urgence")}, "lead-pw")});

  const auto agent = users.authenticate("agent1", "agent1-pw");
  REQUIRE(agent);
  CHECK(agent->user == "agent1");
  CHECK(agent->agent);
  CHECK_FALSE(agent->supervisor);
  CHECK(agent->roles == std::vector<std::string>{"agent"});

  const auto lead = users.authenticate("lead", "lead-pw");
  REQUIRE(lead);
  CHECK(lead->supervisor);
  CHECK(lead->team_routes == std::set<std::string>{"urgence"});
  CHECK(lead->roles == std::vector<std::string>{"supervisor", "team:urgence"});
  CHECK(lead->may_handle_route("social"));

  CHECK_FALSE(users.authenticate("agent1", "lead-pw"));
  CHECK_FALSE(users.authenticate("nobody", "agent1-pw"));
  CHECK(users.contains("agent1"));
  CHECK_FALSE(users.contains("nobody"));
}

TEST_CASE("team principal handles its own routes only", "[service][auth]") {
  UserEntry entry;
  entry.name = "urgence";
  entry.roles = {role(Role::team, "urgence")};
  const Principal team = principal_of(entry);

  CHECK(team.may_handle_route("urgence"));
  CHECK_FALSE(team.may_handle_route("social"));
  CHECK_FALSE(team.sees_every_route());
  CHECK_FALSE(team.agent);
}

TEST_CASE("random tokens are 256-bit hex and distinct", "[service][auth]") {
  std::set<std::string> tokens;
  for (int i = 0; i < 100; ++i) {
    const std::string token = random_token();
    CHECK(token.size() == 64);
    CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
    tokens.insert(token);
  }
  CHECK(tokens.size() == 100);
}

TEST_CASE("csrf tokens compare exactly", "[service][auth]") {
  const std::string token = random_token();
  std::string last_changed = token;
  last_changed.back() = token.back() == 'a' ? 'b' : 'a';

  CHECK(tokens_equal(token, token));
  CHECK_FALSE(tokens_equal(token, last_changed));
  CHECK_FALSE(tokens_equal(token, token.substr(0, 63)));
  CHECK_FALSE(tokens_equal(token, ""));
  CHECK_FALSE(tokens_equal("", ""));
}

TEST_CASE("session expires at its absolute timeout", "[service][auth]") {
  SessionStore sessions(hours(8), minutes(30));
  const auto [id, created] = sessions.create(agent_principal(), kStart);
  CHECK(created.expires_at == kStart + minutes(30));
  CHECK(created.csrf_token.size() == 64);
  CHECK(id != created.csrf_token);

  // Used every 20 minutes, it stays valid until 8 hours after login.
  Instant now = kStart;
  while (now + minutes(20) < kStart + hours(8)) {
    now += minutes(20);
    const SessionLookup found = sessions.touch(id, now);
    REQUIRE(found.state == SessionState::valid);
    CHECK(found.session->expires_at == std::min(now + minutes(30), kStart + hours(8)));
  }
  CHECK(sessions.touch(id, kStart + hours(8) - seconds(1)).state == SessionState::valid);
  CHECK(sessions.touch(id, kStart + hours(8)).state == SessionState::expired);
  // Reported expired once, then gone.
  CHECK(sessions.touch(id, kStart + hours(8)).state == SessionState::missing);
}

TEST_CASE("session expires when idle", "[service][auth]") {
  SessionStore sessions(hours(8), minutes(30));
  const std::string id = sessions.create(agent_principal(), kStart).first;

  CHECK(sessions.touch(id, kStart + minutes(29)).state == SessionState::valid);
  CHECK(sessions.touch(id, kStart + minutes(58)).state == SessionState::valid);
  CHECK(sessions.touch(id, kStart + minutes(88)).state == SessionState::expired);
}

TEST_CASE("session store purges and removes", "[service][auth]") {
  SessionStore sessions(hours(8), minutes(30));
  const std::string old_id = sessions.create(agent_principal(), kStart).first;
  const std::string new_id = sessions.create(agent_principal(), kStart + minutes(20)).first;
  const std::string gone_id = sessions.create(agent_principal(), kStart + minutes(20)).first;
  CHECK(sessions.size() == 3);

  sessions.remove(gone_id);
  CHECK(sessions.touch(gone_id, kStart + minutes(21)).state == SessionState::missing);
  CHECK(sessions.purge(kStart + minutes(40)) == 1);
  CHECK(sessions.size() == 1);
  // A purged session is reported as expired once, then as missing.
  CHECK(sessions.touch(old_id, kStart + minutes(41)).state == SessionState::expired);
  CHECK(sessions.touch(old_id, kStart + minutes(41)).state == SessionState::missing);
  CHECK(sessions.touch(new_id, kStart + minutes(41)).state == SessionState::valid);
  CHECK(sessions.touch("", kStart).state == SessionState::missing);
  CHECK(sessions.touch("not-a-session", kStart).state == SessionState::missing);
}

TEST_CASE("login limiter blocks a user name after the limit", "[service][auth]") {
  LoginLimiter limiter(5, minutes(15));
  for (int i = 0; i < 5; ++i) {
    CHECK_FALSE(limiter.blocked("agent1", "10.0.0.1", kStart + minutes(i)));
    // Each failure from another address, so only the name counts.
    limiter.record_failure("agent1", "10.0.0." + std::to_string(i + 1), kStart + minutes(i));
  }
  CHECK(limiter.failures_of_user("agent1", kStart + minutes(5)) == 5);

  // The first failure leaves the window 15 minutes after it.
  const auto wait = limiter.blocked("agent1", "10.0.0.99", kStart + minutes(5));
  REQUIRE(wait);
  CHECK(*wait == minutes(10));
  CHECK_FALSE(limiter.blocked("agent2", "10.0.0.99", kStart + minutes(5)));
  CHECK_FALSE(limiter.blocked("agent1", "10.0.0.99", kStart + minutes(15)));
}

TEST_CASE("login limiter blocks an address after the limit", "[service][auth]") {
  LoginLimiter limiter(3, minutes(15));
  limiter.record_failure("a", "10.0.0.1", kStart);
  limiter.record_failure("b", "10.0.0.1", kStart + seconds(10));
  CHECK_FALSE(limiter.blocked("c", "10.0.0.1", kStart + seconds(20)));
  limiter.record_failure("c", "10.0.0.1", kStart + seconds(20));

  const auto wait = limiter.blocked("d", "10.0.0.1", kStart + seconds(30));
  REQUIRE(wait);
  CHECK(*wait == minutes(15) - seconds(30));
  CHECK_FALSE(limiter.blocked("d", "10.0.0.2", kStart + seconds(30)));
}

TEST_CASE("login limiter window slides", "[service][auth]") {
  LoginLimiter limiter(2, minutes(10));
  limiter.record_failure("a", "x", kStart);
  limiter.record_failure("a", "x", kStart + minutes(8));
  CHECK(limiter.blocked("a", "y", kStart + minutes(9)) == minutes(1));
  // The first failure aged out; one more failure blocks again until the
  // second one ages out.
  CHECK_FALSE(limiter.blocked("a", "y", kStart + minutes(10)));
  limiter.record_failure("a", "y", kStart + minutes(11));
  CHECK(limiter.blocked("a", "z", kStart + minutes(12)) == minutes(6));
}

TEST_CASE("login limiter has separate user and address limits", "[service][auth]") {
  LoginLimiter limiter(2, 4, minutes(15));
  limiter.record_failure("a", "10.0.0.1", kStart);
  limiter.record_failure("a", "10.0.0.1", kStart + seconds(1));
  CHECK(limiter.blocked("a", "10.0.0.2", kStart + seconds(2)));
  CHECK_FALSE(limiter.blocked("b", "10.0.0.1", kStart + seconds(2)));

  limiter.record_failure("b", "10.0.0.1", kStart + seconds(3));
  limiter.record_failure("c", "10.0.0.1", kStart + seconds(4));
  CHECK(limiter.blocked("d", "10.0.0.1", kStart + seconds(5)));
  CHECK_FALSE(limiter.blocked("d", "10.0.0.2", kStart + seconds(5)));
}
