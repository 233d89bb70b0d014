#include "service/auth.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace vigie::service {

namespace {

constexpr std::string_view kArgon2idPrefix = "$argon2id$";
constexpr std::size_t kTokenBytes = 32;
// Past this many keys the limiter drops the entries whose failures have
// all aged out, so that a flood of invented names cannot grow it forever.
constexpr std::size_t kLimiterPruneAt = 50000;

// Frees an Argon2id slot of the directory when a check ends, even by an
// exception.
class SlotGuard {
 public:
  SlotGuard(std::mutex& mutex, std::condition_variable& free, int& running, int max)
      : mutex_(mutex), free_(free), running_(running) {
    std::unique_lock lock(mutex_);
    free_.wait(lock, [&] { return running_ < max; });
    ++running_;
  }
  ~SlotGuard() {
    {
      std::lock_guard lock(mutex_);
      --running_;
    }
    free_.notify_one();
  }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  std::mutex& mutex_;
  std::condition_variable& free_;
  int& running_;
};

}  // namespace

void init_sodium() {
  // sodium_init returns 0 on the first success and 1 when already done.
  if (sodium_init() < 0) {
    throw std::runtime_error(
        "libsodium failed to start (no source of randomness); check /dev/urandom");
  }
}

std::string hash_password(std::string_view password) {
  init_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(
          out.data(), password.data(), password.size(), crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
          crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("Argon2id hashing failed: not enough memory for 64 MiB");
  }
  return std::string(out.data());
}

bool is_argon2id_hash(std::string_view hash) {
  return hash.size() < crypto_pwhash_STRBYTES && hash.rfind(kArgon2idPrefix, 0) == 0;
}

bool verify_password(const std::string& hash, std::string_view password) {
  if (!is_argon2id_hash(hash)) return false;
  init_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string random_token() {
  init_sodium();
  std::array<unsigned char, kTokenBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, kTokenBytes * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  sodium_memzero(bytes.data(), bytes.size());
  return std::string(hex.data(), kTokenBytes * 2);
}

bool tokens_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Principal principal_of(const UserEntry& user) {
  Principal principal;
  principal.user = user.name;
  for (const UserRole& role : user.roles) {
    switch (role.role) {
      case Role::agent:
        principal.agent = true;
        principal.roles.push_back("agent");
        break;
      case Role::supervisor:
        principal.supervisor = true;
        principal.roles.push_back("supervisor");
        break;
      case Role::admin:
        principal.admin = true;
        principal.roles.push_back("admin");
        break;
      case Role::team:
        principal.team_routes.insert(role.route);
        principal.roles.push_back("team:" + role.route);
        break;
    }
  }
  return principal;
}

// ---------------------------------------------------------------- users

UserDirectory::UserDirectory(const std::vector<UserEntry>& users, int max_parallel)
    : max_parallel_(std::max(max_parallel, 1)) {
  init_sodium();
  for (const UserEntry& user : users) {
    users_[user.name] = Account{user.password_hash, principal_of(user)};
  }
  // A hash of a random password with the same parameters as real ones.
  decoy_hash_ = hash_password(random_token());
}

std::optional<Principal> UserDirectory::authenticate(const std::string& name,
                                                     std::string_view password) const {
  const auto account = users_.find(name);
  const std::string& hash = account == users_.end() ? decoy_hash_ : account->second.hash;

  bool match = false;
  {
    SlotGuard slot(mutex_, slot_free_, running_, max_parallel_);
    match = verify_password(hash, password);
  }
  if (!match || account == users_.end()) return std::nullopt;
  return account->second.principal;
}

// ---------------------------------------------------------------- sessions

SessionStore::SessionStore(common::Seconds absolute_timeout, common::Seconds idle_timeout)
    : absolute_timeout_(absolute_timeout), idle_timeout_(idle_timeout) {
  init_sodium();
}

std::string SessionStore::key_of(const std::string& id) {
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(id.data()), id.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

common::Instant SessionStore::expiry(const Session& session) const {
  return std::min(session.created + absolute_timeout_, session.last_used + idle_timeout_);
}

std::pair<std::string, Session> SessionStore::create(const Principal& principal,
                                                     common::Instant now) {
  Session session;
  session.principal = principal;
  session.csrf_token = random_token();
  session.created = now;
  session.last_used = now;
  session.expires_at = expiry(session);

  std::string id = random_token();
  std::lock_guard lock(mutex_);
  sessions_[key_of(id)] = session;
  return {std::move(id), std::move(session)};
}

SessionLookup SessionStore::touch(const std::string& id, common::Instant now) {
  if (id.empty()) return {};
  const std::string key = key_of(id);

  std::lock_guard lock(mutex_);
  const auto found = sessions_.find(key);
  if (found == sessions_.end()) {
    if (purged_.erase(key) != 0) return {SessionState::expired, std::nullopt};
    return {};
  }
  Session& session = found->second;
  if (now >= expiry(session)) {
    sessions_.erase(found);
    return {SessionState::expired, std::nullopt};
  }

  session.last_used = std::max(session.last_used, now);
  session.expires_at = expiry(session);
  return {SessionState::valid, session};
}

void SessionStore::remove(const std::string& id) {
  const std::string key = key_of(id);
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
}

std::size_t SessionStore::purge(common::Instant now) {
  std::lock_guard lock(mutex_);
  std::erase_if(purged_, [&](const auto& entry) { return now >= entry.second; });
  return std::erase_if(sessions_, [&](const auto& entry) {
    if (now < expiry(entry.second)) return false;
    purged_.emplace(entry.first, now + absolute_timeout_);
    return true;
  });
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

// ---------------------------------------------------------------- login limit

LoginLimiter::LoginLimiter(int attempts, common::Seconds window)
    : LoginLimiter(attempts, attempts, window) {}

LoginLimiter::LoginLimiter(int user_attempts, int address_attempts, common::Seconds window)
    : user_attempts_(std::max(user_attempts, 1)),
      address_attempts_(std::max(address_attempts, 1)),
      window_(window) {}

std::optional<common::Seconds> LoginLimiter::wait_for(const std::string& key, int attempts,
                                                      common::Instant now) const {
  const auto found = failures_.find(key);
  if (found == failures_.end()) return std::nullopt;
  const std::deque<common::Instant>& times = found->second;
  if (static_cast<int>(times.size()) < attempts) return std::nullopt;

  // The oldest of the last `attempts` failures leaves the window first.
  const common::Instant free_at = times.front() + window_;
  if (free_at <= now) return std::nullopt;
  return std::max(common::Seconds{1}, free_at - now);
}

std::optional<common::Seconds> LoginLimiter::blocked(const std::string& user,
                                                     const std::string& address,
                                                     common::Instant now) const {
  std::lock_guard lock(mutex_);
  const std::optional<common::Seconds> by_user = wait_for("user:" + user, user_attempts_, now);
  const std::optional<common::Seconds> by_address =
      wait_for("address:" + address, address_attempts_, now);
  if (!by_user) return by_address;
  if (!by_address) return by_user;
  return std::max(*by_user, *by_address);
}

void LoginLimiter::record(const std::string& key, int attempts, common::Instant now) {
  std::deque<common::Instant>& times = failures_[key];
  times.push_back(now);
  while (static_cast<int>(times.size()) > attempts) times.pop_front();
}

void LoginLimiter::prune(common::Instant now) {
  std::erase_if(failures_, [&](const auto& entry) { return entry.second.back() + window_ <= now; });
}

void LoginLimiter::record_failure(const std::string& user, const std::string& address,
                                  common::Instant now) {
  std::lock_guard lock(mutex_);
  if (failures_.size() >= kLimiterPruneAt) prune(now);
  record("user:" + user, user_attempts_, now);
  record("address:" + address, address_attempts_, now);
}

int LoginLimiter::failures_of_user(const std::string& user, common::Instant now) const {
  std::lock_guard lock(mutex_);
  const auto found = failures_.find("user:" + user);
  if (found == failures_.end()) return 0;
  return static_cast<int>(std::count_if(found->second.begin(), found->second.end(),
                                        [&](common::Instant t) { return t + window_ > now; }));
}

}  // namespace vigie::service
