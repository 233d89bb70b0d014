#pragma once
// Helpers shared by the store tests: a temporary folder, fixed instants,
// sample records and a second connection to read what a store wrote.

#include <chrono>
#include <filesystem>
#include <string>

#include <unistd.h>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "store/store.hpp"

namespace vigie::store::test {

namespace fs = std::filesystem;
using common::Instant;

// A fresh folder under the system temp folder, removed with its content.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("vigie-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

inline Instant at(int hour, int minute = 0) {
  using namespace date::literals;
  return date::sys_days{2019_y / date::June / 24} + std::chrono::hours(hour) +
         std::chrono::minutes(minute);
}

inline AttemptRecord make_attempt(const std::string& contact, int attempt, int cycle = 1) {
  AttemptRecord record;
  record.cycle = cycle;
  record.contact_id = contact;
  record.attempt = attempt;
  record.start = at(7, attempt);
  record.end = at(7, attempt + 1);
  record.disposition = "completed";
  record.talk_seconds = 95;
  record.answers = {{"alone", "yes"}, {"symptoms", "fatigue|cramps"}};
  return record;
}

inline OutcomeRecord make_outcome(const std::string& contact, int cycle = 1) {
  OutcomeRecord record;
  record.cycle = cycle;
  record.contact_id = contact;
  record.outcome = "completed";
  record.useful = true;
  record.attempts = 2;
  record.scores = {{"risk", 7.5}, {"isolation", 2}};
  record.routes = {{"urgent", "cellule_urgence", at(8)}};
  return record;
}

// A second connection to the same file, to check what the store wrote.
struct Reader {
  explicit Reader(const std::string& path) : sql(soci::sqlite3, "db=\"" + path + "\"") {}

  long long count(const std::string& query) {
    long long n = -1;
    sql << query, soci::into(n);
    return n;
  }

  std::string text(const std::string& query) {
    std::string value;
    soci::indicator indicator = soci::i_ok;
    sql << query, soci::into(value, indicator);
    return indicator == soci::i_null ? "<null>" : value;
  }

  soci::session sql;
};

}  // namespace vigie::store::test
