#pragma once
// Persistence of a run through SOCI: the register snapshot, rejected rows,
// every attempt with its answers, and each contact's outcome with scores and
// fired routes (the alert outbox). Each record_* call is one transaction,
// committed before it returns unless group commit is on (set_batch_size). Instants are stored as
// UTC ISO 8601 text (2019-06-24T07:00:00Z). Errors from SOCI are caught here and rethrown as
// StoreError with the store URL and what to do.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/time.hpp"

namespace vigie::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ContactRecord {
  std::string contact_id;
  std::size_t row_number = 0;
  std::string phone;                                        // E.164
  std::vector<std::pair<std::string, std::string>> fields;  // name -> text form
};

struct RejectedRecord {
  std::size_t row_number = 0;
  std::string field;
  std::string value;
  std::string reason;
};

struct AttemptRecord {
  int cycle = 1;
  std::string contact_id;
  int attempt = 1;
  common::Instant start{};
  common::Instant end{};
  std::string disposition;
  std::int64_t talk_seconds = 0;
  std::optional<common::Instant> callback_at;
  // question id -> value; multi values joined by '|'
  std::vector<std::pair<std::string, std::string>> answers;
};

struct FiredRoute {
  std::string route;
  std::string notifier;
  common::Instant due{};
};

// An alert waiting in the outbox, or delivered. (cycle, route, contact_id)
// is its idempotency key: the same alert is never stored twice.
struct OutboxItem {
  std::string campaign;
  int cycle = 1;
  std::string route;
  std::string contact_id;
  std::string notifier;
  common::Instant due{};
  int delivery_attempts = 0;  // failed deliveries so far
  bool delivered = false;
};

struct OutcomeRecord {
  int cycle = 1;
  std::string contact_id;
  std::string outcome;
  bool useful = false;
  int attempts = 0;
  std::vector<std::pair<std::string, double>> scores;
  std::vector<FiredRoute> routes;
  // When the contact left the cycle, and the contact's IANA time zone.
  // Stored since schema version 5; older rows read back without them.
  std::optional<common::Instant> decided_at;
  std::string timezone;
};

// A cycle of the selected campaign.
struct CycleRecord {
  int cycle = 1;
  common::Instant started{};
  std::optional<common::Instant> ended;  // nullopt while the cycle is open
};

// A fired route on the alert desk of `vigie serve`: the outbox row and
// what the intervention team did with it. `state` is "open",
// "acknowledged" or "closed".
struct DeskRecord {
  int cycle = 1;
  std::string route;
  std::string contact_id;
  std::string notifier;
  common::Instant due{};
  bool delivered = false;
  std::string state = "open";
  std::string acknowledged_by;
  std::optional<common::Instant> acknowledged_at;
  std::string closed_by;
  std::optional<common::Instant> closed_at;
};

// A cycle removed by a purge, and the cycles a purge had to keep.
struct PurgedCycle {
  std::string campaign;
  int cycle = 0;
  std::optional<common::Instant> ended;
};
struct PurgeReport {
  std::vector<PurgedCycle> purged;
  std::int64_t open_cycles_kept = 0;  // never purged, whatever their start
};

// The shared work queue of `vigie work` (PostgreSQL only). A row is
// waiting for its next attempt, claimed by one worker under a lease, or
// done once the contact's outcome is stored.
struct QueueSeed {
  std::string contact_id;
  std::string phone;      // E.164; contacts sharing it are never claimed together
  common::Instant due{};  // first attempt, in virtual time
  double priority = 0;    // higher first among contacts that are due
};

// A row claimed by a worker. `claim` numbers the claims of the row and
// is the token advance_queue checks, so that a worker whose lease expired
// and was taken over cannot write.
struct QueueClaim {
  int cycle = 1;
  std::string contact_id;
  std::string worker;
  int claim = 0;
  int attempts = 0;         // attempts already stored for the contact
  common::Instant due{};    // earliest start of the next attempt
  bool taken_over = false;  // the previous holder's lease had expired
};

// The write-back of a claimed row, stored in one transaction: the attempt
// placed (if any), then either the outcome (the row is done, decided at
// `decided_at`) or the due time of the next attempt.
struct QueueStep {
  std::optional<AttemptRecord> attempt;
  std::optional<OutcomeRecord> outcome;
  common::Instant next_due{};
  common::Instant decided_at{};
};

// Counts of a cycle's queue, and what an idle worker waits for.
struct QueueStatus {
  std::int64_t waiting = 0;
  std::int64_t claimed = 0;  // under a live or an expired lease
  std::int64_t done = 0;
  // Earliest due time among rows a worker could claim once its clock
  // reaches it: waiting rows and expired claims whose number is not on a
  // call. Nullopt when there is none.
  std::optional<common::Instant> next_due;
  // The latest decision instant among done rows.
  std::optional<common::Instant> last_decided;
};

class Store {
 public:
  // Opens or creates the store. `url` is a plain file path, taken as
  // SQLite, or a URL: "sqlite3://db=PATH", "postgresql://host=H port=P
  // dbname=D user=U" (libpq's key=value pairs) or libpq's own URI
  // "postgresql://user@host:port/dbname". SQLite runs in WAL mode. Creates
  // the schema when absent and migrates an older one; throws StoreError for
  // a schema newer than this engine's. Messages show the URL with any
  // password replaced by "***".
  static std::unique_ptr<Store> open(const std::string& url);

  virtual ~Store() = default;

  // The identity of the run this store holds: a text the runtime builds
  // from the campaign and run parameters. Nullopt for a store no run has
  // claimed yet. `claim_run` stores it; the runtime refuses to resume into
  // a store whose identity differs.
  virtual std::optional<std::string> run_identity() = 0;
  // The cycles `vigie purge` emptied; a run that finds one cannot resume,
  // since resuming would store the purged personal data again.
  virtual std::vector<int> purged_cycles() = 0;
  virtual void claim_run(const std::string& identity) = 0;

  // Starts cycle `cycle` of `campaign`, or resumes it: data already stored
  // for that cycle is kept. Every write below is idempotent, so a resumed
  // run can write again what an interrupted one stored.
  virtual void begin_cycle(const std::string& campaign, int cycle, common::Instant start) = 0;
  // Contacts and rejected rows already stored for the cycle are kept.
  virtual void save_contacts(int cycle, const std::vector<ContactRecord>& contacts) = 0;
  virtual void save_rejected(int cycle, const std::vector<RejectedRecord>& rejected) = 0;
  // Stores an attempt and returns true; returns false when the same attempt
  // (cycle, contact, attempt number) is already stored with the same
  // content; throws StoreError naming the attempt when it is stored with a
  // different content (the dialer is not deterministic, or the store
  // belongs to another run).
  virtual bool record_attempt(const AttemptRecord& attempt) = 0;
  // Stores an outcome with its scores, and its fired routes in the outbox,
  // in one transaction; the same rule as record_attempt when already stored.
  virtual bool record_outcome(const OutcomeRecord& outcome) = 0;
  virtual void end_cycle(int cycle, common::Instant end) = 0;

  // Group commit: with a batch size N above 1, record_* calls are gathered
  // and committed N at a time (1, the default, commits each call). `flush`
  // commits what is gathered; the runtime calls it before acting on a
  // result outside the store (delivering an alert) and at the end of a
  // cycle, so nothing acted upon is ever lost.
  virtual void set_batch_size(int records) = 0;
  virtual void flush() = 0;

  // The outbox: alerts of a cycle not delivered yet, in (due, route,
  // contact) order, and the delivery bookkeeping.
  virtual std::vector<OutboxItem> pending_alerts(int cycle) = 0;
  virtual void mark_delivered(int cycle, const std::string& route,
                              const std::string& contact_id) = 0;
  virtual void mark_failed_delivery(int cycle, const std::string& route,
                                    const std::string& contact_id) = 0;

  // Removes the personal data of every closed cycle (ended_at set) that
  // ended before `before`: contacts and their fields, answers, phone
  // numbers, rejected rows, and every row naming a contact (attempts,
  // outcomes, scores, fired routes). Each cycle's anonymous statistics are
  // stored in cycle_stats first. Open cycles are never purged, and a cycle
  // already purged is skipped. Then compacts the database so that the
  // removed values leave the file (SQLite: VACUUM and a WAL checkpoint).
  // Commits anything gathered by group commit first. Throws StoreError.
  virtual PurgeReport purge_closed_cycles(common::Instant before) = 0;

  // The work queue shared by `vigie work` processes. Every call throws
  // StoreError on SQLite, whose single writer cannot serve several
  // workers: `vigie run` is the one-process mode there.
  //
  // Stores the register snapshot of the cycle (as save_contacts and
  // save_rejected do) and one waiting row per seed, in one transaction,
  // unless the cycle's queue already has rows. Processes seeding at the
  // same time are serialised, and only the first one writes. Returns
  // whether this call seeded the queue.
  virtual bool seed_queue(int cycle, const std::vector<ContactRecord>& contacts,
                          const std::vector<RejectedRecord>& rejected,
                          const std::vector<QueueSeed>& seeds) = 0;
  // Claims, for `lease` of wall-clock time, the best row due at or before
  // `now`: the highest priority, then the earliest due time, then the
  // lowest contact id. A waiting row qualifies, and so does a claimed row
  // whose lease has expired. Rows are locked with FOR UPDATE SKIP LOCKED,
  // so a worker skips the rows another worker is claiming instead of
  // waiting for them. A row is skipped while another row with its phone
  // number is claimed under a live lease. Returns nullopt when no row
  // qualifies.
  virtual std::optional<QueueClaim> claim_due(int cycle, const std::string& worker,
                                              common::Instant now,
                                              std::chrono::milliseconds lease) = 0;
  // Writes back a claimed row with `step` in one transaction. Returns false,
  // writing nothing, when the claim is no longer this worker's (its lease
  // expired and another worker took the row).
  virtual bool advance_queue(const QueueClaim& claim, const QueueStep& step) = 0;
  virtual QueueStatus queue_status(int cycle) = 0;
  // The answers stored with an attempt, as (question, text) pairs; empty
  // when the attempt is not stored. Works on every backend.
  virtual std::vector<std::pair<std::string, std::string>> attempt_answers(
      int cycle, const std::string& contact_id, int attempt) = 0;
  // The stored outcome of a contact with its scores and fired routes.
  // Works on every backend.
  virtual std::optional<OutcomeRecord> stored_outcome(int cycle, const std::string& contact_id) = 0;

  // Live campaigns (`vigie serve`). A live campaign reads its whole state
  // back from the store when the service starts again.
  //
  // Selects the campaign that the calls below and the outbox calls read
  // and write, without starting or reopening a cycle (begin_cycle does).
  virtual void select_campaign(const std::string& campaign) = 0;
  // The cycles of the selected campaign, by number.
  virtual std::vector<CycleRecord> cycles() = 0;
  // The register snapshot of a cycle, by contact id, and one contact of it.
  virtual std::vector<ContactRecord> contacts(int cycle) = 0;
  virtual std::optional<ContactRecord> stored_contact(int cycle, const std::string& contact_id) = 0;
  // Every attempt of a cycle with its answers, by contact then attempt.
  virtual std::vector<AttemptRecord> attempts(int cycle) = 0;
  // Every outcome of a cycle with its scores and fired routes, by contact.
  virtual std::vector<OutcomeRecord> outcomes(int cycle) = 0;
  // Every fired route of the selected campaign with its desk state, by
  // cycle, decision instant, route and contact.
  virtual std::vector<DeskRecord> desk_records() = 0;
  // Sets the desk state of a fired route: `record` gives the cycle, route,
  // contact, state and who did what when. Throws StoreError when no such
  // route fired.
  virtual void set_desk_state(const DeskRecord& record) = 0;
  // Stores attempts and outcomes, as record_attempt and record_outcome do,
  // in one transaction: all of them or none. Commits anything gathered by
  // group commit first.
  virtual void record_together(const std::vector<AttemptRecord>& attempts,
                               const std::vector<OutcomeRecord>& outcomes) = 0;

  // Counts, for tests and summaries.
  virtual std::int64_t count_attempts(int cycle) = 0;
  virtual std::int64_t count_outcomes(int cycle) = 0;
  virtual std::int64_t count_routes(int cycle) = 0;
};

}  // namespace vigie::store
