// /api/alerts: the city's alerts, which start and stop the campaigns' cycles.

#include <optional>
#include <set>
#include <string>

#include "runtime/run.hpp"
#include "service/api.hpp"
#include "service/api_error.hpp"
#include "service/log.hpp"

namespace vigie::service {

namespace {

constexpr std::int64_t kMaxLevel = 100;

void list_alerts(Call& call) {
  Json out = Json::array();
  for (const AlertRecord& alert : call.state.alerts.list()) out.push_back(to_json(alert));
  reply_json(call, 200, out);
}

// The cycles that an alert started, and the campaigns whose cycle failed to start.
struct AppliedAlert {
  Json started = Json::array();  // [{"campaign","cycle"}]
  Json failed = Json::array();   // [{"campaign","message"}]
};

// Applies an alert's new state to every campaign. A campaign that fails is
// logged and listed, and the others still get the alert.
AppliedAlert apply_to_campaigns(ServiceState& state, const AlertRecord& alert,
                                common::Instant now) {
  AppliedAlert applied;
  for (const LivePtr& campaign : state.campaigns.all()) {
    try {
      const std::optional<int> cycle = campaign->apply_alert(alert_level(alert), now);
      if (cycle) {
        applied.started.push_back({{"campaign", campaign->name()}, {"cycle", *cycle}});
        log_info("cycle started",
                 {{"campaign", campaign->name()}, {"cycle", *cycle}, {"alert", alert.name}});
      }
    } catch (const runtime::RunError& error) {
      // The message names the register file and the fix, which the
      // supervisor needs; the campaign retries the start on its own.
      applied.failed.push_back({{"campaign", campaign->name()}, {"message", error.what()}});
      log_error("cycle start failed",
                {{"campaign", campaign->name()}, {"alert", alert.name}, {"error", error.what()}});
    } catch (const std::exception& error) {
      applied.failed.push_back(
          {{"campaign", campaign->name()},
           {"message", "applying the alert failed; the service log has the error"}});
      log_error("applying an alert failed",
                {{"campaign", campaign->name()}, {"alert", alert.name}, {"error", error.what()}});
    }
  }
  return applied;
}

// Rejects an alert that no loaded campaign's `trigger alert` line names, so
// that a typo ("Canicule" for "canicule") does not pass for a raised alert.
void check_listened(const ServiceState& state, const std::string& name) {
  std::set<std::string> listened;
  for (const LivePtr& campaign : state.campaigns.all()) {
    const std::optional<ir::Trigger>& trigger = campaign->campaign().trigger;
    if (trigger) listened.insert(trigger->alert);
  }
  if (listened.count(name) != 0) return;

  if (listened.empty()) {
    throw invalid_request(
        "no loaded campaign has a `trigger alert` line, so no alert starts a "
        "cycle; load a campaign that has one");
  }
  std::string names;
  for (const std::string& known : listened) names += (names.empty() ? "" : ", ") + known;
  throw invalid_request("no loaded campaign listens to alert \"" + name +
                        "\"; the campaigns listen to: " + names);
}

void raise_alert(Call& call) {
  ServiceState& state = call.state;
  const Json body = call.body();
  const std::string name = text_member(body, "name", 64);
  // The message never repeats the name, because a NUL or a bidi control in
  // it would cut or reorder the message.
  if (const std::optional<std::string> problem = alert_name_problem(name)) {
    throw invalid_request("the alert name " + *problem +
                          "; use the name of a campaign's `trigger alert` line");
  }
  check_listened(state, name);
  const auto level = body.find("level");
  if (level == body.end() || !level->is_number_integer() || level->get<std::int64_t>() < 0 ||
      level->get<std::int64_t>() > kMaxLevel) {
    throw invalid_request("\"level\" must be a whole number from 0 to 100");
  }

  AppliedAlert applied;
  AlertRecord alert;
  {
    std::lock_guard lock(state.alert_changes);
    alert = state.alerts.raise(name, level->get<std::int64_t>(), call.who().user, call.now());
    applied = apply_to_campaigns(state, alert, call.now());
  }
  state.record({.action = "alert_raise",
                .user = call.who().user,
                .remote = call.remote(),
                .details = {{"alert", name}, {"level", std::to_string(alert.level)}}});
  log_info("alert raised", {{"alert", name},
                            {"level", alert.level},
                            {"cycles_started", static_cast<long long>(applied.started.size())},
                            {"cycles_failed", static_cast<long long>(applied.failed.size())}});
  reply_json(call, 200,
             {{"alert", to_json(alert)},
              {"cycles_started", applied.started},
              {"cycles_failed", applied.failed}});
}

void end_alert(Call& call) {
  ServiceState& state = call.state;
  const std::string name = call.match(1);
  AlertRecord alert;
  {
    std::lock_guard lock(state.alert_changes);
    alert = state.alerts.end(name, call.now());
    apply_to_campaigns(state, alert, call.now());
  }
  state.record({.action = "alert_end",
                .user = call.who().user,
                .remote = call.remote(),
                .details = {{"alert", name}}});
  log_info("alert ended", {{"alert", name}});
  reply_json(call, 200, {{"alert", to_json(alert)}});
}

}  // namespace

void add_alert_routes(Router& router) {
  router.get("/api/alerts", "/api/alerts", Access::logged_in, list_alerts);
  router.post("/api/alerts", "/api/alerts", Access::supervisor, raise_alert);
  router.del("/api/alerts/([^/]+)", "/api/alerts/{name}", Access::supervisor, end_alert);
}

}  // namespace vigie::service
