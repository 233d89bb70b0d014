#include "service/service_config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <string_view>

#include "common/diagnostic.hpp"

namespace vigie::service {

namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 14> kServiceKeys = {
    "listen",          "port",         "tls",         "data",           "console",
    "session_timeout", "idle_timeout", "login_limit", "shutdown_grace", "clock",
    "threads",         "keep_alive",   "campaigns",   "users"};
constexpr std::array<std::string_view, 4> kCampaignKeys = {"file", "campaign", "roster", "store"};
constexpr std::array<std::string_view, 3> kUserKeys = {"name", "roles", "password"};
constexpr std::array<std::string_view, 2> kTlsKeys = {"certificate", "key"};
constexpr std::array<std::string_view, 3> kLimitKeys = {"attempts", "per", "per_address"};
constexpr std::array<std::string_view, 2> kClockKeys = {"start", "speed"};
constexpr common::Seconds kMinHoldTimeout{60};
constexpr std::array<std::string_view, 2> kDialerKeys = {"plugin", "hold_timeout"};

constexpr std::size_t kMaxUserName = 64;
constexpr std::string_view kArgon2idPrefix = "$argon2id$";

// The PHC string that `vigie passwd` (libsodium crypto_pwhash_str) prints:
// $argon2id$v=19$m=KIB,t=PASSES,p=LANES$SALT$HASH, salt and hash in base64
// without padding.
bool is_argon2id_hash(const std::string& text) {
  static const std::regex form(
      R"(\$argon2id\$v=19\$m=[1-9][0-9]*,t=[1-9][0-9]*,p=[1-9][0-9]*\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+))");
  std::smatch parts;
  if (!std::regex_match(text, parts, form)) return false;
  // A base64 text without padding never has a length of 4n+1.
  return parts.length(1) % 4 != 1 && parts.length(2) % 4 != 1;
}

// Whether a duration text such as "0s", "0m" or "00" is zero, which
// parse_duration rejects like any invalid text.
bool is_zero_duration(const std::string& raw) {
  const bool has_digit = std::any_of(raw.begin(), raw.end(), [](char c) { return c == '0'; });
  return has_digit && std::all_of(raw.begin(), raw.end(), [](char c) {
           return c == '0' || c == 's' || c == 'm' || c == 'h' || c == 'd';
         });
}

bool is_loopback(const std::string& address) {
  return address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "'" + node.Scalar() + "'";
}

template <std::size_t N>
std::string key_list(const std::array<std::string_view, N>& keys) {
  std::string text;
  for (std::string_view key : keys) {
    text += text.empty() ? "" : ", ";
    text += key;
  }
  return text;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// User names appear in the audit log and in cookies' sessions, so they are
// kept to a plain character set.
bool is_user_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserName) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == '@';
  });
}

// Parses Z or +HH:MM / -HH:MM after a local date-time.
std::optional<common::Instant> parse_zoned(std::string_view text) {
  std::size_t zone_at = std::string_view::npos;
  if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) {
    zone_at = text.size() - 1;
  } else if (text.size() > 6 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-') &&
             text[text.size() - 3] == ':') {
    zone_at = text.size() - 6;
  }
  if (zone_at == std::string_view::npos) return std::nullopt;

  const std::optional<common::LocalTime> local =
      common::parse_local_datetime(text.substr(0, zone_at));
  if (!local) return std::nullopt;
  std::chrono::seconds offset{0};
  if (text[zone_at] == '+' || text[zone_at] == '-') {
    int hours = 0;
    int minutes = 0;
    const char* begin = text.data() + zone_at + 1;
    if (std::from_chars(begin, begin + 2, hours).ec != std::errc() ||
        std::from_chars(begin + 3, begin + 5, minutes).ec != std::errc() || hours > 14 ||
        minutes > 59) {
      return std::nullopt;
    }
    offset = std::chrono::hours{hours} + std::chrono::minutes{minutes};
    if (text[zone_at] == '-') offset = -offset;
  }
  return common::Instant{local->time_since_epoch() - offset};
}

class Reader {
 public:
  Reader(const config::EngineConfig& engine, ServiceConfig& config)
      : engine_(engine), config_(config) {}

  void read();

 private:
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const;
  YAML::Mark mark_of(const YAML::Node& node, const YAML::Mark& fallback) const;

  template <std::size_t N>
  void check_keys(const YAML::Node& map, const std::array<std::string_view, N>& keys,
                  const std::string& where) const;
  void read_entry(const std::string& key, const YAML::Node& value, const YAML::Mark& mark);
  void read_dialer();

  std::string text(const std::string& key, const YAML::Node& value, const YAML::Mark& mark) const;
  std::string path(const std::string& key, const YAML::Node& value, const YAML::Mark& mark) const;
  long long integer(const std::string& key, const YAML::Node& value, const YAML::Mark& mark,
                    long long min, long long max) const;
  common::Seconds duration(const std::string& key, const YAML::Node& value, const YAML::Mark& mark,
                           bool allow_zero = false) const;

  TlsFiles read_tls(const YAML::Node& value, const YAML::Mark& mark) const;
  LoginLimit read_login_limit(const YAML::Node& value, const YAML::Mark& mark) const;
  DemoClock read_clock(const YAML::Node& value, const YAML::Mark& mark) const;
  std::vector<CampaignEntry> read_campaigns(const YAML::Node& value, const YAML::Mark& mark) const;
  std::vector<UserEntry> read_users(const YAML::Node& value, const YAML::Mark& mark) const;
  UserEntry read_user(const YAML::Node& value) const;
  UserRole read_role(const YAML::Node& value, const std::string& user) const;

  void add_warnings(const YAML::Mark& section_mark);
  std::string resolve(const std::string& entry) const;

  const config::EngineConfig& engine_;
  ServiceConfig& config_;
};

void Reader::fail(const YAML::Mark& mark, const std::string& message) const {
  // yaml-cpp marks are 0-based; an absent node has line -1, and callers
  // pass a present parent's mark instead.
  const int line = std::max(mark.line, 0) + 1;
  const int column = std::max(mark.column, 0) + 1;
  throw config::ConfigError(engine_.path + ":" + std::to_string(line) + ":" +
                            std::to_string(column) + ": " + message);
}

YAML::Mark Reader::mark_of(const YAML::Node& node, const YAML::Mark& fallback) const {
  const YAML::Mark mark = node.Mark();
  return mark.line < 0 || node.IsNull() ? fallback : mark;
}

template <std::size_t N>
void Reader::check_keys(const YAML::Node& map, const std::array<std::string_view, N>& keys,
                        const std::string& where) const {
  std::map<std::string, int> seen;
  for (const auto& entry : map) {
    const std::string name = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
    if (std::find(keys.begin(), keys.end(), name) == keys.end()) {
      const std::vector<std::string> known(keys.begin(), keys.end());
      const std::string near = common::nearest_name(name, known);
      fail(entry.first.Mark(), "unknown key '" + name + "' in " + where +
                                   (near.empty() ? "; the known keys are " + key_list(keys)
                                                 : "; did you mean '" + near + "'?"));
    }
    if (const auto first = seen.find(name); first != seen.end()) {
      fail(entry.first.Mark(), "duplicate key '" + name + "' in " + where +
                                   "; its first use is on line " + std::to_string(first->second) +
                                   ", keep only one");
    }
    seen.emplace(name, entry.first.Mark().line + 1);
  }
}

void Reader::read() {
  const YAML::Mark section_mark = [&] {
    YAML::Mark mark;
    mark.line = engine_.service_line - 1;
    mark.column = engine_.service_column - 1;
    return mark;
  }();
  const YAML::Node& root = engine_.service;
  // A default YAML::Node counts as defined, so a missing section is the one
  // whose line is 0.
  if (engine_.service_line == 0) {
    fail(YAML::Mark(),
         "no 'service' section; vigie serve needs one with 'campaigns' and 'users' (see "
         "examples/serve.yaml)");
  }
  if (!root.IsMap()) {
    fail(mark_of(root, section_mark),
         "service must be a mapping of settings (listen, port, campaigns, users, ...), got " +
             describe(root));
  }
  check_keys(root, kServiceKeys, "service");

  for (const auto& entry : root) {
    read_entry(entry.first.Scalar(), entry.second, entry.first.Mark());
  }
  if (config_.campaigns.empty()) {
    fail(section_mark,
         "service has no 'campaigns'; add a list such as `campaigns: [{file: canicule.vigie}]`");
  }
  if (config_.users.empty()) {
    fail(section_mark,
         "service has no 'users'; add at least one, with a password hash printed by `vigie "
         "passwd`");
  }
  read_dialer();
  add_warnings(section_mark);
}

// Settings that the service accepts but that are likely mistakes.
void Reader::add_warnings(const YAML::Mark& section_mark) {
  const YAML::Node& root = engine_.service;
  const auto position = [&](const char* key) {
    const YAML::Mark mark = root[key].IsDefined() ? mark_of(root[key], section_mark) : section_mark;
    return engine_.path + ":" + std::to_string(mark.line + 1) + ":" +
           std::to_string(mark.column + 1) + ": ";
  };
  if (config_.idle_timeout > config_.session_timeout) {
    config_.warnings.push_back(position("idle_timeout") +
                               "idle_timeout is longer than session_timeout, so sessions end at "
                               "session_timeout and never by idling; shorten idle_timeout");
  }
  if (!is_loopback(config_.listen) && !config_.tls) {
    config_.warnings.push_back(position("listen") + "listen " + config_.listen +
                               " is not a loopback address and there is no tls, so passwords "
                               "and personal data cross the network unencrypted; add tls");
  }
}

void Reader::read_entry(const std::string& key, const YAML::Node& value, const YAML::Mark& mark) {
  if (key == "listen") {
    config_.listen = text(key, value, mark);
  } else if (key == "port") {
    config_.port = static_cast<int>(integer(key, value, mark, 0, 65535));
  } else if (key == "tls") {
    config_.tls = read_tls(value, mark);
  } else if (key == "data") {
    config_.data_dir = path(key, value, mark);
  } else if (key == "console") {
    config_.console_dir = path(key, value, mark);
  } else if (key == "session_timeout") {
    config_.session_timeout = duration(key, value, mark);
  } else if (key == "idle_timeout") {
    config_.idle_timeout = duration(key, value, mark);
  } else if (key == "login_limit") {
    config_.login_limit = read_login_limit(value, mark);
  } else if (key == "shutdown_grace") {
    config_.shutdown_grace = duration(key, value, mark, /*allow_zero=*/true);
  } else if (key == "clock") {
    config_.clock = read_clock(value, mark);
  } else if (key == "threads") {
    config_.threads = static_cast<int>(integer(key, value, mark, 4, 10000));
  } else if (key == "keep_alive") {
    config_.keep_alive = duration(key, value, mark);
  } else if (key == "campaigns") {
    config_.campaigns = read_campaigns(value, mark);
  } else if (key == "users") {
    config_.users = read_users(value, mark);
  }
}

// The service places calls through agents only, so the config must select
// the agent_desk dialer; its hold_timeout is the service's to read.
void Reader::read_dialer() {
  const std::string fix = "vigie serve needs `dialer: {plugin: agent_desk, hold_timeout: 2m}`";
  if (!engine_.dialer) fail(YAML::Mark(), "no 'dialer' in the config; " + fix);

  const config::Instance& dialer = *engine_.dialer;
  YAML::Mark mark;
  mark.line = dialer.line - 1;
  mark.column = dialer.column - 1;
  if (dialer.plugin != "agent_desk") {
    fail(mark, "the dialer is '" + dialer.plugin + "'; " + fix +
                   " (the simulated and replay dialers are for vigie run)");
  }
  check_keys(dialer.node, kDialerKeys, "the agent_desk dialer");
  const YAML::Node hold = dialer.node["hold_timeout"];
  if (!hold.IsDefined()) return;
  config_.hold_timeout = duration("hold_timeout", hold, mark);
  // The console renews a hold every 20 s, so a shorter timeout would let a
  // hold expire between two renewals after one lost request.
  if (config_.hold_timeout < kMinHoldTimeout) {
    fail(mark_of(hold, mark),
         "hold_timeout must be at least 60s, because the console renews a "
         "hold every 20s, got " +
             hold.Scalar() + "; set hold_timeout: 2m");
  }
}

std::string Reader::text(const std::string& key, const YAML::Node& value,
                         const YAML::Mark& mark) const {
  if (!value.IsScalar()) fail(mark_of(value, mark), key + " must be text, got " + describe(value));
  if (value.Scalar().empty()) fail(mark_of(value, mark), key + " must not be empty");
  return value.Scalar();
}

std::string Reader::path(const std::string& key, const YAML::Node& value,
                         const YAML::Mark& mark) const {
  return resolve(text(key, value, mark));
}

long long Reader::integer(const std::string& key, const YAML::Node& value, const YAML::Mark& mark,
                          long long min, long long max) const {
  const std::string raw = value.IsScalar() ? value.Scalar() : std::string();
  long long number = 0;
  const auto [end, error] = std::from_chars(raw.data(), raw.data() + raw.size(), number);
  if (raw.empty() || error != std::errc() || end != raw.data() + raw.size()) {
    fail(mark_of(value, mark), key + " must be a whole number, got " + describe(value));
  }
  if (number < min || number > max) {
    fail(mark_of(value, mark), key + " must be between " + std::to_string(min) + " and " +
                                   std::to_string(max) + ", got " + raw);
  }
  return number;
}

common::Seconds Reader::duration(const std::string& key, const YAML::Node& value,
                                 const YAML::Mark& mark, bool allow_zero) const {
  const std::string raw = value.IsScalar() ? value.Scalar() : std::string();
  if (is_zero_duration(raw)) {
    if (allow_zero) return common::Seconds{0};
    fail(mark_of(value, mark),
         key + " must be above zero, such as 90s, 30m or 8h, got '" + raw + "'");
  }
  const std::optional<common::Seconds> parsed = common::parse_duration(raw);
  if (!parsed) {
    fail(mark_of(value, mark),
         key + " must be a duration such as 90s, 30m, 8h or 1h30m, got " + describe(value));
  }
  return *parsed;
}

TlsFiles Reader::read_tls(const YAML::Node& value, const YAML::Mark& mark) const {
  if (!value.IsMap()) {
    fail(mark_of(value, mark),
         "tls must be a mapping `{certificate: FILE, key: FILE}`, got " + describe(value));
  }
  check_keys(value, kTlsKeys, "tls");

  TlsFiles files;
  for (const char* key : {"certificate", "key"}) {
    const YAML::Node file = value[key];
    if (!file.IsDefined()) {
      fail(mark_of(value, mark), std::string("tls has no '") + key + "'; give the PEM file's path");
    }
    const std::string resolved = path(std::string("tls ") + key, file, mark);
    std::error_code error;
    if (!fs::is_regular_file(resolved, error)) {
      fail(mark_of(file, mark), std::string("tls ") + key + " file " + resolved +
                                    " not found; check the path (relative to the config file)");
    }
    (std::string(key) == "key" ? files.key : files.certificate) = resolved;
  }
  return files;
}

LoginLimit Reader::read_login_limit(const YAML::Node& value, const YAML::Mark& mark) const {
  if (!value.IsMap()) {
    fail(mark_of(value, mark),
         "login_limit must be a mapping such as `{attempts: 5, per: 15m, per_address: 50}`, got " +
             describe(value));
  }
  check_keys(value, kLimitKeys, "login_limit");

  LoginLimit limit;
  if (value["attempts"].IsDefined()) {
    limit.attempts =
        static_cast<int>(integer("login_limit attempts", value["attempts"], mark, 1, 1000));
  }
  if (value["per"].IsDefined()) limit.window = duration("login_limit per", value["per"], mark);
  if (value["per_address"].IsDefined()) {
    limit.per_address =
        static_cast<int>(integer("login_limit per_address", value["per_address"], mark, 1, 100000));
  }
  return limit;
}

DemoClock Reader::read_clock(const YAML::Node& value, const YAML::Mark& mark) const {
  if (!value.IsMap()) {
    fail(mark_of(value, mark),
         "clock must be a mapping such as `{start: \"2019-06-24T10:00\", speed: 1}`, got " +
             describe(value));
  }
  check_keys(value, kClockKeys, "clock");

  DemoClock clock;
  clock.position = {mark.line + 1, mark.column + 1};
  const YAML::Node start = value["start"];
  if (!start.IsDefined()) {
    fail(mark_of(value, mark), "clock has no 'start'; give `start: \"2019-06-24T10:00\"`");
  }
  clock.start_text = text("clock start", start, mark);
  clock.start_utc = parse_zoned(clock.start_text);
  if (!clock.start_utc) clock.start_local = common::parse_local_datetime(clock.start_text);
  if (!clock.start_utc && !clock.start_local) {
    fail(mark_of(start, mark),
         "clock start must be YYYY-MM-DDTHH:MM, local to the first "
         "campaign's time zone, or end with Z or +HH:MM; got '" +
             clock.start_text + "'");
  }

  const YAML::Node speed = value["speed"];
  if (speed.IsDefined()) {
    const std::string raw = speed.IsScalar() ? speed.Scalar() : std::string();
    double parsed = 0;
    const auto [end, error] = std::from_chars(raw.data(), raw.data() + raw.size(), parsed);
    if (raw.empty() || error != std::errc() || end != raw.data() + raw.size() ||
        !std::isfinite(parsed) || parsed <= 0 || parsed > 100000) {
      fail(mark_of(speed, mark),
           "clock speed must be a number above 0 and at most 100000 (1 is real time), got " +
               describe(speed));
    }
    clock.speed = parsed;
  }
  return clock;
}

std::vector<CampaignEntry> Reader::read_campaigns(const YAML::Node& value,
                                                  const YAML::Mark& mark) const {
  if (!value.IsSequence() || value.size() == 0) {
    fail(mark_of(value, mark),
         "campaigns must be a list such as `- file: canicule.vigie`, got " + describe(value));
  }

  std::vector<CampaignEntry> entries;
  for (const YAML::Node& item : value) {
    if (!item.IsMap()) {
      std::string hint;
      if (item.IsScalar()) hint = "; write `- file: " + item.Scalar() + "`";
      fail(mark_of(item, mark),
           "each campaign must be a mapping with a 'file' key, got " + describe(item) + hint);
    }
    check_keys(item, kCampaignKeys, "a campaign entry");

    CampaignEntry entry;
    entry.position = {item.Mark().line + 1, item.Mark().column + 1};
    if (!item["file"].IsDefined()) {
      fail(item.Mark(), "this campaign entry has no 'file'; give the .vigie file's path");
    }
    entry.file = path("campaign file", item["file"], item.Mark());
    std::error_code error;
    if (!fs::is_regular_file(entry.file, error)) {
      fail(item["file"].Mark(), "campaign file " + entry.file +
                                    " not found; check the path (relative to the config file)");
    }
    if (item["campaign"].IsDefined()) {
      entry.campaign = text("campaign", item["campaign"], item.Mark());
    }
    if (item["roster"].IsDefined()) {
      entry.roster = path("roster", item["roster"], item.Mark());
      if (!fs::is_regular_file(*entry.roster, error)) {
        fail(item["roster"].Mark(), "roster " + *entry.roster +
                                        " not found; check the path (relative to the config file)");
      }
    }
    if (item["store"].IsDefined()) {
      const std::string store = text("store", item["store"], item.Mark());
      // A URL is kept as written; a SQLite path resolves like other paths.
      entry.store = store.find("://") != std::string::npos ? store : resolve(store);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<UserEntry> Reader::read_users(const YAML::Node& value, const YAML::Mark& mark) const {
  if (!value.IsSequence() || value.size() == 0) {
    fail(mark_of(value, mark),
         "users must be a list such as `- {name: agent1, roles: [agent], password: "
         "\"$argon2id$...\"}`"
         ", got " +
             describe(value));
  }

  std::vector<UserEntry> users;
  // Lower-case name -> index in `users`. Names that differ only by case
  // would look alike in the audit log.
  std::map<std::string, std::size_t> seen;
  for (const YAML::Node& item : value) {
    UserEntry user = read_user(item);
    std::string folded = user.name;
    std::transform(folded.begin(), folded.end(), folded.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (const auto first = seen.find(folded); first != seen.end()) {
      const UserEntry& earlier = users[first->second];
      const std::string line = std::to_string(earlier.position.line);
      if (earlier.name == user.name) {
        fail(item["name"].Mark(), "duplicate user '" + user.name +
                                      "'; its first entry is on line " + line + ", keep only one");
      }
      fail(item["name"].Mark(),
           "users '" + earlier.name + "' (line " + line + ") and '" + user.name + "' (line " +
               std::to_string(item["name"].Mark().line + 1) + ") differ only by case; rename one");
    }
    seen.emplace(folded, users.size());
    users.push_back(std::move(user));
  }
  return users;
}

UserEntry Reader::read_user(const YAML::Node& item) const {
  if (!item.IsMap()) {
    fail(item.Mark(),
         "each user must be a mapping with name, roles and password, got " + describe(item));
  }
  check_keys(item, kUserKeys, "a user entry");

  UserEntry user;
  user.position = {item.Mark().line + 1, item.Mark().column + 1};
  for (const char* key : {"name", "roles", "password"}) {
    if (!item[key].IsDefined()) {
      fail(item.Mark(),
           std::string("this user has no '") + key + "'; give name, roles and password");
    }
  }

  user.name = text("user name", item["name"], item.Mark());
  if (!is_user_name(user.name)) {
    fail(item["name"].Mark(),
         "user name '" + user.name + "' is invalid; use 1 to 64 letters, digits and _ - . @");
  }

  const YAML::Node roles = item["roles"];
  if (roles.IsSequence() && roles.size() == 0) {
    fail(mark_of(roles, item.Mark()), "roles of user " + user.name +
                                          " must not be empty; give at least one role, such as "
                                          "[agent]");
  }
  if (!roles.IsSequence()) {
    fail(mark_of(roles, item.Mark()),
         "roles of user " + user.name +
             " must be a list such as [agent], [supervisor], [admin] or [team:ROUTE], got " +
             describe(roles));
  }
  for (const YAML::Node& role : roles) user.roles.push_back(read_role(role, user.name));

  user.password_hash = text("password of user " + user.name, item["password"], item.Mark());
  if (user.password_hash.rfind(kArgon2idPrefix, 0) != 0) {
    fail(item["password"].Mark(),
         "password of user " + user.name +
             " is not an Argon2id hash (it must start with $argon2id$); never write a "
             "clear password here, run `vigie passwd` and paste the line it prints");
  }
  if (!is_argon2id_hash(user.password_hash)) {
    fail(item["password"].Mark(),
         "password of user " + user.name +
             " is not a whole Argon2id hash ($argon2id$v=19$m=..,t=..,p=..$SALT$HASH); it may "
             "be cut short, so paste the whole line that `vigie passwd` prints");
  }
  return user;
}

UserRole Reader::read_role(const YAML::Node& value, const std::string& user) const {
  const std::string raw = value.IsScalar() ? value.Scalar() : std::string();
  UserRole role;
  role.position = {value.Mark().line + 1, value.Mark().column + 1};
  if (raw == "agent") {
    role.role = Role::agent;
  } else if (raw == "supervisor") {
    role.role = Role::supervisor;
  } else if (raw == "admin") {
    role.role = Role::admin;
  } else if (raw.rfind("team:", 0) == 0 && is_identifier(raw.substr(5))) {
    role.role = Role::team;
    role.route = raw.substr(5);
  } else {
    fail(value.Mark(), "unknown role " + describe(value) + " of user " + user +
                           "; the roles are agent, supervisor, admin and team:ROUTE (a route "
                           "name of a campaign, such as team:urgence)");
  }
  return role;
}

std::string Reader::resolve(const std::string& entry) const {
  const fs::path file(entry);
  if (file.is_absolute()) return file.lexically_normal().string();
  return (fs::path(config_.config_dir) / file).lexically_normal().string();
}

}  // namespace

ServiceConfig read_service_config(const config::EngineConfig& engine) {
  ServiceConfig config;
  config.config_path = engine.path;
  std::error_code error;
  const fs::path absolute = fs::absolute(engine.dir, error);
  config.config_dir = (error ? fs::path(engine.dir) : absolute).lexically_normal().string();
  config.data_dir = (fs::path(config.config_dir) / "serve-data").lexically_normal().string();

  Reader(engine, config).read();
  return config;
}

ServiceConfig load_service_config(const std::string& path) {
  return read_service_config(config::load_config(path));
}

std::string config_error_text(const ServiceConfig& config, ConfigPosition position,
                              const std::string& message) {
  return config.config_path + ":" + std::to_string(std::max(position.line, 1)) + ":" +
         std::to_string(std::max(position.column, 1)) + ": " + message;
}

}  // namespace vigie::service
