#pragma once
// What the routes of `vigie serve` share: the config, the clocks, users
// and sessions, the audit log, metrics, alerts and the live campaigns.
// Internal to service/.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "runtime/live.hpp"
#include "service/alerts.hpp"
#include "service/audit.hpp"
#include "service/auth.hpp"
#include "service/metrics.hpp"
#include "service/service_config.hpp"

namespace vigie::service {

using LivePtr = std::shared_ptr<runtime::LiveCampaign>;

// The live campaigns, in config order; campaigns loaded through the API
// come after.
class CampaignSet {
 public:
  std::vector<LivePtr> all() const;
  LivePtr find(const std::string& name) const;  // nullptr when absent
  // Throws runtime::LiveError conflict when a campaign of that name runs.
  void add(LivePtr campaign);
  void clear();

 private:
  mutable std::shared_mutex mutex_;
  std::vector<LivePtr> campaigns_;
};

// Agents seen on the desk, for the "agents active" counts.
class AgentActivity {
 public:
  static constexpr common::Seconds kWindow{5 * 60};
  void seen(const std::string& agent, common::Instant now);
  std::size_t active(common::Instant now) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, common::Instant> last_seen_;
};

// One mutex per agent, so that two "next" requests of one agent (a double
// click) cannot take two contacts in two campaigns.
class AgentLocks {
 public:
  std::shared_ptr<std::mutex> of(const std::string& agent);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<std::mutex>> locks_;
};

// The campaign that handed out each hold token, so that heartbeat, settle
// and submit reach it directly and its errors come back unchanged.
class HoldIndex {
 public:
  static constexpr std::size_t kMaxTokens = 100000;
  void remember(const std::string& token, const std::string& campaign);
  std::optional<std::string> campaign_of(const std::string& token) const;
  void forget(const std::string& token);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> campaigns_;
};

struct ServiceState {
  ServiceState(ServiceConfig service_config, std::function<common::Instant()> campaign_clock,
               std::function<common::Instant()> wall_clock);

  ServiceConfig config;
  std::function<common::Instant()> campaign_now;  // the service clock (demo clock or system)
  std::function<common::Instant()> wall_now;      // real time: sessions, limits, audit

  UserDirectory users;
  SessionStore sessions;
  LoginLimiter limiter;
  AuditLog audit;
  Metrics metrics;
  AlertBook alerts;
  std::mutex alert_changes;  // a change and its application to campaigns, one at a time
  CampaignSet campaigns;
  AgentActivity agents;
  AgentLocks agent_locks;
  HoldIndex holds;
  std::atomic<bool> stopping{false};

  // Writes an audit line stamped with wall time.
  void record(const AuditEntry& entry);
};

// The live engine's view of an alert.
runtime::AlertLevel alert_level(const AlertRecord& alert);

// Compiles the file of `entry` and returns the name of the campaign it
// runs. Throws runtime::CampaignError when the file has errors and
// runtime::RunError when the entry names no single campaign.
std::string campaign_name_of(const ServiceConfig& config, const CampaignEntry& entry);

// Opens campaign `name` of `entry` live, with its store in the data folder
// unless the entry gives one. Throws runtime::CampaignError or
// runtime::RunError.
LivePtr open_campaign(const ServiceConfig& config, const CampaignEntry& entry,
                      const std::string& name);

}  // namespace vigie::service
