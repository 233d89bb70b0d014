#pragma once
// The `service:` section of the engine config, read by `vigie serve`:
// where to listen, TLS, the data folder, session and login limits, the
// shutdown grace, the demo clock, the campaigns to run and the users.
// Mistakes throw config::ConfigError reading "FILE:LINE:COL: message".

#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "config/config.hpp"

namespace vigie::service {

// A position in the config file, 1-based, for errors found after parsing
// (a team role naming a route that no campaign has).
struct ConfigPosition {
  int line = 0;
  int column = 0;
};

struct TlsFiles {
  std::string certificate;  // PEM, absolute path
  std::string key;          // PEM, absolute path
};

// `clock: {start, speed}`: the service clock starts at `start` and runs at
// `speed` times real time. For demos and tests only.
struct DemoClock {
  // YYYY-MM-DDTHH:MM[:SS] as written. Without a zone it is local to the
  // first campaign's time zone, which is known only once the campaigns
  // are compiled.
  std::string start_text;
  std::optional<common::LocalTime> start_local;  // no zone given
  std::optional<common::Instant> start_utc;      // with Z or an offset
  double speed = 1;
  ConfigPosition position;
};

struct CampaignEntry {
  std::string file;                     // absolute path of the .vigie file
  std::optional<std::string> campaign;  // when the file declares several
  std::optional<std::string> roster;    // replaces the csv source's path
  std::optional<std::string> store;     // default: <data>/<campaign>.db
  ConfigPosition position;
};

enum class Role { agent, supervisor, admin, team };

struct UserRole {
  Role role = Role::agent;
  std::string route;  // for Role::team: the route name of `team:ROUTE`
  ConfigPosition position;
};

struct UserEntry {
  std::string name;
  std::vector<UserRole> roles;
  std::string password_hash;  // $argon2id$...
  ConfigPosition position;
};

struct LoginLimit {
  int attempts = 5;  // failed logins allowed per user name and window
  // Failed logins allowed per remote address and window: higher, because a
  // whole call centre may share one address behind NAT.
  int per_address = 50;
  common::Seconds window{15 * 60};  // the sliding window
};

struct ServiceConfig {
  std::string config_path;  // the engine config file
  std::string config_dir;   // its folder, absolute
  std::string listen = "127.0.0.1";
  int port = 8080;  // 0: any free port
  std::optional<TlsFiles> tls;
  std::string data_dir;                    // absolute
  std::optional<std::string> console_dir;  // absolute; default beside the executable
  common::Seconds session_timeout{8 * 3600};
  common::Seconds idle_timeout{30 * 60};
  LoginLimit login_limit;
  common::Seconds shutdown_grace{20};
  std::optional<DemoClock> clock;
  // Worker threads of the HTTP server. Each open keep-alive connection
  // occupies one thread until it closes or stays idle for keep_alive.
  int threads = 256;
  common::Seconds keep_alive{5};
  common::Seconds hold_timeout{120};  // from `dialer: {plugin: agent_desk, hold_timeout}`
  std::vector<CampaignEntry> campaigns;
  std::vector<UserEntry> users;
  // Settings that work but are likely mistakes, as "FILE:LINE:COL: message";
  // the service logs them at start.
  std::vector<std::string> warnings;
};

// Reads the `service:` section of a loaded engine config, and checks that
// the dialer is agent_desk. Relative paths resolve from the config's folder.
// Throws config::ConfigError.
ServiceConfig read_service_config(const config::EngineConfig& engine);

// Loads the engine config file and reads its service section.
ServiceConfig load_service_config(const std::string& path);

// Formats "FILE:LINE:COL: message" for a mistake found after parsing.
std::string config_error_text(const ServiceConfig& config, ConfigPosition position,
                              const std::string& message);

}  // namespace vigie::service
