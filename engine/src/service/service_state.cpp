#include "service/service_state.hpp"

#include <algorithm>
#include <filesystem>

#include "check/compiler.hpp"
#include "runtime/run.hpp"

namespace vigie::service {

namespace fs = std::filesystem;

std::vector<LivePtr> CampaignSet::all() const {
  std::shared_lock lock(mutex_);
  return campaigns_;
}

LivePtr CampaignSet::find(const std::string& name) const {
  std::shared_lock lock(mutex_);
  for (const LivePtr& campaign : campaigns_) {
    if (campaign->name() == name) return campaign;
  }
  return nullptr;
}

void CampaignSet::add(LivePtr campaign) {
  std::unique_lock lock(mutex_);
  for (const LivePtr& existing : campaigns_) {
    if (existing->name() == campaign->name()) {
      throw runtime::LiveError(runtime::LiveError::Kind::conflict,
                               "a campaign named " + campaign->name() + " is already running");
    }
  }
  campaigns_.push_back(std::move(campaign));
}

void CampaignSet::clear() {
  std::unique_lock lock(mutex_);
  campaigns_.clear();
}

void AgentActivity::seen(const std::string& agent, common::Instant now) {
  std::lock_guard lock(mutex_);
  last_seen_[agent] = now;
}

std::size_t AgentActivity::active(common::Instant now) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(last_seen_.begin(), last_seen_.end(),
                    [&](const auto& entry) { return entry.second + kWindow > now; }));
}

std::shared_ptr<std::mutex> AgentLocks::of(const std::string& agent) {
  std::lock_guard lock(mutex_);
  std::shared_ptr<std::mutex>& found = locks_[agent];
  if (!found) found = std::make_shared<std::mutex>();
  return found;
}

void HoldIndex::remember(const std::string& token, const std::string& campaign) {
  std::lock_guard lock(mutex_);
  // Tokens of holds that expired are never forgotten one by one; past the
  // limit the index starts again, and unknown tokens are looked up in
  // every campaign.
  if (campaigns_.size() >= kMaxTokens) campaigns_.clear();
  campaigns_[token] = campaign;
}

std::optional<std::string> HoldIndex::campaign_of(const std::string& token) const {
  std::lock_guard lock(mutex_);
  const auto found = campaigns_.find(token);
  if (found == campaigns_.end()) return std::nullopt;
  return found->second;
}

void HoldIndex::forget(const std::string& token) {
  std::lock_guard lock(mutex_);
  campaigns_.erase(token);
}

ServiceState::ServiceState(ServiceConfig service_config,
                           std::function<common::Instant()> campaign_clock,
                           std::function<common::Instant()> wall_clock)
    : config(std::move(service_config)),
      campaign_now(std::move(campaign_clock)),
      wall_now(std::move(wall_clock)),
      users(config.users),
      sessions(config.session_timeout, config.idle_timeout),
      limiter(config.login_limit.attempts, config.login_limit.per_address,
              config.login_limit.window),
      audit((fs::path(config.data_dir) / "audit.jsonl").string()),
      alerts((fs::path(config.data_dir) / "alerts.json").string()) {}

void ServiceState::record(const AuditEntry& entry) {
  audit.write(entry, wall_now());
}

runtime::AlertLevel alert_level(const AlertRecord& alert) {
  runtime::AlertLevel level;
  level.name = alert.name;
  level.level = alert.level;
  level.active = alert.active;
  level.raised_at = alert.raised_at;
  return level;
}

std::string campaign_name_of(const ServiceConfig& config, const CampaignEntry& entry) {
  // The store is named after the campaign, so compile once to learn which
  // campaign the file declares.
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module = check::compile_file(entry.file, sources, diagnostics);
  if (diagnostics.has_errors()) {
    throw runtime::CampaignError(std::move(diagnostics), std::move(sources));
  }

  std::string name;
  if (entry.campaign) {
    const bool found =
        std::any_of(module.campaigns.begin(), module.campaigns.end(),
                    [&](const ir::Campaign& c) { return c.name == *entry.campaign; });
    if (!found) {
      throw runtime::RunError(config_error_text(
          config, entry.position,
          entry.file + " declares no campaign named " + *entry.campaign + "; check 'campaign'"));
    }
    name = *entry.campaign;
  } else if (module.campaigns.size() == 1) {
    name = module.campaigns.front().name;
  } else if (module.campaigns.empty()) {
    throw runtime::RunError(config_error_text(config, entry.position,
                                              entry.file + " declares no campaign; give the "
                                                           "file that declares `campaign NAME`"));
  } else {
    std::string names;
    for (const ir::Campaign& campaign : module.campaigns) {
      names += (names.empty() ? "" : ", ") + campaign.name;
    }
    throw runtime::RunError(
        config_error_text(config, entry.position,
                          entry.file + " declares " + std::to_string(module.campaigns.size()) +
                              " campaigns (" + names + "); add `campaign: NAME` to this entry"));
  }
  return name;
}

LivePtr open_campaign(const ServiceConfig& config, const CampaignEntry& entry,
                      const std::string& name) {
  runtime::LiveOptions options;
  options.campaign_path = entry.file;
  options.campaign_name = name;
  options.config_path = config.config_path;
  options.roster_path = entry.roster;
  options.store_url =
      entry.store ? *entry.store : (fs::path(config.data_dir) / (name + ".db")).string();
  options.out_dir = config.data_dir;
  options.hold_timeout = config.hold_timeout;
  return std::make_shared<runtime::LiveCampaign>(options);
}

}  // namespace vigie::service
