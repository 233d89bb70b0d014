#pragma once
// Store on SQLite or PostgreSQL through SOCI. Both backends are linked in,
// so no backend library is loaded at run time, and both run the same SQL:
// only the connection settings and the error translation depend on the
// dialect. SQLite runs in WAL mode with synchronous=NORMAL: a commit
// survives a crash of the process, and only a power loss can drop the last
// few commits. One SociStore serves one thread at a time, because its
// prepared statements share bound values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <soci/soci.h>

#include "store/schema.hpp"
#include "store/store.hpp"

namespace vigie::store {

class SociStore final : public Store {
 public:
  // Opens `connect_string` with `backend` (SOCI's syntax for that backend,
  // "db=PATH timeout=5" or "host=127.0.0.1 port=5432 dbname=vigie"), sets
  // up the connection and creates or migrates the schema. `url` is the
  // store as the user wrote it, named in every error. Throws StoreError.
  SociStore(std::string url, const soci::backend_factory& backend,
            const std::string& connect_string, Dialect dialect, bool in_memory = false);
  // Commits the records gathered by group commit. An error at this point
  // cannot be reported, so callers that care call flush() first.
  ~SociStore() override;

  std::optional<std::string> run_identity() override;
  std::vector<int> purged_cycles() override;
  void claim_run(const std::string& identity) override;

  void begin_cycle(const std::string& campaign, int cycle, common::Instant start) override;
  void save_contacts(int cycle, const std::vector<ContactRecord>& contacts) override;
  void save_rejected(int cycle, const std::vector<RejectedRecord>& rejected) override;
  bool record_attempt(const AttemptRecord& attempt) override;
  bool record_outcome(const OutcomeRecord& outcome) override;
  void end_cycle(int cycle, common::Instant end) override;

  void set_batch_size(int records) override;
  void flush() override;

  std::vector<OutboxItem> pending_alerts(int cycle) override;
  void mark_delivered(int cycle, const std::string& route, const std::string& contact_id) override;
  void mark_failed_delivery(int cycle, const std::string& route,
                            const std::string& contact_id) override;

  PurgeReport purge_closed_cycles(common::Instant before) override;

  bool seed_queue(int cycle, const std::vector<ContactRecord>& contacts,
                  const std::vector<RejectedRecord>& rejected,
                  const std::vector<QueueSeed>& seeds) override;
  std::optional<QueueClaim> claim_due(int cycle, const std::string& worker, common::Instant now,
                                      std::chrono::milliseconds lease) override;
  bool advance_queue(const QueueClaim& claim, const QueueStep& step) override;
  QueueStatus queue_status(int cycle) override;
  std::vector<std::pair<std::string, std::string>> attempt_answers(int cycle,
                                                                   const std::string& contact_id,
                                                                   int attempt) override;
  std::optional<OutcomeRecord> stored_outcome(int cycle, const std::string& contact_id) override;

  void select_campaign(const std::string& campaign) override;
  std::vector<CycleRecord> cycles() override;
  std::vector<ContactRecord> contacts(int cycle) override;
  std::optional<ContactRecord> stored_contact(int cycle, const std::string& contact_id) override;
  std::vector<AttemptRecord> attempts(int cycle) override;
  std::vector<OutcomeRecord> outcomes(int cycle) override;
  std::vector<DeskRecord> desk_records() override;
  void set_desk_state(const DeskRecord& record) override;
  void record_together(const std::vector<AttemptRecord>& attempts,
                       const std::vector<OutcomeRecord>& outcomes) override;

  std::int64_t count_attempts(int cycle) override;
  std::int64_t count_outcomes(int cycle) override;
  std::int64_t count_routes(int cycle) override;

 private:
  // Values the prepared statements are bound to by reference: each call
  // fills them, then executes the statements.
  struct Bound {
    int cycle = 0;
    std::string contact_id;
    long long row_number = 0;
    std::string phone;
    std::string name;
    std::string value;
    std::string reason;
    int attempt = 0;
    std::string started_at;
    std::string ended_at;
    std::string disposition;
    long long talk_seconds = 0;
    std::string callback_at;
    soci::indicator callback_indicator = soci::i_null;
    std::string outcome;
    std::string decided_at;
    soci::indicator decided_indicator = soci::i_null;
    std::string timezone;
    soci::indicator timezone_indicator = soci::i_null;
    int useful = 0;
    int attempts = 0;
    double number = 0;
    std::string notifier;
    std::string due;
  };

  void open(const soci::backend_factory& backend, const std::string& connect_string,
            bool in_memory);
  void configure_sqlite(bool in_memory);
  void prepare_statements();

  // Group commit: opens the shared transaction if none is open, and counts
  // a stored record, committing when the batch is full.
  void begin_write();
  void count_record();
  // Rolls back the shared transaction after a failed write and returns how
  // many gathered records were lost with it.
  int abandon_batch() noexcept;

  // Compares a record with the one already stored under the same key, and
  // throws StoreError naming what differs.
  void check_same_attempt(const AttemptRecord& attempt);
  void check_same_outcome(const OutcomeRecord& outcome);

  // Purge steps, inside the purge's transaction.
  void save_cycle_stats(const std::string& campaign, int cycle);
  void delete_personal_data(const std::string& campaign, int cycle);
  void compact();

  void require_campaign(std::string_view action) const;
  // Work queue steps (soci_store_queue.cpp).
  void require_postgresql(std::string_view action) const;
  void insert_snapshot(int cycle, const std::vector<ContactRecord>& contacts,
                       const std::vector<RejectedRecord>& rejected);
  bool try_claim(const QueueClaim& candidate, const std::string& phone, std::int64_t now_ms,
                 std::chrono::milliseconds lease);
  bool write_step(const QueueClaim& claim, const QueueStep& step);
  // Live campaign reads (soci_store_live.cpp): the contacts of a cycle,
  // all of them or the one named `only`.
  std::vector<ContactRecord> read_contacts(int cycle, const std::string* only);
  void update_alert(int cycle, const std::string& route, const std::string& contact_id,
                    const char* assignment, std::string_view action);
  std::int64_t count_rows(const char* table, int cycle);
  // "store 'URL'", for messages.
  std::string label() const;
  // Throws StoreError reading "cannot ACTION: DETAIL; REMEDY".
  [[noreturn]] void rethrow(const soci::soci_error& error, std::string_view action) const;

  std::string url_;
  Dialect dialect_;
  soci::session sql_;
  std::string campaign_;  // set by begin_cycle; every row is written under it
  Bound bound_;

  int batch_size_ = 1;
  int gathered_ = 0;  // records written in the open transaction
  bool in_transaction_ = false;

  std::optional<soci::statement> insert_contact_;
  std::optional<soci::statement> insert_field_;
  std::optional<soci::statement> insert_rejected_;
  std::optional<soci::statement> insert_attempt_;
  std::optional<soci::statement> insert_answer_;
  std::optional<soci::statement> insert_outcome_;
  std::optional<soci::statement> insert_score_;
  std::optional<soci::statement> insert_route_;
};

}  // namespace vigie::store
