#include "runtime/run.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include <spdlog/spdlog.h>

#include "check/compiler.hpp"
#include "common/folder_lock.hpp"
#include "config/config.hpp"
#include "eval/evaluator.hpp"
#include "ir/dump.hpp"
#include "runtime/campaign_input.hpp"
#include "runtime/import.hpp"
#include "runtime/plugins.hpp"
#include "runtime/records.hpp"
#include "runtime/report.hpp"
#include "runtime/run_identity.hpp"
#include "store/store.hpp"
#include "store/store_url.hpp"

namespace vigie::runtime {
namespace fs = std::filesystem;

CampaignError::CampaignError(common::Diagnostics diagnostics, common::SourceManager sources)
    : std::runtime_error("the campaign has errors"),
      diagnostics_(std::move(diagnostics)),
      sources_(std::move(sources)) {}

namespace {

constexpr int kMaxCycles = 1000;
// Records gathered per store commit. They are also committed before an
// alert leaves and at the end of each cycle, so a crash loses only records
// that a resumed run makes again.
constexpr int kStoreBatch = 256;
// Alerts gathered before the store commits and delivers them.
constexpr std::size_t kDeliveryBatch = 256;

struct CyclePlan {
  common::Seconds every{};
  int count = 1;                             // the maximum number of cycles
  std::optional<common::Instant> alert_end;  // no cycle starts at or after it
};

// Which cycles to run: a fixed count, or every cycle that starts before the
// alert ends. Checks the options against the campaign first.
CyclePlan plan_cycles(const RunOptions& options, const ir::Campaign& campaign,
                      const date::time_zone* zone, common::Instant activation) {
  if (options.cycles < 1 || options.cycles > kMaxCycles) {
    throw RunError("--cycles must be between 1 and " + std::to_string(kMaxCycles));
  }

  CyclePlan plan;
  plan.every = campaign.recontact_every.value_or(campaign.retry.within);
  plan.count = options.cycles;
  if (options.alert_level) {
    if (!campaign.trigger) {
      throw RunError("--alert-level was given but campaign '" + campaign.name +
                     "' has no `trigger alert` line; remove --alert-level or add a trigger");
    }
    const ir::Trigger& trigger = *campaign.trigger;
    if (!trigger_met(trigger, *options.alert_level)) {
      throw RunError("alert level " + std::to_string(*options.alert_level) +
                     " does not start campaign '" + campaign.name + "', whose trigger is alert \"" +
                     trigger.alert + "\" level " + ir::comparison_text(trigger.comparison) + " " +
                     std::to_string(trigger.level) + "; nothing was run");
    }
  }
  if (!options.alert_until) return plan;

  if (options.cycles_given) {
    throw RunError("--cycles and --alert-until both say how many cycles to run; give only one");
  }
  plan.alert_end = local_option_time("--alert-until", *options.alert_until, zone);
  if (*plan.alert_end <= activation) {
    throw RunError("--alert-until " + *options.alert_until +
                   " is not after the activation; the alert must end after it starts");
  }
  // Without `recontact ... while active`, an alert runs the campaign once.
  // The same bound as --cycles keeps a mistaken end date from running for ever.
  plan.count = campaign.recontact_every ? kMaxCycles : 1;
  if (!campaign.recontact_every) {
    spdlog::warn(
        "campaign {} has no `recontact every ... while active` line: the alert runs "
        "one cycle",
        campaign.name);
  }
  return plan;
}

ScriptComplexity complexity_of(const ir::Campaign& campaign) {
  ScriptComplexity complexity;
  for (const ir::Question& q : campaign.questions) {
    if (q.kind == ir::StepKind::say) continue;
    ++complexity.questions;
    if (q.condition) ++complexity.conditional_questions;
    complexity.choice_options += static_cast<int>(q.options.size());
  }
  for (const ir::Score& score : campaign.scores)
    complexity.score_rules += static_cast<int>(score.rules.size());
  complexity.routes = static_cast<int>(campaign.routes.size());
  return complexity;
}

// Persists and delivers what a cycle produces, and keeps the rows of
// attempts.csv and escalations.csv.
class RunSink final : public CycleSink {
 public:
  RunSink(const ir::Campaign& campaign, store::Store& store, PluginSet& plugins,
          const RunOptions& options)
      : campaign_(campaign), store_(store), plugins_(plugins), options_(options) {}

  // Points the sink at the roster of the cycle about to run.
  void begin_cycle(int cycle, const Roster& roster) {
    cycle_ = cycle;
    roster_ = &roster;
    alerts_.clear();
    failed_.clear();
    down_.clear();
    load_pending_alerts(cycle);
  }

  void attempt(const AttemptEvent& event) override {
    const Contact& contact = roster_->contact(event.contact);
    store::AttemptRecord record;
    record.cycle = event.cycle;
    record.contact_id = contact.id;
    record.attempt = event.attempt;
    record.start = event.start;
    record.end = event.end;
    record.disposition = campaign_.dispositions[static_cast<std::size_t>(event.disposition)].name;
    record.talk_seconds = event.talk_seconds;
    record.callback_at = event.callback_at;
    record.answers = answer_texts(campaign_, event.answers);
    if (!store_.record_attempt(record)) ++replayed_records_;

    attempt_rows_.push_back({event.start, event.cycle, contact.id, event.attempt,
                             attempts_csv_row(record, contact.zone)});
  }

  void outcome(const OutcomeEvent& event) override {
    const Contact& contact = roster_->contact(event.contact);
    store::OutcomeRecord record =
        outcome_record(campaign_, *event.results, event.cycle, contact.id, event.outcome,
                       event.attempts, event.decided_at, contact.zone);
    // The outcome, its scores and routes (the outbox) are stored before any
    // alert leaves. An outcome a resumed run finds already stored had its
    // alerts delivered, unless they are still pending in the outbox.
    bool fresh = store_.record_outcome(record);
    if (!fresh) ++replayed_records_;
    if (event.outcome == ir::kDeceased) deceased_.insert(contact.id);

    for (const store::FiredRoute& fired : record.routes) {
      Alert alert = make_alert(campaign_, record, fired, contact.zone);
      add_escalation_row(alert);
      if (fresh || pending_.erase(outbox_key(fired.route, contact.id)) != 0) {
        waiting_.push_back(outbox_key(fired.route, contact.id));
      }
    }
    if (waiting_.size() >= kDeliveryBatch) deliver_waiting();
  }

  // Commits the store, then delivers the alerts gathered since the last
  // commit: an alert never leaves before its outcome is stored, and the
  // store commits once per batch rather than once per alert.
  void deliver_waiting() {
    if (waiting_.empty()) return;
    store_.flush();
    for (const std::string& key : waiting_) deliver(alerts_.at(key));
    waiting_.clear();
  }

  // Reads the alerts of the cycle that an interrupted run stored but did not
  // deliver; they are delivered as the resumed run meets them again.
  void load_pending_alerts(int cycle) {
    pending_.clear();
    for (const store::OutboxItem& item : store_.pending_alerts(cycle)) {
      pending_.insert(outbox_key(item.route, item.contact_id));
    }
  }

  // Tries again, at the end of a cycle, every alert still in the outbox:
  // those whose delivery failed during the cycle.
  // Returns how many stay undelivered.
  std::size_t retry_pending_alerts(int cycle) {
    deliver_waiting();
    store_.flush();
    down_.clear();
    for (const store::OutboxItem& item : store_.pending_alerts(cycle)) {
      // Every alert of the cycle was fired again by this run, so its
      // content is known; the outbox holds only its key and due time.
      auto it = alerts_.find(outbox_key(item.route, item.contact_id));
      if (it != alerts_.end()) deliver(it->second);
    }
    return failed_.size();
  }

  // Records and results already stored that a resumed run met again.
  std::size_t replayed_records() const { return replayed_records_; }

  // Contacts reported deceased so far; later cycles do not call them.
  const std::unordered_set<std::string>& deceased() const { return deceased_; }

  void progress(std::size_t done, std::size_t total, common::Instant now) override {
    if (options_.on_progress) options_.on_progress(cycle_, done, total, now);
  }

  // Writes attempts.csv, ordered by start time then contact and attempt.
  void write_attempts(const std::string& path) {
    std::sort(attempt_rows_.begin(), attempt_rows_.end());
    std::ofstream out(path);
    if (!out) throw RunError("cannot write " + path + "; check that the output folder is writable");
    out << kAttemptsCsvHeader << '\n';
    for (const AttemptRow& row : attempt_rows_) out << row.line << '\n';
  }

  void write_escalations(const std::string& path) {
    std::sort(escalation_rows_.begin(), escalation_rows_.end());
    std::ofstream out(path);
    if (!out) throw RunError("cannot write " + path + "; check that the output folder is writable");
    out << escalations_csv_header(campaign_) << '\n';
    for (const EscalationRow& row : escalation_rows_) out << row.line << '\n';
  }

 private:
  struct AttemptRow {
    common::Instant start;
    int cycle;
    std::string contact_id;
    int attempt;
    std::string line;
    bool operator<(const AttemptRow& o) const {
      return std::tie(cycle, start, contact_id, attempt) <
             std::tie(o.cycle, o.start, o.contact_id, o.attempt);
    }
  };
  struct EscalationRow {
    int cycle;
    common::Instant due;
    std::string route;
    std::string contact_id;
    std::string line;
    bool operator<(const EscalationRow& o) const {
      return std::tie(cycle, due, route, contact_id) <
             std::tie(o.cycle, o.due, o.route, o.contact_id);
    }
  };

  static std::string outbox_key(const std::string& route, const std::string& contact_id) {
    return route + '\n' + contact_id;
  }

  void add_escalation_row(const Alert& alert) {
    escalation_rows_.push_back({alert.cycle, alert.due, alert.route, alert.contact_id,
                                escalations_csv_row(alert.cycle, alert.route, alert.contact_id,
                                                    alert.due_local, alert.scores)});
    alerts_[outbox_key(alert.route, alert.contact_id)] = alert;
  }

  // Delivers one alert and records it in the outbox. A notifier that fails
  // does not stop the run: the alert stays pending, is tried again at the
  // end of the cycle, and a later `vigie run` on the same store resumes it.
  // A notifier that failed is not called again until the end of the cycle:
  // with an endpoint down, each call would wait for its own retries.
  void deliver(const Alert& alert) {
    std::string key = outbox_key(alert.route, alert.contact_id);
    if (down_.count(alert.notifier) != 0) {
      failed_.insert(key);
      return;
    }
    try {
      plugins_.notifier(alert.notifier).notify(alert);
    } catch (const std::exception& error) {
      store_.mark_failed_delivery(alert.cycle, alert.route, alert.contact_id);
      failed_.insert(key);
      down_.insert(alert.notifier);
      // The message names the notifier and the endpoint, never the person.
      spdlog::warn(
          "cycle {}: notifier {} failed ({}); its alerts stay in the outbox and are "
          "tried again at the end of the cycle",
          alert.cycle, alert.notifier, error.what());
      return;
    }
    store_.mark_delivered(alert.cycle, alert.route, alert.contact_id);
    failed_.erase(key);
  }

  const ir::Campaign& campaign_;
  const Roster* roster_ = nullptr;
  store::Store& store_;
  PluginSet& plugins_;
  const RunOptions& options_;
  int cycle_ = 1;
  std::unordered_set<std::string> deceased_;
  std::vector<AttemptRow> attempt_rows_;
  std::vector<EscalationRow> escalation_rows_;
  std::unordered_map<std::string, Alert> alerts_;  // fired this cycle, by outbox key
  std::unordered_set<std::string> pending_;        // stored but undelivered by an earlier run
  std::unordered_set<std::string> failed_;         // last delivery failed
  std::unordered_set<std::string> down_;           // notifiers that failed in this pass
  std::vector<std::string> waiting_;               // keys of alerts to deliver after a commit
  std::size_t replayed_records_ = 0;
};

void write_rejected(const std::string& path, const std::vector<std::pair<int, RejectedRow>>& rows) {
  std::ofstream out(path);
  if (!out) throw RunError("cannot write " + path + "; check that the output folder is writable");
  out << "cycle,row,field,value,reason\n";
  for (const auto& [cycle, row] : rows) {
    out << cycle << ',' << row.row_number << ',' << csv_field(row.field) << ','
        << csv_field(row.value) << ',' << csv_field(row.reason) << '\n';
  }
}

// Prices the whole run with the campaign's pricing instance, if any.
void price(const ir::Campaign& campaign, PluginSet& plugins, RunReport& report) {
  if (campaign.pricing_instance.empty()) {
    report.cost_note = "the campaign names no pricing instance";
    return;
  }

  CampaignStats stats;
  stats.campaign = campaign.name;
  stats.cycles = static_cast<int>(report.cycles.size());
  std::size_t answered = 0;
  for (const CycleReport& cycle : report.cycles) {
    stats.contacts += static_cast<std::int64_t>(cycle.stats.contacts);
    stats.attempts += static_cast<std::int64_t>(cycle.stats.attempts);
    stats.useful += static_cast<std::int64_t>(cycle.stats.useful);
    stats.total_talk_s += static_cast<double>(cycle.stats.talk_seconds);
    answered += cycle.stats.answered_attempts;
  }
  stats.average_handling_time_s =
      answered == 0 ? 0.0 : stats.total_talk_s / static_cast<double>(answered);
  stats.complexity = complexity_of(campaign);
  report.cost = plugins.pricing().price(stats);
}

// What makes two runs the same run: a store holding one run can only be
// resumed by the same campaign, register, dialer, activation and cycles.
// One `key: value` per line, so that a mismatch can be named.
std::string run_identity(const RunOptions& options, const ir::Campaign& campaign,
                         const ImportResult& import, const PluginSet& plugins,
                         common::Instant activation, const CyclePlan& plan) {
  std::ostringstream out;
  out << "campaign: " << campaign.name << '\n'
      << "campaign rules: " << rules_fingerprint(campaign) << '\n'
      << "register: " << register_fingerprint(import) << '\n'
      << plugins.dialer_config() << "activation: " << date::format("%Y-%m-%dT%H:%M:%SZ", activation)
      << '\n'
      << "lines: " << (plugins.lines() ? std::to_string(*plugins.lines()) : "unlimited") << '\n'
      << "cycles: " << plan.count << '\n'
      << "alert until: "
      << (plan.alert_end ? date::format("%Y-%m-%dT%H:%M:%SZ", *plan.alert_end) : "-") << '\n';
  (void)options;
  return out.str();
}

// Claims the store for this run, or checks that it contains this run,
// which then resumes. Returns whether the run resumes.
bool claim_or_resume(store::Store& store, const std::string& identity, const RunOptions& options,
                     const std::string& store_url) {
  std::string store_label = store::redact_password(store_url);
  std::string elsewhere = options.store_url ? "give another --store" : "give another --out folder";
  std::optional<std::string> stored = store.run_identity();
  if (!stored) {
    store.claim_run(identity);
    return false;
  }
  if (*stored != identity) {
    throw RunError("the store " + store_label + " contains another run (" +
                   first_difference(*stored, identity, "this run") + "); to start a new run, " +
                   elsewhere + "; to resume that run, run its own command again");
  }
  std::vector<int> purged = store.purged_cycles();
  if (!purged.empty()) {
    throw RunError("the store " + store_label +
                   " contains this run, but vigie purge removed the personal "
                   "data of cycle " +
                   std::to_string(purged.front()) +
                   "; resuming would store it again. To run the campaign again, " + elsewhere);
  }
  return true;
}

// Rejects notifier files that an earlier run left in the folder, because
// mixing a new run's alerts into them would make those alerts look delivered.
void reject_stale_outputs(const RunOptions& options, const PluginSet& plugins) {
  for (const std::string& file : plugins.output_files()) {
    fs::path path = fs::path(options.out_dir) / file;
    std::error_code error;
    if (fs::file_size(path, error) > 0 && !error) {
      throw RunError("the output folder " + options.out_dir + " contains " + file +
                     " from an earlier run whose store is not there; move the file away, or "
                     "give another --out folder");
    }
  }
}

// Runs every cycle with the plugins already built, then writes the outputs.
RunReport run_with_plugins(const RunOptions& options, const ir::Campaign& campaign,
                           const date::time_zone* zone, common::Instant activation,
                           const CyclePlan& plan, PluginSet& plugins) {
  eval::CompiledCampaign compiled(campaign);
  std::unique_ptr<store::Store> store = store::Store::open(plugins.store_url());

  ImportResult import = plugins.source().read(import_schema(campaign, activation, zone));
  for (const std::string& note : import.notes) {
    spdlog::info("source {}: {}", campaign.source_instance, note);
  }
  Dialer& dialer = plugins.dialer();
  dialer.start(script_of(campaign));

  RunReport report;
  report.campaign = campaign.name;
  report.title = campaign.title;
  report.timezone = campaign.timezone;
  report.out_dir = options.out_dir;
  report.lines = plugins.lines();
  if (campaign.target) report.target_rate = campaign.target->value;
  report.start_within = campaign.start_within;

  report.alert_end = plan.alert_end;
  report.alert_level = options.alert_level;
  report.resumed =
      claim_or_resume(*store, run_identity(options, campaign, import, plugins, activation, plan),
                      options, plugins.store_url());
  if (!report.resumed) reject_stale_outputs(options, plugins);
  if (report.resumed) {
    spdlog::warn(
        "resuming the run stored in {}: results already stored are checked, not "
        "written again, and undelivered alerts are delivered",
        plugins.store_url());
  }
  store->set_batch_size(kStoreBatch);

  std::vector<std::pair<int, RejectedRow>> rejected;
  RunSink sink(campaign, *store, plugins, options);
  VirtualClock clock(activation);
  for (int cycle = 1;; ++cycle) {
    // A cycle never starts before the previous one ended, so no contact is
    // in two cycles at once. The cycle under way when the alert ends completes.
    common::Instant start = activation + plan.every * (cycle - 1);
    if (!report.cycles.empty()) start = std::max(start, report.cycles.back().stats.end);
    if (plan.alert_end && cycle > 1 && start >= *plan.alert_end) break;
    if (cycle > plan.count) {
      if (plan.alert_end && plan.count == kMaxCycles) {
        spdlog::warn(
            "stopped after {} cycles, before the end of the alert; split the alert "
            "into several runs",
            kMaxCycles);
      }
      break;
    }
    Roster roster(campaign, compiled, import, zone, start, cycle, sink.deceased());
    spdlog::info("cycle {} of campaign {} started: {} contacts, {} rejected rows", cycle,
                 campaign.name, roster.size(), roster.rejected().size());

    store->begin_cycle(campaign.name, cycle, start);
    store->save_contacts(cycle, contact_records(campaign, roster));
    for (const RejectedRow& row : roster.rejected()) rejected.emplace_back(cycle, row);
    store->save_rejected(cycle, rejected_records(roster.rejected()));

    sink.begin_cycle(cycle, roster);
    CycleSettings settings{cycle, start, plugins.lines()};
    CycleStats stats = run_cycle(campaign, compiled, roster, dialer, settings, clock, sink);
    std::size_t undelivered = sink.retry_pending_alerts(cycle);
    store->end_cycle(cycle, stats.end);
    store->flush();
    spdlog::info("cycle {} of campaign {} ended: {} attempts, {} useful contacts", cycle,
                 campaign.name, stats.attempts, stats.useful);

    if (roster.unknown_zones() > 0) {
      spdlog::warn(
          "cycle {}: {} contacts name an unknown time zone; the campaign's zone {} was used", cycle,
          roster.unknown_zones(), campaign.timezone);
    }
    report.cycles.push_back({stats, roster.rejected().size(), roster.excluded(),
                             roster.unknown_zones(), roster.skipped_deceased(), undelivered});
  }
  plugins.flush_notifiers();
  report.replayed_records = sink.replayed_records();

  price(campaign, plugins, report);
  fs::path out = options.out_dir;
  sink.write_attempts((out / "attempts.csv").string());
  sink.write_escalations((out / "escalations.csv").string());
  write_rejected((out / "rejected_rows.csv").string(), rejected);
  // The register is read once, so cycle 1's rejections are the import's.
  std::vector<RejectedRow> import_rejected;
  for (const auto& [cycle, row] : rejected) {
    if (cycle == 1) import_rejected.push_back(row);
  }
  write_import_report((out / "import_report.csv").string(), import_issues(import, import_rejected));
  write_summary_json(report, (out / "summary.json").string());
  report.files = {"summary.json", "attempts.csv", "escalations.csv", "rejected_rows.csv",
                  "import_report.csv"};
  for (const std::string& file : plugins.output_files()) report.files.push_back(file);
  return report;
}

}  // namespace

RunReport run_campaign(const RunOptions& options) {
  CompiledInput input;
  compile_campaign(options, input);
  const ir::Campaign& campaign = *input.campaign;
  const date::time_zone* zone = common::find_zone(campaign.timezone);
  if (zone == nullptr) throw RunError("unknown time zone '" + campaign.timezone + "'");
  common::Instant activation = activation_time(options, zone);
  CyclePlan plan = plan_cycles(options, campaign, zone, activation);

  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) {
    throw RunError("cannot create the output folder " + options.out_dir + ": " + ec.message());
  }

  // The lock keeps two runs from writing the same files and store at once.
  std::optional<common::FolderLock> lock;
  try {
    lock.emplace(options.out_dir);
  } catch (const common::FolderBusy& busy) {
    throw RunError("another vigie run is using the output folder " + options.out_dir +
                   (busy.holder_pid() > 0 ? " (pid " + std::to_string(busy.holder_pid()) + ")"
                                          : std::string()) +
                   "; wait for it to end, or give another --out folder");
  } catch (const std::runtime_error& error) {
    throw RunError(error.what());
  }
  PluginSet plugins(campaign, options);
  try {
    return run_with_plugins(options, campaign, zone, activation, plan, plugins);
  } catch (const RunError&) {
    throw;
  } catch (const std::exception& error) {
    // An exception thrown by a plugin has its type and message code in the
    // plugin's library, which closes when `plugins` goes out of scope: copy
    // the message into an engine-owned error while the library is loaded.
    throw RunError(error.what());
  }
}

}  // namespace vigie::runtime
