#pragma once
// Access control of `vigie serve`: password hashes (Argon2id through
// libsodium), the user directory, sessions with absolute and idle expiry,
// CSRF tokens and the login rate limit. Times are passed in as `now` (wall
// time in the service) so that tests can drive expiry.
//
// Thread safety: UserDirectory, SessionStore and LoginLimiter may be used
// from several threads.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.hpp"
#include "service/service_config.hpp"

namespace vigie::service {

// Initializes libsodium; safe to call many times. Throws std::runtime_error
// when the library cannot start (no entropy source).
void init_sodium();

// Hashes a password with crypto_pwhash_str: Argon2id with libsodium's
// interactive limits (2 passes over 64 MiB), a random salt, and the
// parameters encoded in the returned "$argon2id$v=19$m=65536,t=2,p=1$..." text.
std::string hash_password(std::string_view password);

// Whether `hash` is an Argon2id string as hash_password returns.
bool is_argon2id_hash(std::string_view hash);

// Checks a password against an Argon2id hash; false for a wrong password
// and for a hash that is not Argon2id. Costs a full hash computation.
bool verify_password(const std::string& hash, std::string_view password);

// 32 random bytes from randombytes_buf, as 64 lowercase hex digits.
std::string random_token();

// Compares two tokens in time that depends only on their length.
bool tokens_equal(std::string_view a, std::string_view b);

// A logged-in user's identity and rights.
struct Principal {
  std::string user;
  bool agent = false;
  bool supervisor = false;
  bool admin = false;
  std::set<std::string> team_routes;  // from team:ROUTE
  std::vector<std::string> roles;     // as written in the config, for the API

  // Supervisors and admins see every route of the alert desk.
  bool sees_every_route() const { return supervisor || admin; }
  bool may_handle_route(const std::string& route) const {
    return sees_every_route() || team_routes.count(route) != 0;
  }
};

class UserDirectory {
 public:
  // `max_parallel` bounds the Argon2id checks running at once: each one
  // takes the hash's memory (64 MiB with the interactive limits).
  explicit UserDirectory(const std::vector<UserEntry>& users, int max_parallel = 4);

  // Checks a user name and password. An unknown name costs the same hash
  // computation as a known one, so that timing does not reveal which
  // names exist.
  std::optional<Principal> authenticate(const std::string& name, std::string_view password) const;

  bool contains(const std::string& name) const { return users_.count(name) != 0; }

 private:
  struct Account {
    std::string hash;
    Principal principal;
  };
  std::map<std::string, Account> users_;
  std::string decoy_hash_;  // checked for unknown names

  int max_parallel_;
  mutable std::mutex mutex_;
  mutable std::condition_variable slot_free_;
  mutable int running_ = 0;
};

struct Session {
  Principal principal;
  std::string csrf_token;
  common::Instant created{};
  common::Instant last_used{};
  common::Instant expires_at{};  // the earlier of the absolute and the idle expiry
};

enum class SessionState { valid, missing, expired };

struct SessionLookup {
  SessionState state = SessionState::missing;
  std::optional<Session> session;  // when valid
};

class SessionStore {
 public:
  SessionStore(common::Seconds absolute_timeout, common::Seconds idle_timeout);

  // Opens a session; returns its id (the cookie value) and the session.
  std::pair<std::string, Session> create(const Principal& principal, common::Instant now);

  // Finds a session by cookie value and, when it is valid, marks it used
  // at `now`. An expired session is removed and reported as expired once,
  // also after purge() removed it.
  SessionLookup touch(const std::string& id, common::Instant now);

  void remove(const std::string& id);

  // Removes expired sessions; returns how many. Their keys stay for one
  // session_timeout more, so that touch() still reports them as expired.
  std::size_t purge(common::Instant now);

  std::size_t size() const;

 private:
  // Sessions are keyed by a hash of their id, so that the map's string
  // comparisons leak nothing useful about live ids through timing.
  static std::string key_of(const std::string& id);
  common::Instant expiry(const Session& session) const;

  common::Seconds absolute_timeout_;
  common::Seconds idle_timeout_;
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
  // Keys of purged sessions -> when to forget them.
  std::map<std::string, common::Instant> purged_;
};

// Counts failed logins per user name and per remote address in a sliding
// window. Failures age out; a successful login does not clear them, so
// that a password guesser gains nothing from the owner logging in.
class LoginLimiter {
 public:
  // The same limit for a user name and for an address.
  LoginLimiter(int attempts, common::Seconds window);
  LoginLimiter(int user_attempts, int address_attempts, common::Seconds window);

  // How long until a login for this name from this address may be tried;
  // nullopt when it may be tried now.
  std::optional<common::Seconds> blocked(const std::string& user, const std::string& address,
                                         common::Instant now) const;

  void record_failure(const std::string& user, const std::string& address, common::Instant now);

  // Failures of `user` still inside the window.
  int failures_of_user(const std::string& user, common::Instant now) const;

 private:
  std::optional<common::Seconds> wait_for(const std::string& key, int attempts,
                                          common::Instant now) const;
  void record(const std::string& key, int attempts, common::Instant now);
  void prune(common::Instant now);

  int user_attempts_;
  int address_attempts_;
  common::Seconds window_;
  mutable std::mutex mutex_;
  // "user:NAME" or "address:ADDR" -> the latest failures, oldest first, at
  // most as many as the limit of that kind of key.
  std::map<std::string, std::deque<common::Instant>> failures_;
};

// Builds the principal of a configured user.
Principal principal_of(const UserEntry& user);

}  // namespace vigie::service
