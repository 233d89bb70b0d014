#pragma once
// A campaign run live by `vigie serve` with the agent_desk dialer: cycles
// start when the city raises an alert that meets the campaign's `trigger`,
// and again every `recontact every` while it holds; human agents ask for
// the next due contact, place the call themselves and submit the
// disposition and answers. Time is the service's clock, passed in as `now`
// so that tests can drive it.
//
// The rules are those of the one-shot runs: calling hours in each contact's
// zone and calendar, the retry policy and its cap and window, priority
// order, and contacts sharing a phone number never held at once (those due
// together are handed out in one call). Every attempt and outcome is stored
// before the call returns, and fired routes go to the outbox and to the
// alert desk in the outcome's transaction.
//
// A hold is one agent's claim on a contact (and its household). It expires
// when the agent sends no heartbeat, submit or settle for `hold_timeout`;
// the attempt is then recorded as `failed` and the contact goes through the
// retry policy like any failed call, so it is never lost.
//
// Thread safety: every public member may be called from several threads.
//
// Rules where the one-shot runs give no answer:
// - Cycles start only from alerts that meet the campaign's `trigger`
//   line. A campaign without `trigger` never starts from alerts, so
//   `vigie serve` never calls its register. An alert whose trigger starts
//   to hold starts a cycle at once when none is open, or as soon as the
//   open one ends; while it holds, `recontact every` starts the next
//   cycle that long after the previous start, never before that cycle has
//   ended. Without `recontact every`, each alert runs one cycle.
// - Answers accumulate over the attempts of a cycle, as in `vigie run`: a
//   settle or submit applies its answers over those of the person's
//   earlier attempts in the cycle, and settling an empty draft returns them.
// - A `callback` without callback_local is retried by the retry policy's
//   `on callback` line, else by `otherwise`, else at the next opening.
//   When the policy has no `on callback` line and its `otherwise` is
//   `stop`, the callback would end the person's cycle, so submit rejects it
//   as invalid and asks for the time.
// - The call's talk time is recorded once, on the first person whose
//   disposition is not a line disposition (the dialled person, usually);
//   the other people of the call get 0.
// - Restart: the store keeps every cycle, attempt, outcome and desk state,
//   but not the holds, which live in memory. The open cycle's contacts are
//   rebuilt from the register snapshot stored when the cycle started, so
//   a register changed since does not change the cycle. Each undecided
//   contact's next attempt is due where the retry policy puts it after its
//   last stored attempt, with the answers stored with that attempt. A
//   contact held when the process died has no attempt for that call and is
//   due again at once.
// - Store failures throw store::StoreError (store/store.hpp); nothing is
//   changed in memory when a record could not be stored.

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/time.hpp"
#include "ir/campaign.hpp"
#include "vigie/types.hpp"

namespace vigie::runtime {

// A request the live campaign rejects. `kind` maps to an HTTP status in the
// service; the message names the value at fault and what to do.
class LiveError : public std::runtime_error {
 public:
  enum class Kind { not_found, forbidden, invalid, conflict, unavailable };
  LiveError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct LiveOptions {
  std::string campaign_path;
  std::optional<std::string> campaign_name;  // when the file declares several
  std::optional<std::string> config_path;    // engine config: source, notifiers, pricing
  std::optional<std::string> roster_path;    // replaces the csv source's path
  std::string store_url;                     // SQLite path or postgresql:// URL
  std::string out_dir;                       // notifier files
  // Used when the config's agent_desk dialer gives no `hold_timeout`.
  common::Seconds hold_timeout{120};
};

// One earlier attempt or outcome of a person, shown to the agent.
struct PreviousAttempt {
  int cycle = 1;
  int attempt = 1;
  common::Instant start{};
  std::string disposition;
};

// What an agent or a team sees of a person. Reading it is audited by the
// service.
struct PersonRecord {
  std::string contact_id;
  std::string phone;  // E.164
  int attempt = 1;    // the attempt now offered, in this cycle
  std::string timezone;
  std::vector<std::pair<std::string, std::string>> fields;     // register fields, text form
  std::vector<PreviousAttempt> previous_attempts;              // this cycle and earlier ones
  std::vector<std::pair<int, std::string>> previous_outcomes;  // (cycle, outcome)
};

// A contact handed to an agent: the dialled person first, then the other
// people due on the same number.
struct Handout {
  std::string token;  // random, unguessable; names the hold
  std::string agent;
  std::string campaign;
  int cycle = 1;
  common::Instant taken_at{};
  common::Instant expires_at{};
  std::vector<PersonRecord> people;
};

enum class NextStatus { handed, already_holding, nothing_due, no_active_cycle, stopping };

struct NextResult {
  NextStatus status = NextStatus::nothing_due;
  std::optional<Handout> handout;           // handed, already_holding
  std::optional<common::Instant> next_due;  // nothing_due: when the next contact is due
};

struct PersonSubmission {
  std::string contact_id;
  std::string disposition;  // a disposition name of the campaign
  std::vector<Answer> answers;
  // For `callback`: the time the person asked for, in their own zone.
  std::optional<LocalDateTime> callback_local;
};

struct Submission {
  std::string token;
  std::chrono::seconds talk{0};  // handling time once answered, 0 when not answered
  // One entry per person of the handout. A line disposition (no_answer,
  // busy, voicemail, failed, wrong_number) given for the dialled person
  // alone applies to everyone on the number.
  std::vector<PersonSubmission> people;
};

struct PersonDecision {
  std::string contact_id;
  int attempt = 1;
  std::string disposition;  // as recorded, after a downgrade
  // `completed` was recorded as `partial` because an applicable required
  // question had no answer, as `vigie run` does.
  bool downgraded = false;
  bool final = false;
  std::string outcome;                          // when final
  std::optional<common::Instant> next_attempt;  // when not final
  std::vector<std::string> routes;              // fired routes, when final
};

// A question's state after settling a draft questionnaire.
struct QuestionState {
  std::string id;
  bool applies = true;
  bool answered = false;
};

struct SettleResult {
  std::vector<QuestionState> questions;  // script order, `say` steps included
  // The draft applied over the answers of the person's earlier attempts in
  // this cycle, without the cleared answers, in script order.
  std::vector<Answer> answers;
  std::vector<std::string> cleared;  // questions whose answer was dropped
  bool complete = false;             // every applicable required question answered
};

struct CycleStatus {
  int cycle = 1;
  common::Instant started{};
  common::Instant window_end{};
  std::optional<common::Instant> ended;
  std::optional<common::Instant> start_deadline;  // started + `start within`
  std::optional<common::Instant> first_call_at;
  std::size_t contacts = 0;
  std::size_t attempted = 0;  // contacts with at least one attempt
  std::size_t decided = 0;    // contacts whose cycle is over
  std::size_t held = 0;       // contacts held by an agent now
  std::size_t attempts = 0;
  std::size_t useful = 0;
  std::map<std::string, std::size_t> outcomes;
  std::map<std::string, std::size_t> routes;
};

struct LiveStatus {
  std::string campaign;
  std::string title;
  std::string timezone;
  std::optional<double> target;  // useful rate, 0..1
  std::optional<common::Seconds> start_within;
  std::optional<common::Seconds> recontact_every;
  std::optional<ir::Trigger> trigger;
  bool trigger_holds = false;  // an active alert meets the trigger
  // Why the last cycle start failed, when the trigger holds and no cycle
  // could start since; the register is read again every 15 s.
  std::optional<std::string> cycle_start_error;
  std::optional<common::Instant> next_cycle_at;  // when recontact starts the next cycle
  std::vector<CycleStatus> cycles;
  std::size_t agents_active = 0;  // distinct agents seen in the last 5 minutes
  std::size_t attempts_last_hour = 0;
  std::size_t outbox_pending = 0;  // alerts not yet delivered to notifiers
  std::size_t holds_expired = 0;   // holds released by their timeout since the start
  std::map<std::string, std::size_t> dispositions;  // attempts by disposition, all cycles
};

// The city's alert as the service keeps it.
struct AlertLevel {
  std::string name;  // as in `trigger alert "canicule"`
  std::int64_t level = 0;
  bool active = true;  // false once ended
  // When the alert was raised. The first time an alert is applied after a
  // restart, its trigger holding since `raised_at` is not a new alert:
  // only an alert raised after the last cycle start starts a cycle at
  // once. Without it, an alert that holds at the first apply_alert after a
  // restart continues the last cycle's alert.
  std::optional<common::Instant> raised_at;
};

enum class DeskState { open, acknowledged, closed };

// A fired route on an intervention team's desk.
struct DeskAlert {
  std::string campaign;
  int cycle = 1;
  std::string route;
  std::string route_title;
  std::string contact_id;
  common::Instant fired_at{};
  common::Instant due{};
  std::string due_local;  // ISO 8601 with offset, in the person's zone
  std::vector<std::pair<std::string, double>> scores;
  DeskState state = DeskState::open;
  std::string acknowledged_by;
  std::optional<common::Instant> acknowledged_at;
  std::string closed_by;
  std::optional<common::Instant> closed_at;
};

enum class ExportKind { attempts, outcomes, escalations };

class LiveCampaign {
 public:
  // Compiles the campaign, builds its plugins and opens its store. When the
  // store holds open cycles of this campaign (the service restarted), they
  // resume: stored attempts and outcomes are kept and the queue is rebuilt
  // from them. A campaign with a `trigger` reads its register once, as a
  // cycle start does, so that a missing or unreadable file fails here
  // rather than when the alert comes. Throws CampaignError or RunError
  // (runtime/run.hpp), whose message names the file and the fix.
  explicit LiveCampaign(const LiveOptions& options);
  ~LiveCampaign();
  LiveCampaign(const LiveCampaign&) = delete;
  LiveCampaign& operator=(const LiveCampaign&) = delete;

  const ir::Campaign& campaign() const;
  const std::string& name() const;

  // Applies the current level of an alert. Starts cycle 1 (or the next
  // cycle) at `now` when the alert meets the trigger and no cycle is open.
  // When the alert ends or falls below the trigger, no further cycle starts
  // and the cycle under way completes. Returns the cycle started, if any.
  // When the cycle should start but its register cannot be read, the alert
  // stays applied and apply_alert throws RunError naming the campaign, the
  // cycle, the file and the fix. status() then shows the message in
  // `cycle_start_error`, and tick() tries the start again.
  std::optional<int> apply_alert(const AlertLevel& alert, common::Instant now);

  // Periodic work, called about once a second: releases expired holds,
  // closes a cycle whose contacts are all decided, starts the next cycle
  // when `recontact every` has passed since the last start and the trigger
  // still holds. Never calls a notifier (see deliver_alerts).
  // A cycle that cannot start does not make tick throw: the failure is
  // logged once per distinct message, kept in status().cycle_start_error,
  // and tried again 15 s (of `now`) after the last failure, so that a
  // register fixed later starts the cycle. Store failures still throw.
  void tick(common::Instant now);

  // Hands `agent` the best due contact, or returns why there is none. The
  // best is the first by the dial queue's order (priority, then due time,
  // then register order) whose calling hours are open at `now` in its own
  // zone and calendar. A due contact found in closed hours is rolled to its
  // next opening, or decided `unreachable` when that is past the cycle's
  // window. Amortised O(log n) in the contacts of the cycle.
  NextResult next(const std::string& agent, common::Instant now);
  // The agent's current hold, if any.
  std::optional<Handout> current(const std::string& agent, common::Instant now);
  // Extends the agent's hold. Throws LiveError (not_found, forbidden).
  common::Instant heartbeat(const std::string& agent, const std::string& token,
                            common::Instant now);
  // Settles a draft questionnaire: drops answers to questions that no
  // longer apply and reports each question's state. Extends the hold.
  SettleResult settle(const std::string& agent, const std::string& token,
                      const std::string& contact_id, const std::vector<Answer>& draft,
                      common::Instant now);
  // Records the attempt of every person of the hold and releases it. The
  // attempts start when the hold was taken and end at `now`; they and the
  // outcomes of the people whose cycle ends are stored in one transaction.
  // Everything is checked before anything is stored.
  // Throws LiveError: not_found (unknown or expired token), forbidden
  // (another agent's hold), invalid (unknown disposition, answer that does
  // not fit its question, a person not in the hold, a person sharing the
  // number left out while the dialled person's disposition is not a line
  // disposition, callback without a time where the policy needs one).
  std::vector<PersonDecision> submit(const std::string& agent, const Submission& submission,
                                     common::Instant now);

  // Stops handing out contacts (next() returns `stopping`).
  void begin_shutdown();
  // Records every remaining hold as a `failed` attempt, as a timeout
  // would, and commits the store. Returns the number of holds released.
  std::size_t release_all(common::Instant now);

  // The counts of every cycle, kept up to date by each request, so that a
  // call costs O(cycles + agents) and reads no store.
  LiveStatus status(common::Instant now) const;

  // The alert desk, in the order the alerts fired. `routes` empty means
  // every route.
  std::vector<DeskAlert> desk(const std::set<std::string>& routes, bool include_closed) const;
  // Moves an alert to acknowledged or closed, stored before it returns. An
  // open alert may be closed directly. Throws LiveError not_found, conflict
  // for a closed alert or for acknowledging an acknowledged one (the
  // message names who did it and when), invalid for an empty user.
  void acknowledge(int cycle, const std::string& route, const std::string& contact_id,
                   const std::string& user, common::Instant now);
  void close(int cycle, const std::string& route, const std::string& contact_id,
             const std::string& user, common::Instant now);

  // A person's record in a cycle: from memory for the open cycle, from the
  // cycle's stored register snapshot for a closed one, where `attempt` is
  // the number of attempts made. Throws LiveError not_found.
  PersonRecord person(int cycle, const std::string& contact_id) const;

  // Delivers alerts waiting in the outbox to the notifiers, without holding
  // the lock that next() and submit() take, so that a slow webhook never
  // delays agents. A notifier that fails is not called again in the same
  // pass, and its alerts stay in the outbox for the next one. Returns
  // (delivered, failed).
  std::pair<std::size_t, std::size_t> deliver_alerts();

  // Writes a CSV export of a cycle from the store: the same columns as
  // `vigie run`'s attempts.csv and escalations.csv; outcomes has one row
  // per contact in register order, `cycle,contact_id,outcome,attempts,
  // useful,decided_at` then one column per score, empty for a contact
  // still undecided. Throws LiveError not_found for an unknown cycle.
  void export_csv(ExportKind kind, int cycle, std::ostream& out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::runtime
