// LiveCampaign: handing out due contacts to agents, and the holds that
// keep them from other agents until the call is submitted or the hold
// expires.

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "runtime/live_impl.hpp"

namespace vigie::runtime {

namespace {

constexpr std::size_t kTokenBytes = 16;  // 128 bits

// A hold token: 128 bits from the kernel's random source, as hex.
std::string random_token() {
  std::array<unsigned char, kTokenBytes> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      throw RunError(std::string("cannot draw a random hold token: ") + std::strerror(errno));
    }
    filled += static_cast<std::size_t>(got);
  }

  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  token.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    token += kHex[byte >> 4];
    token += kHex[byte & 0xF];
  }
  return token;
}

}  // namespace

NextResult LiveCampaign::next(const std::string& agent, common::Instant now) {
  std::lock_guard lock(impl_->mutex);
  return impl_->next(agent, now);
}

std::optional<Handout> LiveCampaign::current(const std::string& agent, common::Instant now) {
  Impl& impl = *impl_;
  std::lock_guard lock(impl.mutex);
  impl.note_agent(agent, now);
  if (!impl.open) return std::nullopt;
  auto it = impl.open->hold_of_agent.find(agent);
  if (it == impl.open->hold_of_agent.end()) return std::nullopt;

  const std::string token = it->second;
  Hold& hold = impl.open->holds.at(token);
  if (hold.expires_at <= now) {
    impl.release_hold(token, now, /*expired=*/true);
    impl.close_cycle_if_done();
    return std::nullopt;
  }
  impl.touch(hold, now);
  return impl.handout_of(hold);
}

common::Instant LiveCampaign::heartbeat(const std::string& agent, const std::string& token,
                                        common::Instant now) {
  std::lock_guard lock(impl_->mutex);
  Hold& hold = impl_->find_hold(agent, token, now);
  impl_->touch(hold, now);
  return hold.expires_at;
}

NextResult LiveCampaign::Impl::next(const std::string& agent, Instant now) {
  if (stopping) return {NextStatus::stopping, std::nullopt, std::nullopt};
  note_agent(agent, now);
  release_expired(now);
  decide_after_window(now);
  close_cycle_if_done();
  if (!open) return {NextStatus::no_active_cycle, std::nullopt, std::nullopt};

  if (auto it = open->hold_of_agent.find(agent); it != open->hold_of_agent.end()) {
    Hold& hold = open->holds.at(it->second);
    touch(hold, now);
    return {NextStatus::already_holding, handout_of(hold), std::nullopt};
  }

  std::vector<std::size_t> past_window;
  std::optional<std::size_t> dialled = pop_due(now, past_window);
  try {
    decide_unattempted(past_window, now);
  } catch (...) {
    // The contact popped for this agent goes back to the queue, unheld.
    if (dialled) queue(*dialled, open->due[*dialled]);
    throw;
  }
  if (!dialled) {
    close_cycle_if_done();
    if (!open) return {NextStatus::no_active_cycle, std::nullopt, std::nullopt};
    return {NextStatus::nothing_due, std::nullopt, open->queue.next_due()};
  }
  return {NextStatus::handed, handout_of(create_hold(*dialled, agent, now)), std::nullopt};
}

// Takes the best due contact off the queue. Contacts found in closed hours
// roll to their next opening, and those whose next opening is past the
// window go into `past_window`; contacts whose number is held wait for
// the hold to end. Each contact leaves the queue once per due time, so the
// cost is O(log n) per contact handed out or rolled.
std::optional<std::size_t> LiveCampaign::Impl::pop_due(Instant now,
                                                       std::vector<std::size_t>& past_window) {
  OpenCycle& cycle = *open;
  // At closing time every waiting contact of a zone needs the same hours
  // lookup, so it is made once per zone.
  struct ZoneHours {
    bool open = false;
    std::optional<Instant> reopen;
  };
  std::map<const date::time_zone*, ZoneHours> zones;

  cycle.queue.advance(now);
  while (std::optional<schedule::QueueEntry> entry = cycle.queue.pop_ready()) {
    const std::size_t i = entry->contact;
    if (cycle.state[i] != ContactState::queued || cycle.due[i] != entry->due) continue;
    if (now >= cycle.window.end) {
      past_window.push_back(i);
      continue;
    }

    const date::time_zone* contact_zone = cycle.roster->contact(i).zone;
    auto [known, inserted] = zones.try_emplace(contact_zone);
    if (inserted) {
      const schedule::CallingHours& hours = hours_for(contact_zone);
      known->second.open = hours.is_open(now);
      if (!known->second.open) known->second.reopen = hours.next_open(now);
    }
    if (!known->second.open) {
      const std::optional<Instant>& reopen = known->second.reopen;
      if (!reopen || *reopen >= cycle.window.end) {
        past_window.push_back(i);
      } else {
        queue(i, *reopen);
      }
      continue;
    }

    const std::uint32_t group = cycle.group_of[i];
    if (group != NumberGroups::kNoGroup && !cycle.groups[group].held_by.empty()) {
      cycle.groups[group].parked.push_back(i);
      continue;
    }
    return i;
  }
  return std::nullopt;
}

// Holds the dialled contact and the other people on its number who are due
// now in open hours, as `vigie run` offers them in one call.
Hold& LiveCampaign::Impl::create_hold(std::size_t dialled, const std::string& agent, Instant now) {
  OpenCycle& cycle = *open;
  Hold hold;
  hold.token = random_token();
  hold.agent = agent;
  hold.taken_at = now;
  hold.expires_at = now + hold_timeout;
  auto take = [&](std::size_t person) {
    hold.people.push_back(person);
    hold.attempts.push_back(cycle.attempts[person] + 1);
    cycle.state[person] = ContactState::held;
  };

  take(dialled);
  const std::uint32_t group = cycle.group_of[dialled];
  if (group != NumberGroups::kNoGroup) {
    for (std::size_t member : cycle.groups[group].members) {
      if (member == dialled || cycle.state[member] != ContactState::queued) continue;
      if (cycle.due[member] > now) continue;
      if (!hours_for(cycle.roster->contact(member).zone).is_open(now)) continue;
      take(member);
    }
    cycle.groups[group].held_by = hold.token;
  }

  cycles.back().held += hold.people.size();
  cycle.hold_of_agent[agent] = hold.token;
  cycle.expiries.emplace(hold.expires_at, hold.token);
  const std::string token = hold.token;
  return cycle.holds.emplace(token, std::move(hold)).first->second;
}

Hold& LiveCampaign::Impl::find_hold(const std::string& agent, const std::string& token,
                                    Instant now) {
  if (!open) {
    throw LiveError(LiveError::Kind::not_found,
                    "no cycle of campaign '" + campaign->name +
                        "' is under way, so no hold is open; ask for the next contact");
  }
  auto it = open->holds.find(token);
  if (it == open->holds.end()) {
    throw LiveError(LiveError::Kind::not_found,
                    "unknown or expired hold token; ask for the next contact");
  }
  if (it->second.agent != agent) {
    throw LiveError(LiveError::Kind::forbidden,
                    "this hold belongs to another agent; ask for your own next contact");
  }
  if (it->second.expires_at <= now) {
    const Instant expired_at = it->second.expires_at;
    release_hold(token, now, /*expired=*/true);
    close_cycle_if_done();
    throw LiveError(LiveError::Kind::not_found,
                    "the hold expired at " + date::format("%FT%TZ", expired_at) +
                        " without a heartbeat, and its call was recorded as failed; ask for "
                        "the next contact");
  }
  note_agent(agent, now);
  return it->second;
}

void LiveCampaign::Impl::touch(Hold& hold, Instant now) {
  note_agent(hold.agent, now);
  const Instant expires_at = std::max(hold.expires_at, now + hold_timeout);
  if (expires_at == hold.expires_at) return;
  open->expiries.erase({hold.expires_at, hold.token});
  hold.expires_at = expires_at;
  open->expiries.emplace(hold.expires_at, hold.token);
}

void LiveCampaign::Impl::release_expired(Instant now) {
  while (open && !open->expiries.empty() && open->expiries.begin()->first <= now) {
    const std::string token = open->expiries.begin()->second;
    spdlog::info(
        "campaign {}: the hold of agent {} expired without a heartbeat; its call is "
        "recorded as failed",
        campaign->name, open->holds.at(token).agent);
    release_hold(token, now, /*expired=*/true);
  }
}

// Records a `failed` attempt for every person of a hold, as a call that
// never reported back, and ends the hold. Each person then goes through
// the retry policy like any failed call.
void LiveCampaign::Impl::release_hold(const std::string& token, Instant now, bool expired) {
  const Hold& hold = open->holds.at(token);
  const Instant end = std::max(now, hold.taken_at);
  std::vector<PlannedAttempt> planned;
  for (std::size_t k = 0; k < hold.people.size(); ++k) {
    planned.push_back(plan_attempt(hold.people[k], hold.attempts[k], ir::kFailed, {},
                                   std::chrono::seconds{0}, hold.taken_at, end, std::nullopt));
  }
  commit(planned, {});
  end_hold(token);
  if (expired) ++holds_expired;
}

// Forgets a hold whose people were recorded, and returns to the queue the
// people on its number who became due meanwhile.
void LiveCampaign::Impl::end_hold(const std::string& token) {
  OpenCycle& cycle = *open;
  auto it = cycle.holds.find(token);
  const Hold& hold = it->second;
  cycle.expiries.erase({hold.expires_at, token});
  cycle.hold_of_agent.erase(hold.agent);
  cycles.back().held -= hold.people.size();

  const std::uint32_t group = cycle.group_of[hold.people.front()];
  if (group != NumberGroups::kNoGroup) {
    Household& household = cycle.groups[group];
    household.held_by.clear();
    for (std::size_t member : household.parked) {
      // A parked member that joined the hold was queued again by its attempt.
      const bool in_hold =
          std::find(hold.people.begin(), hold.people.end(), member) != hold.people.end();
      if (in_hold || cycle.state[member] != ContactState::queued) continue;
      cycle.queue.push({static_cast<std::uint32_t>(member), cycle.due[member],
                        cycle.roster->contact(member).priority});
    }
    household.parked.clear();
  }
  cycle.holds.erase(it);
}

void LiveCampaign::Impl::queue(std::size_t contact, Instant due) {
  OpenCycle& cycle = *open;
  cycle.state[contact] = ContactState::queued;
  cycle.due[contact] = due;
  cycle.queue.push(
      {static_cast<std::uint32_t>(contact), due, cycle.roster->contact(contact).priority});
}

Handout LiveCampaign::Impl::handout_of(const Hold& hold) const {
  Handout handout;
  handout.token = hold.token;
  handout.agent = hold.agent;
  handout.campaign = campaign->name;
  handout.cycle = open->cycle;
  handout.taken_at = hold.taken_at;
  handout.expires_at = hold.expires_at;
  for (std::size_t k = 0; k < hold.people.size(); ++k) {
    handout.people.push_back(person_record(*open, hold.people[k]));
    handout.people.back().attempt = hold.attempts[k];
  }
  return handout;
}

PersonRecord LiveCampaign::Impl::person_record(const OpenCycle& cycle, std::size_t contact) const {
  const Contact& person = cycle.roster->contact(contact);
  PersonRecord record;
  record.contact_id = person.id;
  record.phone = person.phone;
  const bool done = cycle.state[contact] == ContactState::done;
  record.attempt = cycle.attempts[contact] + (done ? 0 : 1);
  record.timezone = std::string(person.zone->name());
  for (std::size_t f = 0; f < campaign->fields.size(); ++f) {
    record.fields.emplace_back(campaign->fields[f].name, cycle.roster->field_text(contact, f));
  }
  if (auto it = history.find(person.id); it != history.end()) {
    record.previous_attempts = it->second.attempts;
    record.previous_outcomes = it->second.outcomes;
  }
  return record;
}

}  // namespace vigie::runtime
