#pragma once
// The state of a LiveCampaign, shared by the files that implement it.
// live.cpp sets it up and runs alerts and cycles. live_holds.cpp hands out
// contacts and keeps the holds, live_submit.cpp settles and records calls,
// live_restore.cpp reads the state back from the store, and live_desk.cpp
// serves the alert desk, deliveries, status and exports.
//
// Locks, always taken in this order: `mutex` guards the campaign's state
// and the main store connection; `delivery_mutex` serialises deliveries
// and is held while notifiers run; `aux_mutex` guards the second store
// connection, which deliveries and exports use; `outbox_mutex` guards the
// alerts waiting for delivery. A thread holding `mutex` never waits for
// `delivery_mutex` or `aux_mutex`, so a slow notifier never delays agents.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "eval/evaluator.hpp"
#include "runtime/campaign_input.hpp"
#include "runtime/live.hpp"
#include "runtime/plugins.hpp"
#include "runtime/roster.hpp"
#include "runtime/run.hpp"
#include "schedule/calendar.hpp"
#include "schedule/calling_hours.hpp"
#include "schedule/dial_queue.hpp"
#include "schedule/retry.hpp"
#include "store/store.hpp"

namespace vigie::runtime {

using common::Instant;

// (cycle, route, contact id): names a fired route on the desk and in the outbox.
using AlertKey = std::tuple<int, std::string, std::string>;

// One agent's claim on the contacts handed out together.
struct Hold {
  std::string token;
  std::string agent;
  Instant taken_at{};
  Instant expires_at{};
  std::vector<std::size_t> people;  // roster indexes, the dialled contact first
  std::vector<int> attempts;        // the attempt number offered to each
};

// A cycle that could not start because its register could not be read.
// apply_alert() passes it on to the caller; tick() keeps it for status()
// and tries again after kStartRetryDelay.
class CycleStartError : public RunError {
 public:
  using RunError::RunError;
};

// How long tick() waits before trying again to start a cycle that failed.
// Reading a large register every second while it is broken would load the
// source for nothing, and an operator who fixes the file sees the cycle
// start within 15 s.
inline constexpr common::Seconds kStartRetryDelay{15};

// The last failed cycle start, cleared when a cycle starts or the trigger
// stops holding.
struct StartFailure {
  std::string message;
  Instant retry_at{};
};

enum class ContactState : std::uint8_t { queued, held, done };

// Contacts sharing a phone number. At most one hold covers them at a time.
struct Household {
  std::vector<std::size_t> members;
  std::string held_by;  // token of the hold covering them, empty when none
  // Members found due while the number was held: they go back to the
  // queue when the hold ends.
  std::vector<std::size_t> parked;
};

// The cycle under way, with one entry per contact of its roster.
struct OpenCycle {
  int cycle = 1;
  Instant start{};
  schedule::CycleWindow window{};
  std::unique_ptr<Roster> roster;
  std::unordered_map<std::string, std::size_t> index;  // contact id -> roster index

  std::vector<int> attempts;  // attempts made so far
  std::vector<ContactState> state;
  // The next attempt's earliest start while queued. A queue entry whose
  // due time differs is stale: the contact was queued again since.
  std::vector<Instant> due;
  std::vector<common::Value> answers;  // contacts x questions, merged over attempts

  std::vector<std::uint32_t> group_of;  // NumberGroups::kNoGroup when the number is not shared
  std::vector<Household> groups;

  schedule::DialQueue queue;
  std::map<std::string, Hold> holds;                 // by token
  std::map<std::string, std::string> hold_of_agent;  // agent -> token
  std::set<std::pair<Instant, std::string>> expiries;
  std::optional<Instant> last_decision;
  // Every contact queued at the window's end was decided; none is queued
  // after it, since no attempt may start then.
  bool window_closed = false;
};

// A person's earlier attempts and outcomes over every cycle, shown to agents.
struct PersonHistory {
  std::vector<PreviousAttempt> attempts;
  std::vector<std::pair<int, std::string>> outcomes;
};

// An attempt worked out from a submission or a released hold, before it
// is stored and applied.
struct PlannedAttempt {
  std::size_t contact = 0;
  std::int32_t disposition = 0;  // after a downgrade
  bool downgraded = false;       // `completed` with an incomplete questionnaire
  std::vector<common::Value> answers;
  store::AttemptRecord record;
  schedule::NextStep next;
  std::optional<store::OutcomeRecord> outcome;  // when `next` is final
};

struct LiveCampaign::Impl {
  // Set by the constructor, then only read.
  LiveOptions options;
  CompiledInput input;
  const ir::Campaign* campaign = nullptr;
  std::unique_ptr<eval::CompiledCampaign> compiled;
  const date::time_zone* zone = nullptr;
  common::Seconds hold_timeout{120};
  std::string store_label;  // the store URL without its password
  // Declared before the stores and the outbox so that it is destroyed
  // after them: notifier objects run code from the plugin libraries.
  std::unique_ptr<PluginSet> plugins;

  // Guarded by `mutex`.
  mutable std::mutex mutex;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<schedule::HolidayCalendar> calendar;
  std::map<const date::time_zone*, std::unique_ptr<schedule::CallingHours>> hours;
  bool stopping = false;
  std::map<std::string, AlertLevel> alerts;
  bool trigger_holds = false;
  bool trigger_seen = false;             // an alert with the trigger's name was applied
  std::optional<Instant> episode_start;  // when the trigger last started to hold
  std::vector<CycleStatus> cycles;       // every cycle, index = number - 1
  std::optional<StartFailure> start_failure;
  std::unique_ptr<OpenCycle> open;
  std::unordered_set<std::string> deceased;  // contact ids, from every cycle
  std::unordered_map<std::string, PersonHistory> history;
  std::vector<DeskAlert> desk;
  std::map<AlertKey, std::size_t> desk_index;
  std::map<std::string, Instant> agents_seen;  // agent -> last request
  std::deque<Instant> recent_attempts;         // ends of the last hour's attempts, sorted
  std::map<std::string, std::size_t> dispositions;
  std::size_t holds_expired = 0;
  eval::Results results;  // scratch space of evaluations

  // Guarded by `delivery_mutex`, then `aux_mutex`.
  std::mutex delivery_mutex;
  mutable std::mutex aux_mutex;
  std::unique_ptr<store::Store> aux_store;

  // Guarded by `outbox_mutex`: stored alerts not delivered yet.
  mutable std::mutex outbox_mutex;
  std::map<AlertKey, Alert> outbox;

  // live.cpp: set-up, alerts and cycles.
  void open_stores();
  std::optional<int> start_cycle_if_due(Instant now);
  ImportResult read_register(Instant now);
  void start_cycle(Instant now);
  void queue_first_attempts(OpenCycle& cycle);
  void group_numbers(OpenCycle& cycle) const;
  void decide_after_window(Instant now);
  void close_cycle_if_done();
  const schedule::CallingHours& hours_for(const date::time_zone* zone);
  eval::Context context_for(const OpenCycle& cycle, std::size_t contact,
                            std::span<const common::Value> answers, std::int32_t outcome,
                            int attempts) const;
  std::span<common::Value> answers_of(OpenCycle& cycle, std::size_t contact) const;
  void note_agent(const std::string& agent, Instant now);

  // live_holds.cpp: handing out contacts and holds.
  NextResult next(const std::string& agent, Instant now);
  std::optional<std::size_t> pop_due(Instant now, std::vector<std::size_t>& past_window);
  Hold& create_hold(std::size_t dialled, const std::string& agent, Instant now);
  Hold& find_hold(const std::string& agent, const std::string& token, Instant now);
  void touch(Hold& hold, Instant now);
  void release_expired(Instant now);
  void release_hold(const std::string& token, Instant now, bool expired);
  void end_hold(const std::string& token);
  void queue(std::size_t contact, Instant due);
  Handout handout_of(const Hold& hold) const;
  PersonRecord person_record(const OpenCycle& cycle, std::size_t contact) const;

  // live_submit.cpp: settling and recording calls.
  SettleResult settle(const std::string& agent, const std::string& token,
                      const std::string& contact_id, const std::vector<Answer>& draft, Instant now);
  std::vector<PersonDecision> submit(const std::string& agent, const Submission& submission,
                                     Instant now);
  PlannedAttempt plan_attempt(std::size_t contact, int attempt, std::int32_t disposition,
                              const std::vector<Answer>& given, std::chrono::seconds talk,
                              Instant start, Instant end, std::optional<Instant> callback_at);
  store::OutcomeRecord plan_decision(std::size_t contact, std::int32_t outcome, Instant at);
  void commit(const std::vector<PlannedAttempt>& attempts,
              const std::vector<std::pair<std::size_t, store::OutcomeRecord>>& decisions);
  void decide_unattempted(const std::vector<std::size_t>& contacts, Instant at);
  void apply_outcome(std::size_t contact, const store::OutcomeRecord& outcome);
  void count_attempt(const store::AttemptRecord& attempt, CycleStatus& status);
  void count_outcome(const store::OutcomeRecord& outcome, CycleStatus& status);

  // live_restore.cpp: reading the state back from the store.
  void restore();
  void restore_history(const std::vector<store::AttemptRecord>& attempts,
                       const std::vector<store::OutcomeRecord>& outcomes, CycleStatus& status);
  void restore_open_cycle(const store::CycleRecord& record,
                          const std::vector<store::AttemptRecord>& attempts,
                          const std::vector<store::OutcomeRecord>& outcomes);
  void add_desk_alert(const DeskAlert& alert);
  const date::time_zone* zone_named(const std::string& name) const;
  const date::time_zone* zone_of_fields(
      const std::vector<std::pair<std::string, std::string>>& fields) const;

  // live_desk.cpp: alert desk, deliveries, status and exports.
  DeskAlert desk_alert_of(const store::OutcomeRecord& outcome, const store::FiredRoute& fired,
                          const date::time_zone* contact_zone) const;
  void set_desk_state(int cycle, const std::string& route, const std::string& contact_id,
                      DeskState state, const std::string& user, Instant now);
  void write_attempts(int cycle, std::ostream& out) const;
  void write_outcomes(int cycle, std::ostream& out) const;
  void write_escalations(int cycle, std::ostream& out) const;
};

// The text of a disposition or outcome index.
const std::string& disposition_name(const ir::Campaign& campaign, std::int32_t index);

}  // namespace vigie::runtime
