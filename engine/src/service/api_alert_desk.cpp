// /api/desk/alerts: the intervention teams' desk of fired routes. A team
// user sees and handles the routes of their team:ROUTE roles; supervisors
// and admins see every route.

#include "service/api.hpp"
#include "service/api_error.hpp"

namespace vigie::service {

namespace {

struct StateFilter {
  bool open = true;
  bool acknowledged = true;
  bool closed = false;

  bool keeps(runtime::DeskState state) const {
    switch (state) {
      case runtime::DeskState::open:
        return open;
      case runtime::DeskState::acknowledged:
        return acknowledged;
      case runtime::DeskState::closed:
        return closed;
    }
    return false;
  }
};

StateFilter state_filter(const Call& call) {
  if (!call.request.has_param("state")) return {};
  const std::string state = call.request.get_param_value("state");
  if (state == "open") return {true, false, false};
  if (state == "acknowledged") return {false, true, false};
  if (state == "closed") return {false, false, true};
  if (state == "all") return {true, true, true};
  throw invalid_request("state must be open, acknowledged, closed or all, got \"" + state + "\"");
}

// The alert with its person; null when the person's record is gone (a
// purged cycle).
Json alert_with_person(const runtime::LiveCampaign& campaign, const runtime::DeskAlert& alert) {
  Json out = to_json(alert);
  try {
    out["person"] = to_json(campaign.person(alert.cycle, alert.contact_id));
  } catch (const runtime::LiveError& error) {
    if (error.kind() != runtime::LiveError::Kind::not_found) throw;
    out["person"] = nullptr;
  }
  return out;
}

void list_alerts(Call& call) {
  const StateFilter filter = state_filter(call);
  const Principal& who = call.who();
  const std::set<std::string> routes =
      who.sees_every_route() ? std::set<std::string>() : who.team_routes;

  std::vector<LivePtr> campaigns;
  if (call.request.has_param("campaign")) {
    const std::string name = call.request.get_param_value("campaign");
    LivePtr campaign = call.state.campaigns.find(name);
    if (!campaign) throw ApiError(404, "not_found", "no campaign named " + name);
    campaigns.push_back(std::move(campaign));
  } else {
    campaigns = call.state.campaigns.all();
  }

  Json out = Json::array();
  bool audited = false;
  for (const LivePtr& campaign : campaigns) {
    std::vector<std::string> contacts;
    for (const runtime::DeskAlert& alert : campaign->desk(routes, filter.closed)) {
      if (!filter.keeps(alert.state)) continue;
      out.push_back(alert_with_person(*campaign, alert));
      contacts.push_back(alert.contact_id);
    }
    if (contacts.empty()) continue;
    call.state.record({.action = "desk_list",
                       .user = who.user,
                       .remote = call.remote(),
                       .campaign = campaign->name(),
                       .contacts = std::move(contacts)});
    audited = true;
  }
  if (!audited) {
    // An empty list is a read too.
    call.state.record({.action = "desk_list",
                       .user = who.user,
                       .remote = call.remote(),
                       .contacts = std::vector<std::string>()});
  }
  reply_json(call, 200, out);
}

struct AlertKey {
  std::string campaign;
  int cycle = 1;
  std::string route;
  std::string contact_id;
};

AlertKey alert_key(const Json& body) {
  AlertKey key;
  key.campaign = text_member(body, "campaign");
  const auto cycle = body.find("cycle");
  if (cycle == body.end() || !cycle->is_number_integer() || cycle->get<long long>() < 1 ||
      cycle->get<long long>() > 100000) {
    throw invalid_request("\"cycle\" must be a cycle number from 1");
  }
  key.cycle = cycle->get<int>();
  key.route = text_member(body, "route", 128);
  key.contact_id = text_member(body, "contact_id");
  return key;
}

template <typename Change>
void change_alert(Call& call, const char* action, Change&& change) {
  const AlertKey key = alert_key(call.body());
  const Principal& who = call.who();
  if (!who.may_handle_route(key.route)) {
    throw ApiError(403, "forbidden", "route " + key.route + " is not one of your teams' routes");
  }
  LivePtr campaign = call.state.campaigns.find(key.campaign);
  if (!campaign) throw ApiError(404, "not_found", "no campaign named " + key.campaign);

  change(*campaign, key);

  for (const runtime::DeskAlert& alert : campaign->desk({key.route}, /*include_closed=*/true)) {
    if (alert.cycle != key.cycle || alert.contact_id != key.contact_id) continue;
    call.state.record({.action = action,
                       .user = who.user,
                       .remote = call.remote(),
                       .campaign = key.campaign,
                       .cycle = key.cycle,
                       .contact_id = key.contact_id,
                       .details = {{"route", key.route}}});
    reply_json(call, 200, alert_with_person(*campaign, alert));
    return;
  }
  throw ApiError(404, "not_found", "no alert of route " + key.route + " for this contact");
}

}  // namespace

void add_alert_desk_routes(Router& router) {
  router.get("/api/desk/alerts", "/api/desk/alerts", Access::desk, list_alerts);
  router.post("/api/desk/alerts/ack", "/api/desk/alerts/ack", Access::desk, [](Call& call) {
    change_alert(call, "ack", [&](runtime::LiveCampaign& campaign, const AlertKey& key) {
      campaign.acknowledge(key.cycle, key.route, key.contact_id, call.who().user, call.now());
    });
  });
  router.post("/api/desk/alerts/close", "/api/desk/alerts/close", Access::desk, [](Call& call) {
    change_alert(call, "close", [&](runtime::LiveCampaign& campaign, const AlertKey& key) {
      campaign.close(key.cycle, key.route, key.contact_id, call.who().user, call.now());
    });
  });
}

}  // namespace vigie::service
