#pragma once
// One `vigie work` process: a call line that shares a campaign cycle with
// other worker processes through the work queue of a PostgreSQL store.
//
// The first worker seeds the cycle's queue from the register, and the
// others find it seeded. Each worker then loops. It claims the best due
// contact under a wall-clock lease and places its next attempt on the
// worker's own virtual clock. Then it writes the attempt, the retry
// decision and, once the contact leaves the cycle, its outcome, in one
// transaction.
// When nothing is due, the worker's clock jumps to the next due time, so
// that N workers progress like N call lines. A claim whose lease expires
// (its worker died) is claimed again and its attempt placed again: the
// placement is at least once, and the store keeps one record per attempt
// number. A worker stops when no row of the cycle is waiting or claimed.
//
// Differences from `vigie run`:
// - one cycle per invocation (cycle 1 from --activate);
// - contacts sharing a phone number are never claimed at the same time,
//   but each is called on its own, never offered in one household call;
// - each call occupies the worker's line from its claim, so a worker whose
//   clock ran ahead places a late-claimed attempt at its own later time.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "runtime/run.hpp"

namespace vigie::runtime {

struct WorkOptions {
  RunOptions run;  // campaign, --config, --roster, --dialer, --seed, --activate, --out, --store
  std::string worker;
  // How long a claim stays this worker's without being written back, in
  // wall-clock time. Another worker takes the contact over after that.
  std::chrono::milliseconds lease{std::chrono::seconds{30}};
};

// The counts and instants of one worker's run.
struct WorkReport {
  std::string campaign;
  std::string title;
  std::string timezone;
  std::string worker;
  std::string store_url;
  int cycle = 1;
  common::Instant cycle_start{};
  bool seeded = false;   // this worker seeded the queue
  bool resumed = false;  // the store held this run already
  std::size_t contacts = 0;
  std::size_t claims = 0;
  std::size_t taken_over = 0;  // claims of rows whose previous lease expired
  std::size_t attempts = 0;
  std::size_t postponed = 0;  // claims released unplaced: calling hours closed
  std::size_t outcomes = 0;
  std::map<std::string, std::size_t> outcome_counts;  // outcome name -> contacts
  std::size_t useful = 0;
  std::size_t lost_claims = 0;  // written back after another worker took the row over
  std::size_t alerts_delivered = 0;
  std::size_t alerts_failed = 0;  // still pending when this worker stopped
  common::Instant clock_end{};    // the worker's virtual clock at the end
  // The queue when the worker stopped: every contact of the cycle.
  std::int64_t queue_done = 0;
  std::optional<common::Instant> cycle_end;  // set by the worker that saw the queue empty
  std::string summary_file;                  // written into the output folder
};

// Runs one worker to the end of the cycle. Throws CampaignError when the
// campaign does not compile and RunError when the worker cannot run: a
// store that is not PostgreSQL, a store holding another run, an empty or
// invalid worker name, a plugin or store failure.
WorkReport run_worker(const WorkOptions& options);

// Prints the worker's report in French and English, like `vigie run`.
void print_work_summary(std::ostream& out, const WorkReport& report);

}  // namespace vigie::runtime
