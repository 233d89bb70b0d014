// /api/alerts: the city's alerts, which start and stop the campaigns' cycles.

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

// Applies an alert's new state to every campaign; returns the cycles that
// started. A campaign that fails is logged and the others still get it.
Json apply_to_campaigns(ServiceState& state, const AlertRecord& alert, common::Instant now) {
  Json started = Json::array();
  for (const LivePtr& campaign : state.campaigns.all()) {
    try {
      const std::optional<int> cycle = campaign->apply_alert(alert_level(alert), now);
      if (cycle) {
        started.push_back({{"campaign", campaign->name()}, {"cycle", *cycle}});
        log_info("cycle started",
                 {{"campaign", campaign->name()}, {"cycle", *cycle}, {"alert", alert.name}});
      }
    } catch (const std::exception& error) {
      log_error("applying an alert failed",
                {{"campaign", campaign->name()}, {"alert", alert.name}, {"error", error.what()}});
    }
  }
  return started;
}

void raise_alert(Call& call) {
  ServiceState& state = call.state;
  const Json body = call.body();
  const std::string name = text_member(body, "name", 64);
  if (!is_alert_name(name)) {
    throw invalid_request("alert name \"" + name +
                          "\" is invalid; use the name of a campaign's `trigger alert` line");
  }
  const auto level = body.find("level");
  if (level == body.end() || !level->is_number_integer() || level->get<std::int64_t>() < 0 ||
      level->get<std::int64_t>() > kMaxLevel) {
    throw invalid_request("\"level\" must be a whole number from 0 to 100");
  }

  Json started;
  AlertRecord alert;
  {
    std::lock_guard lock(state.alert_changes);
    alert = state.alerts.raise(name, level->get<std::int64_t>(), call.who().user, call.now());
    started = apply_to_campaigns(state, alert, call.now());
  }
  state.record({.action = "alert_raise",
                .user = call.who().user,
                .remote = call.remote(),
                .details = {{"alert", name}, {"level", std::to_string(alert.level)}}});
  log_info("alert raised", {{"alert", name},
                            {"level", alert.level},
                            {"cycles_started", static_cast<long long>(started.size())}});
  reply_json(call, 200, {{"alert", to_json(alert)}, {"cycles_started", started}});
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
