// GET /api/status, GET /api/audit, and the unauthenticated GET /healthz and
// GET /metrics.

#include <charconv>

#include "service/api.hpp"
#include "service/api_error.hpp"

namespace vigie::service {

namespace {

constexpr std::size_t kDefaultAuditLines = 100;
constexpr std::size_t kMaxAuditLines = 10000;

void status(Call& call) {
  Json campaigns = Json::array();
  for (const LivePtr& campaign : call.state.campaigns.all()) {
    campaigns.push_back(to_json(campaign->status(call.now())));
  }
  reply_json(call, 200,
             {{"now", iso(call.now())},
              {"campaigns", std::move(campaigns)},
              {"agents_active", call.state.agents.active(call.state.wall_now())}});
}

void audit(Call& call) {
  std::size_t limit = kDefaultAuditLines;
  if (call.request.has_param("limit")) {
    const std::string text = call.request.get_param_value("limit");
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (error != std::errc() || end != text.data() + text.size() || limit < 1 ||
        limit > kMaxAuditLines) {
      throw invalid_request("limit must be a whole number from 1 to 10000, got \"" + text + "\"");
    }
  }

  Json out = Json::array();
  for (const std::string& line : call.state.audit.tail(limit)) {
    try {
      out.push_back(Json::parse(line));
    } catch (const nlohmann::json::parse_error&) {
      // A line cut short by a crash is skipped; the file still has it.
    }
  }
  reply_json(call, 200, out);
}

// The gauges of one campaign, from its status: contacts of the latest
// cycle by state, and attempts by disposition over every cycle.
CampaignGauges gauges_of(const runtime::LiveStatus& status) {
  CampaignGauges gauges;
  gauges.campaign = status.campaign;
  gauges.attempts_by_disposition = status.dispositions;
  gauges.outbox_pending = status.outbox_pending;
  gauges.holds_expired = status.holds_expired;
  if (!status.cycles.empty()) {
    const runtime::CycleStatus& cycle = status.cycles.back();
    gauges.contacts_by_state["not_attempted"] = cycle.contacts - cycle.attempted;
    gauges.contacts_by_state["in_progress"] = cycle.attempted - cycle.decided;
    gauges.contacts_by_state["decided"] = cycle.decided;
  }
  for (const runtime::CycleStatus& cycle : status.cycles) gauges.holds += cycle.held;
  return gauges;
}

void metrics(Call& call) {
  ServiceState& state = call.state;
  std::vector<CampaignGauges> campaigns;
  for (const LivePtr& campaign : state.campaigns.all()) {
    campaigns.push_back(gauges_of(campaign->status(call.now())));
  }
  call.response.status = 200;
  call.response.set_header("Cache-Control", "no-store");
  call.response.set_content(state.metrics.render(campaigns, state.agents.active(state.wall_now()),
                                                 state.alerts.active_count()),
                            "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

void add_supervision_routes(Router& router) {
  router.get("/api/status", "/api/status", Access::supervisor, status);
  router.get("/api/audit", "/api/audit", Access::admin, audit);
  router.get("/healthz", "/healthz", Access::anyone, [](Call& call) {
    if (call.state.stopping) {
      reply_json(call, 503, {{"status", "stopping"}});
    } else {
      reply_json(call, 200, {{"status", "ok"}});
    }
  });
  router.get("/metrics", "/metrics", Access::anyone, metrics);
}

}  // namespace vigie::service
