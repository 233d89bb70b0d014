// /api/desk/{next,current,heartbeat,settle,submit}: the agent desk.
//
// With several campaigns, an agent holds at most one contact at a time:
// "next" first looks for the agent's hold in every campaign, then asks each
// campaign in config order. A token goes to the campaign that handed it
// out, or, when the service does not know it, to every campaign until one
// knows it.

#include "service/api.hpp"
#include "service/api_error.hpp"
#include "service/log.hpp"

namespace vigie::service {

namespace {

// Writes one audit line per person shown to the agent.
void audit_handout(Call& call, const runtime::Handout& handout) {
  for (const runtime::PersonRecord& person : handout.people) {
    call.state.record({.action = "handout",
                       .user = call.who().user,
                       .remote = call.remote(),
                       .campaign = handout.campaign,
                       .cycle = handout.cycle,
                       .contact_id = person.contact_id});
  }
}

void reply_handout(Call& call, const char* status, const runtime::Handout& handout) {
  call.state.holds.remember(handout.token, handout.campaign);
  audit_handout(call, handout);
  reply_json(call, 200, {{"status", status}, {"handout", to_json(handout)}});
}

void next(Call& call) {
  ServiceState& state = call.state;
  const std::string& agent = call.who().user;
  if (state.stopping) {
    throw ApiError(503, "stopping", "the service is stopping; no new contact is handed out");
  }

  const std::shared_ptr<std::mutex> agent_lock = state.agent_locks.of(agent);
  std::lock_guard lock(*agent_lock);
  const std::vector<LivePtr> campaigns = state.campaigns.all();
  for (const LivePtr& campaign : campaigns) {
    if (std::optional<runtime::Handout> held = campaign->current(agent, call.now())) {
      reply_handout(call, "already_holding", *held);
      return;
    }
  }

  bool nothing_due = false;
  bool stopping = false;
  std::optional<common::Instant> next_due;
  for (const LivePtr& campaign : campaigns) {
    runtime::NextResult result = campaign->next(agent, call.now());
    switch (result.status) {
      case runtime::NextStatus::handed:
        reply_handout(call, "handed", *result.handout);
        return;
      case runtime::NextStatus::already_holding:
        reply_handout(call, "already_holding", *result.handout);
        return;
      case runtime::NextStatus::nothing_due:
        nothing_due = true;
        if (result.next_due && (!next_due || *result.next_due < *next_due)) {
          next_due = result.next_due;
        }
        break;
      case runtime::NextStatus::no_active_cycle:
        break;
      case runtime::NextStatus::stopping:
        stopping = true;
        break;
    }
  }

  if (stopping && !nothing_due) {
    throw ApiError(503, "stopping", "the service is stopping; no new contact is handed out");
  }
  if (nothing_due) {
    reply_json(call, 200, {{"status", "nothing_due"}, {"next_due", iso_or_null(next_due)}});
    return;
  }
  reply_json(call, 200, {{"status", "no_active_cycle"}});
}

void current(Call& call) {
  const std::string& agent = call.who().user;
  for (const LivePtr& campaign : call.state.campaigns.all()) {
    if (std::optional<runtime::Handout> held = campaign->current(agent, call.now())) {
      call.state.holds.remember(held->token, held->campaign);
      audit_handout(call, *held);
      reply_json(call, 200, {{"handout", to_json(*held)}});
      return;
    }
  }
  reply_json(call, 200, {{"handout", nullptr}});
}

// Runs `action` on the campaign that handed out the token. For a token
// missing from the index, not_found from a campaign means "not mine" and
// any other error goes back to the client.
template <typename Action>
void with_hold(Call& call, const std::string& token, Action&& action) {
  if (const std::optional<std::string> name = call.state.holds.campaign_of(token)) {
    if (LivePtr campaign = call.state.campaigns.find(*name)) {
      action(*campaign);
      return;
    }
  }
  for (const LivePtr& campaign : call.state.campaigns.all()) {
    try {
      action(*campaign);
      return;
    } catch (const runtime::LiveError& error) {
      if (error.kind() != runtime::LiveError::Kind::not_found) throw;
    }
  }
  throw ApiError(404, "not_found",
                 "no hold with this token: it expired or was submitted; ask for the next contact");
}

void heartbeat(Call& call) {
  const std::string token = text_member(call.body(), "token");
  with_hold(call, token, [&](runtime::LiveCampaign& campaign) {
    const common::Instant expires = campaign.heartbeat(call.who().user, token, call.now());
    reply_json(call, 200, {{"expires_at", iso(expires)}});
  });
}

void settle(Call& call) {
  const Json body = call.body();
  const std::string token = text_member(body, "token");
  const std::string contact_id = text_member(body, "contact_id");
  const std::vector<Answer> draft = parse_answers(body, "");
  with_hold(call, token, [&](runtime::LiveCampaign& campaign) {
    const runtime::SettleResult settled =
        campaign.settle(call.who().user, token, contact_id, draft, call.now());
    reply_json(call, 200, to_json(settled));
  });
}

void submit(Call& call) {
  const runtime::Submission submission = parse_submission(call.body());
  const std::string& token = submission.token;
  with_hold(call, token, [&](runtime::LiveCampaign& campaign) {
    const std::vector<runtime::PersonDecision> decisions =
        campaign.submit(call.who().user, submission, call.now());
    Json people = Json::array();
    for (const runtime::PersonDecision& decision : decisions) people.push_back(to_json(decision));
    call.state.holds.forget(token);
    reply_json(call, 200, {{"people", people}});
  });
}

// Counts the user as an active agent once `handler` has succeeded, so that
// a rejected request (a junk token, a stopping service) counts no one.
Handler counting_agent(void (*handler)(Call&)) {
  return [handler](Call& call) {
    handler(call);
    if (call.response.status >= 200 && call.response.status < 300) {
      call.state.agents.seen(call.who().user, call.state.wall_now());
    }
  };
}

}  // namespace

void add_desk_routes(Router& router) {
  router.post("/api/desk/next", "/api/desk/next", Access::agent, counting_agent(next));
  router.get("/api/desk/current", "/api/desk/current", Access::agent, counting_agent(current));
  router.post("/api/desk/heartbeat", "/api/desk/heartbeat", Access::agent,
              counting_agent(heartbeat));
  router.post("/api/desk/settle", "/api/desk/settle", Access::agent, counting_agent(settle));
  router.post("/api/desk/submit", "/api/desk/submit", Access::agent, counting_agent(submit));
}

}  // namespace vigie::service
