// LiveCampaign: set-up, alerts and cycles. The other members are in
// live_holds.cpp, live_submit.cpp, live_restore.cpp and live_desk.cpp.

#include "runtime/live.hpp"

#include <spdlog/spdlog.h>

#include "runtime/import.hpp"
#include "runtime/live_impl.hpp"
#include "runtime/records.hpp"
#include "store/store_url.hpp"

namespace vigie::runtime {

namespace {

// The maximum hold timeout, so that a mistaken setting cannot keep a
// contact from other agents for days.
constexpr common::Seconds kMaxHoldTimeout = std::chrono::hours{24};

RunOptions run_options(const LiveOptions& options) {
  RunOptions run;
  run.campaign_path = options.campaign_path;
  run.campaign_name = options.campaign_name;
  run.config_path = options.config_path;
  run.roster_path = options.roster_path;
  if (!options.store_url.empty()) run.store_url = options.store_url;
  run.out_dir = options.out_dir.empty() ? "." : options.out_dir;
  return run;
}

// Returns the run identity of a live store, which contains one campaign
// run by `vigie serve`. The `mode` line keeps `vigie run` and `vigie work`
// from resuming into it, and this engine from resuming into theirs.
std::string live_identity(const ir::Campaign& campaign) {
  return "mode: live\ncampaign: " + campaign.name + '\n';
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

}  // namespace

const std::string& disposition_name(const ir::Campaign& campaign, std::int32_t index) {
  return campaign.dispositions[static_cast<std::size_t>(index)].name;
}

LiveCampaign::LiveCampaign(const LiveOptions& options) : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.options = options;
  RunOptions run = run_options(options);
  compile_campaign(run, impl.input);
  impl.campaign = impl.input.campaign;
  const ir::Campaign& campaign = *impl.campaign;
  impl.zone = common::find_zone(campaign.timezone);
  if (impl.zone == nullptr) throw RunError("unknown time zone '" + campaign.timezone + "'");

  impl.compiled = std::make_unique<eval::CompiledCampaign>(campaign);
  impl.results = impl.compiled->make_results();
  impl.calendar = std::make_unique<schedule::HolidayCalendar>(campaign.calendar);
  impl.plugins = std::make_unique<PluginSet>(campaign, run, PluginNeeds::live);
  impl.hold_timeout = impl.plugins->hold_timeout().value_or(options.hold_timeout);
  if (impl.hold_timeout < common::Seconds{1} || impl.hold_timeout > kMaxHoldTimeout) {
    throw RunError("the hold timeout of campaign '" + campaign.name +
                   "' must be between 1s and 24h; it is how long an agent keeps a contact "
                   "without a heartbeat");
  }

  // A register that cannot be read would otherwise fail only when the
  // alert comes; read it once now, before the store is claimed, so that
  // `vigie serve` stops at start with the file and the fix. A campaign
  // without a trigger never reads its register, so it is not read here.
  if (campaign.trigger) {
    try {
      impl.read_register(date::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    } catch (const std::exception& error) {
      throw RunError("cannot read the register of campaign '" + campaign.name +
                     "': " + error.what() +
                     "; vigie serve reads it at every cycle start, so fix the source's path in "
                     "the engine config (or the campaign's `roster:` in the service config) "
                     "before starting");
    }
  }

  try {
    impl.open_stores();
    impl.restore();
  } catch (const RunError&) {
    throw;
  } catch (const std::exception& error) {
    // A plugin's exception lives in its library, which closes with the
    // plugins: copy the message while the library is loaded.
    throw RunError(error.what());
  }

  if (!campaign.trigger) {
    spdlog::warn(
        "campaign {} has no `trigger alert` line: vigie serve never starts its cycles from "
        "alerts",
        campaign.name);
  }
}

LiveCampaign::~LiveCampaign() = default;

const ir::Campaign& LiveCampaign::campaign() const {
  return *impl_->campaign;
}

const std::string& LiveCampaign::name() const {
  return impl_->campaign->name;
}

std::optional<int> LiveCampaign::apply_alert(const AlertLevel& alert, common::Instant now) {
  Impl& impl = *impl_;
  std::lock_guard lock(impl.mutex);
  impl.alerts[alert.name] = alert;
  const std::optional<ir::Trigger>& trigger = impl.campaign->trigger;
  if (!trigger || alert.name != trigger->alert) return std::nullopt;

  const bool holds = alert.active && trigger_met(*trigger, alert.level);
  if (holds && !impl.trigger_holds) {
    if (impl.trigger_seen || impl.cycles.empty()) {
      impl.episode_start = now;
    } else {
      // The first alert applied after a restart: the service re-applies the
      // alerts it kept, which are not new unless raised after the last start.
      impl.episode_start = alert.raised_at.value_or(impl.cycles.back().started);
    }
    spdlog::info("alert {} at level {} meets the trigger of campaign {}", alert.name, alert.level,
                 impl.campaign->name);
  }
  if (!holds && impl.trigger_holds) {
    spdlog::info(
        "alert {} no longer meets the trigger of campaign {}: no further cycle starts, and "
        "the cycle under way completes",
        alert.name, impl.campaign->name);
  }
  impl.trigger_seen = true;
  impl.trigger_holds = holds;

  if (!holds) impl.start_failure.reset();

  impl.release_expired(now);
  impl.decide_after_window(now);
  impl.close_cycle_if_done();
  // A cycle that cannot start is reported to the caller here; tick()
  // retries it.
  return impl.start_cycle_if_due(now);
}

void LiveCampaign::tick(common::Instant now) {
  Impl& impl = *impl_;
  std::lock_guard lock(impl.mutex);
  impl.release_expired(now);
  impl.decide_after_window(now);
  impl.close_cycle_if_done();
  if (impl.start_failure && now < impl.start_failure->retry_at) return;

  try {
    impl.start_cycle_if_due(now);
  } catch (const CycleStartError&) {
    // Logged and kept for status() by start_cycle_if_due; the next tick
    // after the retry delay tries again.
  }
}

void LiveCampaign::begin_shutdown() {
  std::lock_guard lock(impl_->mutex);
  impl_->stopping = true;
}

std::size_t LiveCampaign::release_all(common::Instant now) {
  Impl& impl = *impl_;
  std::lock_guard lock(impl.mutex);
  if (!impl.open) return 0;

  std::vector<std::string> tokens;
  for (const auto& [token, hold] : impl.open->holds) tokens.push_back(token);
  for (const std::string& token : tokens) impl.release_hold(token, now, /*expired=*/false);
  impl.close_cycle_if_done();
  impl.store->flush();
  return tokens.size();
}

void LiveCampaign::Impl::open_stores() {
  const std::string& url = plugins->store_url();
  store_label = store::redact_password(url);
  store = store::Store::open(url);

  const std::string identity = live_identity(*campaign);
  std::optional<std::string> stored = store->run_identity();
  if (!stored) {
    store->claim_run(identity);
  } else if (*stored != identity && stored->rfind("mode: live\n", 0) == 0) {
    throw RunError("the store " + store_label + " contains another live campaign (" +
                   first_line(stored->substr(11)) + "); give campaign '" + campaign->name +
                   "' its own store");
  } else if (*stored != identity) {
    throw RunError("the store " + store_label +
                   " contains a one-shot run of vigie run or vigie work (" + first_line(*stored) +
                   "), which vigie serve cannot resume; give campaign '" + campaign->name +
                   "' its own store");
  }
  store->select_campaign(campaign->name);

  // Deliveries and exports read and write through their own connection,
  // so that they never wait for the lock that agents' requests take.
  aux_store = store::Store::open(url);
  aux_store->select_campaign(campaign->name);
}

std::optional<int> LiveCampaign::Impl::start_cycle_if_due(Instant now) {
  if (!campaign->trigger || !trigger_holds || open) return std::nullopt;

  if (!cycles.empty()) {
    const CycleStatus& last = cycles.back();
    if (now < last.started || (last.ended && now < *last.ended)) return std::nullopt;
    const bool new_alert = episode_start && *episode_start > last.started;
    const bool recontact =
        campaign->recontact_every && now >= last.started + *campaign->recontact_every;
    if (!new_alert && !recontact) return std::nullopt;
  }

  try {
    start_cycle(now);
  } catch (const CycleStartError& error) {
    // Logged once per distinct message, so that a register missing for
    // an hour does not write a line every second.
    if (!start_failure || start_failure->message != error.what()) {
      spdlog::error("{}; vigie serve tries again every {} s", error.what(),
                    kStartRetryDelay.count());
    }
    start_failure = StartFailure{error.what(), now + kStartRetryDelay};
    throw;
  }
  start_failure.reset();
  return cycles.back().cycle;
}

ImportResult LiveCampaign::Impl::read_register(Instant now) {
  return plugins->source().read(import_schema(*campaign, now, zone));
}

// Reads the register, stores its snapshot and queues every contact's first
// attempt. Nothing changes in memory until the snapshot is stored.
void LiveCampaign::Impl::start_cycle(Instant now) {
  const int number = cycles.empty() ? 1 : cycles.back().cycle + 1;
  ImportResult import;
  try {
    import = read_register(now);
  } catch (const std::exception& error) {
    throw CycleStartError("cannot start cycle " + std::to_string(number) + " of campaign '" +
                          campaign->name + "': " + error.what() +
                          "; fix the register, and the cycle starts at the next retry");
  }
  for (const std::string& note : import.notes) {
    spdlog::info("source {}: {}", campaign->source_instance, note);
  }
  auto roster = std::make_unique<Roster>(*campaign, *compiled, import, zone, now, number, deceased);

  store->begin_cycle(campaign->name, number, now);
  store->save_contacts(number, contact_records(*campaign, *roster));
  store->save_rejected(number, rejected_records(roster->rejected()));

  CycleStatus status;
  status.cycle = number;
  status.started = now;
  status.window_end = now + campaign->retry.within;
  if (campaign->start_within) status.start_deadline = now + *campaign->start_within;
  status.contacts = roster->size();
  cycles.push_back(status);

  open = std::make_unique<OpenCycle>();
  open->cycle = number;
  open->start = now;
  open->window = {now, now + campaign->retry.within};
  open->roster = std::move(roster);
  group_numbers(*open);
  spdlog::info(
      "cycle {} of campaign {} started: {} contacts, {} rejected rows, {} skipped as "
      "deceased",
      number, campaign->name, open->roster->size(), open->roster->rejected().size(),
      open->roster->skipped_deceased());
  if (open->roster->unknown_zones() > 0) {
    spdlog::warn("cycle {}: {} contacts name an unknown time zone; the campaign's zone {} was used",
                 number, open->roster->unknown_zones(), campaign->timezone);
  }
  queue_first_attempts(*open);
  close_cycle_if_done();
}

// Sizes the per-contact state of a cycle whose roster is set, and groups
// the contacts that share a number.
void LiveCampaign::Impl::group_numbers(OpenCycle& cycle) const {
  const std::size_t size = cycle.roster->size();
  cycle.attempts.assign(size, 0);
  cycle.state.assign(size, ContactState::queued);
  cycle.due.assign(size, cycle.start);
  cycle.answers.assign(size * campaign->questions.size(), common::Value{});
  cycle.index.reserve(size);
  for (std::size_t i = 0; i < size; ++i) cycle.index.emplace(cycle.roster->contact(i).id, i);

  NumberGroups groups = group_by_number(*cycle.roster);
  cycle.group_of = std::move(groups.group_of);
  for (std::vector<std::size_t>& members : groups.members) {
    cycle.groups.push_back({std::move(members), {}, {}});
  }
}

void LiveCampaign::Impl::queue_first_attempts(OpenCycle& cycle) {
  std::vector<std::size_t> without_hours;
  for (std::size_t i = 0; i < cycle.roster->size(); ++i) {
    std::optional<Instant> first =
        schedule::first_attempt(hours_for(cycle.roster->contact(i).zone), cycle.window);
    if (!first) {
      without_hours.push_back(i);
      continue;
    }
    queue(i, *first);
  }
  decide_unattempted(without_hours, cycle.start);
}

// Past the window, no attempt may start: every queued contact is decided
// unreachable at once, as `vigie run` decides it when its turn comes.
void LiveCampaign::Impl::decide_after_window(Instant now) {
  if (!open || open->window_closed || now < open->window.end) return;

  std::vector<std::size_t> queued;
  for (std::size_t i = 0; i < open->state.size(); ++i) {
    if (open->state[i] == ContactState::queued) queued.push_back(i);
  }
  decide_unattempted(queued, now);
  open->window_closed = true;
}

void LiveCampaign::Impl::close_cycle_if_done() {
  if (!open) return;
  CycleStatus& status = cycles.back();
  if (status.decided < status.contacts) return;

  const Instant end = open->last_decision.value_or(open->start);
  store->end_cycle(open->cycle, end);
  status.ended = end;
  spdlog::info("cycle {} of campaign {} ended: {} attempts, {} useful contacts", open->cycle,
               campaign->name, status.attempts, status.useful);
  open.reset();
}

const schedule::CallingHours& LiveCampaign::Impl::hours_for(const date::time_zone* contact_zone) {
  auto it = hours.find(contact_zone);
  if (it == hours.end()) {
    auto made = std::make_unique<schedule::CallingHours>(campaign->hours, *calendar, contact_zone);
    it = hours.emplace(contact_zone, std::move(made)).first;
  }
  return *it->second;
}

eval::Context LiveCampaign::Impl::context_for(const OpenCycle& cycle, std::size_t contact,
                                              std::span<const common::Value> answers,
                                              std::int32_t outcome, int attempts) const {
  eval::Context context;
  context.fields = cycle.roster->fields(contact);
  context.answers = answers;
  context.outcome = outcome;
  context.attempts = attempts;
  context.cycle = cycle.cycle;
  context.today = local_today(cycle.start, cycle.roster->contact(contact).zone);
  return context;
}

std::span<common::Value> LiveCampaign::Impl::answers_of(OpenCycle& cycle,
                                                        std::size_t contact) const {
  const std::size_t count = campaign->questions.size();
  return {cycle.answers.data() + contact * count, count};
}

void LiveCampaign::Impl::note_agent(const std::string& agent, Instant now) {
  Instant& seen = agents_seen[agent];
  seen = std::max(seen, now);
}

}  // namespace vigie::runtime
