#pragma once
// Store on SQLite through SOCI's sqlite3 backend, which is linked in, so no
// backend library is loaded at run time. The database runs in WAL mode with
// synchronous=NORMAL: a commit survives a crash of the process, and only a
// power loss can drop the last few commits. One SqliteStore serves one
// thread at a time: its prepared statements share bound values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <soci/soci.h>

#include "store/store.hpp"

namespace vigie::store {

class SqliteStore final : public Store {
 public:
  // Opens `connect_string` (SOCI's sqlite3 syntax, "db=PATH timeout=5"),
  // enables WAL and creates or migrates the schema. `url` is the store as
  // the user wrote it, named in every error. Throws StoreError.
  SqliteStore(std::string url, const std::string& connect_string, bool in_memory);

  void begin_cycle(const std::string& campaign, int cycle, common::Instant start) override;
  void save_contacts(int cycle, const std::vector<ContactRecord>& contacts) override;
  void save_rejected(int cycle, const std::vector<RejectedRecord>& rejected) override;
  void record_attempt(const AttemptRecord& attempt) override;
  void record_outcome(const OutcomeRecord& outcome) override;
  void end_cycle(int cycle, common::Instant end) override;

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
    int useful = 0;
    int attempts = 0;
    double number = 0;
    std::string notifier;
    std::string due;
  };

  void open(const std::string& connect_string, bool in_memory);
  void prepare_statements();
  void require_campaign(std::string_view action) const;
  std::int64_t count_rows(const char* table, int cycle);
  // "store 'URL'", for messages.
  std::string label() const;
  // Throws StoreError reading "cannot ACTION: DETAIL; REMEDY".
  [[noreturn]] void rethrow(const soci::soci_error& error, std::string_view action) const;

  std::string url_;
  soci::session sql_;
  std::string campaign_;  // set by begin_cycle; every row is written under it
  Bound bound_;
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
