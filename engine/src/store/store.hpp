#pragma once
// Persistence of a run through SOCI: the register snapshot, rejected rows,
// every attempt with its answers, and each contact's outcome with scores and
// fired routes. Each record_* call is one transaction, committed before it
// returns. Instants are stored as UTC ISO 8601 text (2019-06-24T07:00:00Z).
// Errors from SOCI are caught here and rethrown as StoreError with
// the store URL and what to do.

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

struct OutcomeRecord {
  int cycle = 1;
  std::string contact_id;
  std::string outcome;
  bool useful = false;
  int attempts = 0;
  std::vector<std::pair<std::string, double>> scores;
  std::vector<FiredRoute> routes;
};

class Store {
 public:
  // Opens or creates the store. `url` is a SOCI connection string
  // ("sqlite3://db=PATH") or a plain file path, taken as SQLite. SQLite runs
  // in WAL mode. Creates the schema when absent.
  static std::unique_ptr<Store> open(const std::string& url);

  virtual ~Store() = default;

  // Starts cycle `cycle` of `campaign`, replacing any earlier data of the
  // same campaign and cycle number.
  virtual void begin_cycle(const std::string& campaign, int cycle, common::Instant start) = 0;
  virtual void save_contacts(int cycle, const std::vector<ContactRecord>& contacts) = 0;
  virtual void save_rejected(int cycle, const std::vector<RejectedRecord>& rejected) = 0;
  virtual void record_attempt(const AttemptRecord& attempt) = 0;
  virtual void record_outcome(const OutcomeRecord& outcome) = 0;
  virtual void end_cycle(int cycle, common::Instant end) = 0;

  // Counts, for tests and summaries.
  virtual std::int64_t count_attempts(int cycle) = 0;
  virtual std::int64_t count_outcomes(int cycle) = 0;
  virtual std::int64_t count_routes(int cycle) = 0;
};

}  // namespace vigie::store
