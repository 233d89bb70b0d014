#include "runtime/worker.hpp"

#include "runtime/run_identity.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <variant>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "eval/evaluator.hpp"
#include "ir/dump.hpp"
#include "runtime/answers.hpp"
#include "runtime/campaign_input.hpp"
#include "runtime/clock.hpp"
#include "runtime/import.hpp"
#include "runtime/plugins.hpp"
#include "runtime/records.hpp"
#include "runtime/roster.hpp"
#include "schedule/calendar.hpp"
#include "schedule/calling_hours.hpp"
#include "schedule/retry.hpp"
#include "store/store.hpp"

namespace vigie::runtime {
namespace fs = std::filesystem;

namespace {

// How long an idle worker sleeps when every due contact is held by another
// worker: short against a lease, long against one claim's round trip.
constexpr std::chrono::milliseconds kIdlePause{20};
constexpr std::size_t kMaxWorkerName = 64;
// Tries at opening the store. Workers started together on a new store all
// create its schema, and PostgreSQL fails all but one of the concurrent
// CREATE TABLE statements. The others find the schema on the next try.
constexpr int kOpenTries = 5;
constexpr int kCycle = 1;

// Builds the identity that the workers of one run share: the campaign
// rules, register, dialer and activation. The worker's name and lease are
// left out, so that any worker can join. The `mode` line keeps `vigie run`
// from resuming into a worker store, whose cycle it would replay.
std::string work_identity(const ir::Campaign& campaign, const ImportResult& import,
                          const PluginSet& plugins, common::Instant activation) {
  std::ostringstream out;
  out << "campaign: " << campaign.name << '\n'
      << "campaign rules: " << rules_fingerprint(campaign) << '\n'
      << "register: " << register_fingerprint(import) << '\n'
      << plugins.dialer_config() << "activation: " << date::format("%Y-%m-%dT%H:%M:%SZ", activation)
      << '\n'
      << "mode: workers\n"
      << "cycles: " << kCycle << '\n';
  return out.str();
}

// Claims the store for this run, or checks that it contains this run.
// Returns whether the store contained it already.
bool join_run(store::Store& store, const std::string& identity, const std::string& store_url) {
  std::optional<std::string> stored = store.run_identity();
  if (!stored) {
    try {
      store.claim_run(identity);
      return false;
    } catch (const store::StoreError&) {
      // Another worker claimed it between the read and the write.
      stored = store.run_identity();
      if (!stored) throw;
    }
  }
  if (*stored != identity) {
    throw RunError("the store " + store_url + " contains another run (" +
                   first_difference(*stored, identity, "this worker") +
                   "); start every worker with the same campaign, register, dialer and "
                   "--activate, or give another store");
  }
  return true;
}

void check_worker_name(const std::string& name) {
  const bool valid_characters = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
  if (!name.empty() && name.size() <= kMaxWorkerName && valid_characters) return;
  throw RunError("invalid --worker name '" + name + "'; use 1 to " +
                 std::to_string(kMaxWorkerName) +
                 " letters, digits, '-', '_' or '.', unique among the workers of the campaign");
}

void check_postgresql(const std::string& store_url) {
  if (store_url.rfind("postgresql://", 0) == 0 || store_url.rfind("postgres://", 0) == 0) return;
  throw RunError(
      "vigie work shares its work queue through a PostgreSQL store, and the store here "
      "is '" +
      store_url +
      "'; give --store postgresql://host=HOST dbname=NAME user=USER (or set `store:` "
      "in the config), or run the campaign in one process with vigie run");
}

std::unique_ptr<store::Store> open_shared_store(const std::string& url, const std::string& worker) {
  for (int tries = 1;; ++tries) {
    try {
      return store::Store::open(url);
    } catch (const store::StoreError& error) {
      if (tries == kOpenTries) throw;
      spdlog::warn("worker {}: {}; trying again", worker, error.what());
      std::this_thread::sleep_for(kIdlePause * 5 * tries);
    }
  }
}

// One worker's loop over the shared queue of a cycle.
class Worker {
 public:
  Worker(const WorkOptions& options, const ir::Campaign& campaign,
         const eval::CompiledCampaign& compiled, const Roster& roster, PluginSet& plugins,
         store::Store& store, common::Instant start, WorkReport& report)
      : options_(options),
        campaign_(campaign),
        compiled_(compiled),
        roster_(roster),
        plugins_(plugins),
        store_(store),
        report_(report),
        calendar_(campaign.calendar),
        window_{start, start + campaign.retry.within},
        clock_(start),
        answers_(campaign.questions.size()),
        results_(compiled.make_results()) {
    for (std::size_t i = 0; i < roster.size(); ++i) index_.emplace(roster.contact(i).id, i);
  }

  // The queue rows for the register: each contact due at its first
  // attempt. A contact with no open hours in the window is due at the
  // cycle start, and the worker that claims it records it unreachable.
  std::vector<store::QueueSeed> seeds() {
    std::vector<store::QueueSeed> seeds;
    seeds.reserve(roster_.size());
    for (std::size_t i = 0; i < roster_.size(); ++i) {
      const Contact& contact = roster_.contact(i);
      std::optional<common::Instant> first =
          schedule::first_attempt(hours_for(contact.zone), window_);
      seeds.push_back({contact.id, contact.phone, first.value_or(window_.start), contact.priority});
    }
    return seeds;
  }

  void run() {
    for (;;) {
      std::optional<store::QueueClaim> claim =
          store_.claim_due(kCycle, options_.worker, clock_.now(), options_.lease);
      if (claim) {
        handle(*claim);
        continue;
      }

      store::QueueStatus status = store_.queue_status(kCycle);
      if (status.waiting == 0 && status.claimed == 0) break;
      if (status.next_due && *status.next_due > clock_.now()) {
        // Nothing is due on this line: it waits, in virtual time, for the
        // next contact that will be.
        clock_.advance_to(*status.next_due);
        continue;
      }
      // Everything due is on another worker's line; wait for a release or
      // for a lease to expire.
      std::this_thread::sleep_for(kIdlePause);
    }
    report_.clock_end = clock_.now();
  }

  // Delivers again the alerts of the cycle still in the outbox: those
  // whose delivery failed, and those of a worker that died between storing
  // an outcome and delivering its alerts. Returns how many stay pending.
  std::size_t retry_pending_alerts() {
    for (const store::OutboxItem& item : store_.pending_alerts(kCycle)) {
      auto contact = index_.find(item.contact_id);
      std::optional<store::OutcomeRecord> outcome = store_.stored_outcome(kCycle, item.contact_id);
      if (contact == index_.end() || !outcome) continue;
      for (const store::FiredRoute& fired : outcome->routes) {
        if (fired.route == item.route) deliver(*outcome, fired, roster_.contact(contact->second));
      }
    }
    return store_.pending_alerts(kCycle).size();
  }

 private:
  const schedule::CallingHours& hours_for(const date::time_zone* zone) {
    auto it = hours_.find(zone);
    if (it == hours_.end()) {
      auto hours = std::make_unique<schedule::CallingHours>(campaign_.hours, calendar_, zone);
      it = hours_.emplace(zone, std::move(hours)).first;
    }
    return *it->second;
  }

  eval::Context context_for(std::size_t i, std::int32_t outcome, int attempts) const {
    eval::Context context;
    context.fields = roster_.fields(i);
    context.answers = answers_;
    context.outcome = outcome;
    context.attempts = attempts;
    context.cycle = kCycle;
    context.today = local_today(window_.start, roster_.contact(i).zone);
    return context;
  }

  // Reads the contact's answers so far: those stored with its last attempt.
  void load_answers(const store::QueueClaim& claim) {
    std::fill(answers_.begin(), answers_.end(), common::Value{});
    if (claim.attempts == 0) return;
    std::vector<Answer> stored;
    for (const auto& [question, text] :
         store_.attempt_answers(kCycle, claim.contact_id, claim.attempts)) {
      stored.push_back(answer_from_text(question, text));
    }
    apply_answers(campaign_, stored, answers_);
  }

  std::size_t contact_index(const std::string& contact_id) const {
    auto it = index_.find(contact_id);
    if (it != index_.end()) return it->second;
    throw RunError("the work queue in " + report_.store_url + " contains contact '" + contact_id +
                   "', which this worker's register does not contain; give every worker the "
                   "same register");
  }

  void handle(const store::QueueClaim& claim) {
    ++report_.claims;
    if (claim.taken_over) {
      ++report_.taken_over;
      spdlog::info("worker {}: took over a contact whose lease expired (claim {})", options_.worker,
                   claim.claim);
    }
    const std::size_t i = contact_index(claim.contact_id);
    const Contact& contact = roster_.contact(i);
    const schedule::CallingHours& hours = hours_for(contact.zone);
    load_answers(claim);

    // The claim is due by the worker's clock, so the line starts now.
    const common::Instant now = clock_.now();
    store::QueueStep step;
    if (claim.attempts == 0 && !schedule::first_attempt(hours, window_)) {
      decide(step, i, ir::kUnreachable, window_.start, 0);
    } else if (now >= window_.end) {
      decide(step, i, ir::kUnreachable, now, claim.attempts);
    } else if (!hours.is_open(now)) {
      // The line reached the contact after closing time: roll forward.
      std::optional<common::Instant> reopen = hours.next_open(now);
      if (!reopen || *reopen >= window_.end) {
        decide(step, i, ir::kUnreachable, now, claim.attempts);
      } else {
        step.next_due = *reopen;
        ++report_.postponed;
      }
    } else {
      place_attempt(step, claim, i, hours, now);
    }
    write_back(claim, step, contact);
  }

  std::int32_t disposition_index(const std::string& name, const Contact& contact,
                                 int attempt) const {
    std::int32_t index = campaign_.disposition_index(name);
    if (index < 0 || index == ir::kUnreachable) {
      throw PluginError("the dialer reported the unknown disposition '" + name + "' for contact " +
                        contact.id + ", attempt " + std::to_string(attempt) +
                        "; use a built-in disposition or one declared in the campaign");
    }
    return index;
  }

  // The callback instant: a local time is read in the person's own zone.
  std::optional<common::Instant> callback_time(const CallResult& result, const Contact& contact,
                                               int attempt, common::Instant end) const {
    if (!result.callback_local) return result.callback_at;

    std::optional<common::LocalTime> requested = callback_local_time(*result.callback_local);
    if (!requested) {
      throw PluginError("the dialer reported an invalid callback time for contact " + contact.id +
                        ", attempt " + std::to_string(attempt) +
                        "; give a real date with hour 0-23, minute and second 0-59");
    }
    return schedule::requested_callback(*requested, contact.zone, end);
  }

  // Places the next attempt on this worker's line, starting at `now`, and
  // fills `step` with it and with what follows under the retry policy.
  void place_attempt(store::QueueStep& step, const store::QueueClaim& claim, std::size_t i,
                     const schedule::CallingHours& hours, common::Instant now) {
    const Contact& contact = roster_.contact(i);
    const int attempt = claim.attempts + 1;
    CallRequest request;
    request.contact_id = contact.id;
    request.phone = contact.phone;
    request.cycle = kCycle;
    request.attempt = attempt;
    request.start = now;
    // NOTE: the lease is not renewed during the call. The shipped dialers
    // answer at once on the virtual clock; a dialer whose calls take
    // wall-clock time needs a --lease longer than its longest call.
    CallResult result = plugins_.dialer().call(request);

    // A call occupies its line for at least one second, as in `vigie run`.
    const common::Instant end = now + std::max(result.duration, std::chrono::seconds{1});
    std::int32_t disposition = disposition_index(result.disposition, contact, attempt);
    apply_answers(campaign_, result.answers, answers_);
    bool complete = compiled_.settle_answers(answers_, context_for(i, disposition, attempt));
    // A completed call means a finished questionnaire; anything less is partial.
    if (disposition == ir::kCompleted && !complete) disposition = ir::kPartial;
    const std::optional<common::Instant> callback = callback_time(result, contact, attempt, end);

    store::AttemptRecord record;
    record.cycle = kCycle;
    record.contact_id = contact.id;
    record.attempt = attempt;
    record.start = now;
    record.end = end;
    record.disposition = campaign_.dispositions[static_cast<std::size_t>(disposition)].name;
    record.talk_seconds = result.talk.count();
    record.callback_at = callback;
    record.answers = answer_texts(campaign_, answers_);
    step.attempt = std::move(record);

    schedule::NextStep next =
        schedule::next_step(campaign_, hours, window_, attempt, disposition, end, callback);
    if (next.final) {
      decide(step, i, next.outcome, end, attempt);
    } else {
      step.next_due = next.next_attempt;
    }
    clock_.advance_to(end);
  }

  // Fills the outcome of a contact leaving the cycle: scores, routes, and
  // whether the contact is useful.
  void decide(store::QueueStep& step, std::size_t i, std::int32_t outcome,
              common::Instant decided_at, int attempts) {
    compiled_.evaluate(context_for(i, outcome, attempts), results_);
    step.outcome = outcome_record(campaign_, results_, kCycle, roster_.contact(i).id, outcome,
                                  attempts, decided_at, roster_.contact(i).zone);
    step.decided_at = decided_at;
  }

  void write_back(const store::QueueClaim& claim, const store::QueueStep& step,
                  const Contact& contact) {
    if (!store_.advance_queue(claim, step)) {
      ++report_.lost_claims;
      spdlog::warn(
          "worker {}: claim {} of a contact expired and another worker took it over before this "
          "worker wrote it back; its result is dropped and the other worker's kept (raise "
          "--lease if calls last longer than the lease)",
          options_.worker, claim.claim);
      return;
    }
    if (step.attempt) ++report_.attempts;
    if (!step.outcome) return;

    ++report_.outcomes;
    ++report_.outcome_counts[step.outcome->outcome];
    if (step.outcome->useful) ++report_.useful;
    for (const store::FiredRoute& fired : step.outcome->routes) {
      deliver(*step.outcome, fired, contact);
    }
  }

  // Delivers one alert and records the delivery in the outbox. A failed
  // delivery stays pending for retry_pending_alerts and later workers.
  void deliver(const store::OutcomeRecord& outcome, const store::FiredRoute& fired,
               const Contact& contact) {
    Alert alert = make_alert(campaign_, outcome, fired, contact.zone);
    try {
      plugins_.notifier(alert.notifier).notify(alert);
    } catch (const std::exception& error) {
      store_.mark_failed_delivery(alert.cycle, alert.route, alert.contact_id);
      spdlog::warn("worker {}: alert of route {} not delivered by notifier {}: {}", options_.worker,
                   alert.route, alert.notifier, error.what());
      return;
    }
    store_.mark_delivered(alert.cycle, alert.route, alert.contact_id);
    ++report_.alerts_delivered;
  }

  const WorkOptions& options_;
  const ir::Campaign& campaign_;
  const eval::CompiledCampaign& compiled_;
  const Roster& roster_;
  PluginSet& plugins_;
  store::Store& store_;
  WorkReport& report_;

  schedule::HolidayCalendar calendar_;
  std::map<const date::time_zone*, std::unique_ptr<schedule::CallingHours>> hours_;
  schedule::CycleWindow window_;
  VirtualClock clock_;
  std::unordered_map<std::string, std::size_t> index_;  // contact id -> roster index
  std::vector<common::Value> answers_;                  // the claimed contact's answers
  eval::Results results_;
};

void write_work_summary(const WorkReport& report, const std::string& path) {
  nlohmann::json j;
  j["campaign"] = report.campaign;
  j["worker"] = report.worker;
  j["cycle"] = report.cycle;
  j["cycle_start"] = date::format("%Y-%m-%dT%H:%M:%SZ", report.cycle_start);
  j["seeded_queue"] = report.seeded;
  j["joined_stored_run"] = report.resumed;
  j["contacts"] = report.contacts;
  j["claims"] = report.claims;
  j["taken_over"] = report.taken_over;
  j["attempts"] = report.attempts;
  j["postponed"] = report.postponed;
  j["outcomes"] = report.outcome_counts;
  j["decided"] = report.outcomes;
  j["useful"] = report.useful;
  j["lost_claims"] = report.lost_claims;
  j["alerts_delivered"] = report.alerts_delivered;
  j["alerts_pending"] = report.alerts_failed;
  j["clock_end"] = date::format("%Y-%m-%dT%H:%M:%SZ", report.clock_end);
  j["queue_done"] = report.queue_done;
  if (report.cycle_end) j["cycle_end"] = date::format("%Y-%m-%dT%H:%M:%SZ", *report.cycle_end);

  std::ofstream out(path);
  if (!out) throw RunError("cannot write " + path + "; check that the output folder is writable");
  out << j.dump(2) << '\n';
}

WorkReport work_with_plugins(const WorkOptions& options, const ir::Campaign& campaign,
                             const date::time_zone* zone, common::Instant activation,
                             PluginSet& plugins) {
  eval::CompiledCampaign compiled(campaign);
  std::unique_ptr<store::Store> store = open_shared_store(plugins.store_url(), options.worker);

  ImportResult import = plugins.source().read(import_schema(campaign, activation, zone));
  plugins.dialer().start(script_of(campaign));

  WorkReport report;
  report.campaign = campaign.name;
  report.title = campaign.title;
  report.timezone = campaign.timezone;
  report.worker = options.worker;
  report.store_url = plugins.store_url();
  report.cycle = kCycle;
  report.cycle_start = activation;
  report.resumed =
      join_run(*store, work_identity(campaign, import, plugins, activation), plugins.store_url());

  Roster roster(campaign, compiled, import, zone, activation, kCycle);
  report.contacts = roster.size();
  store->begin_cycle(campaign.name, kCycle, activation);

  Worker worker(options, campaign, compiled, roster, plugins, *store, activation, report);
  report.seeded = store->seed_queue(kCycle, contact_records(campaign, roster),
                                    rejected_records(roster.rejected()), worker.seeds());
  spdlog::info("worker {} started on cycle {} of campaign {}: {} contacts, queue {}",
               options.worker, kCycle, campaign.name, roster.size(),
               report.seeded ? "seeded by this worker" : "already seeded");

  worker.run();
  report.alerts_failed = worker.retry_pending_alerts();
  plugins.flush_notifiers();

  // Every row is done: the cycle ends at its last decision. Each worker
  // that gets here writes the same instant.
  store::QueueStatus status = store->queue_status(kCycle);
  report.queue_done = status.done;
  if (status.waiting == 0 && status.claimed == 0 && status.last_decided) {
    store->end_cycle(kCycle, *status.last_decided);
    report.cycle_end = status.last_decided;
  }
  spdlog::info("worker {} stopped: {} attempts, {} outcomes", options.worker, report.attempts,
               report.outcomes);

  report.summary_file = "work_summary.json";
  write_work_summary(report, (fs::path(options.run.out_dir) / report.summary_file).string());
  return report;
}

}  // namespace

WorkReport run_worker(const WorkOptions& options) {
  check_worker_name(options.worker);
  if (options.lease < std::chrono::seconds{1} || options.lease > std::chrono::hours{24}) {
    throw RunError(
        "--lease must be between 1s and 24h; it is how long a claimed contact "
        "stays this worker's, so make it longer than the longest call");
  }

  CompiledInput input;
  compile_campaign(options.run, input);
  const ir::Campaign& campaign = *input.campaign;
  const date::time_zone* zone = common::find_zone(campaign.timezone);
  if (zone == nullptr) throw RunError("unknown time zone '" + campaign.timezone + "'");
  if (!options.run.activate) {
    // Workers started at different minutes would each claim another run.
    throw RunError(
        "vigie work needs --activate YYYY-MM-DDTHH:MM, the same for every worker, "
        "because the activation is part of the run that the workers share");
  }
  common::Instant activation = activation_time(options.run, zone);

  std::error_code ec;
  fs::create_directories(options.run.out_dir, ec);
  if (ec) {
    throw RunError("cannot create the output folder " + options.run.out_dir + ": " + ec.message());
  }

  PluginSet plugins(campaign, options.run);
  check_postgresql(plugins.store_url());
  try {
    return work_with_plugins(options, campaign, zone, activation, plugins);
  } catch (const RunError&) {
    throw;
  } catch (const std::exception& error) {
    // A plugin's exception lives in its library, which closes with
    // `plugins`: copy the message while the library is loaded.
    throw RunError(error.what());
  }
}

void print_work_summary(std::ostream& out, const WorkReport& report) {
  const date::time_zone* zone = common::find_zone(report.timezone);
  out << "Campagne " << report.campaign;
  if (!report.title.empty()) out << " — " << report.title;
  out << '\n';
  out << "  Poste / worker " << report.worker << ", cycle " << report.cycle << " (début "
      << common::format_local_iso(report.cycle_start, zone) << ")\n";
  out << "    file / queue : "
      << (report.seeded ? "créée par ce poste / seeded by this worker"
                        : "déjà créée / already seeded")
      << ", " << report.contacts << " personnes / contacts\n";
  out << "    prises / claims : " << report.claims << " (reprises / taken over "
      << report.taken_over << ", perdues / lost " << report.lost_claims << ")\n";
  out << "    appels / attempts : " << report.attempts
      << "   reportés / postponed : " << report.postponed << '\n';
  out << "    issues décidées / outcomes decided : " << report.outcomes;
  for (const auto& [name, count] : report.outcome_counts) out << ' ' << name << '=' << count;
  out << "   utiles / useful : " << report.useful << '\n';
  out << "    alertes transmises / alerts delivered : " << report.alerts_delivered << '\n';
  if (report.alerts_failed > 0) {
    out << "    ALERTES NON TRANSMISES / UNDELIVERED ALERTS : " << report.alerts_failed << '\n';
  }
  out << "    horloge du poste / worker clock : "
      << common::format_local_iso(report.clock_end, zone) << '\n';
  if (report.cycle_end) {
    out << "  Cycle terminé / cycle ended " << common::format_local_iso(*report.cycle_end, zone)
        << ": " << report.queue_done << " personnes traitées / contacts done\n";
  }
}

}  // namespace vigie::runtime
