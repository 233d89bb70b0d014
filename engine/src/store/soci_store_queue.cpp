// SociStore's work queue for `vigie work`: seeding a cycle once, claiming
// due rows with FOR UPDATE SKIP LOCKED under a wall-clock lease, and
// writing each attempt with the row's next state in one transaction.
// The queue SQL is PostgreSQL's: SQLite has a single writer and no row
// locks, so every queue call there throws StoreError.

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "store/record_check.hpp"
#include "store/soci_store.hpp"

namespace vigie::store {

namespace {

// Candidates fetched per claim. A candidate can lose its number to another
// worker between the query and its lock, so a few are taken at once. The
// rows not claimed are unlocked at commit.
constexpr int kClaimCandidates = 8;

// The database server's wall clock in milliseconds since 1970. Every lease
// is read and written against this one clock, never a worker's own.
constexpr const char* kServerMilliseconds =
    "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

// Rows a worker may claim at virtual time :now: waiting rows and expired
// claims, due by then, whose phone number no other row holds under a live
// lease. Each placeholder appears once, because the values are bound by
// position.
constexpr const char* kClaimableRows = R"(
    FROM work_queue q
    WHERE q.campaign = :campaign AND q.cycle = :cycle
      AND (q.state = 'waiting' OR (q.state = 'claimed' AND q.lease_until_ms < :expired_ms))
      AND NOT EXISTS (
        SELECT 1 FROM work_queue o
        WHERE o.campaign = q.campaign AND o.cycle = q.cycle AND o.phone = q.phone
          AND o.contact_id <> q.contact_id AND o.state = 'claimed'
          AND o.lease_until_ms >= :live_ms))";

struct Candidate {
  QueueClaim claim;
  std::string phone;
};

}  // namespace

void SociStore::require_postgresql(std::string_view action) const {
  if (dialect_ == Dialect::kPostgresql) return;
  throw StoreError("cannot " + std::string(action) + " in " + label() +
                   ": the work queue of `vigie work` needs a PostgreSQL store, which several "
                   "processes can share; give --store postgresql://host=HOST dbname=NAME, or run "
                   "the campaign in one process with `vigie run`");
}

bool SociStore::seed_queue(int cycle, const std::vector<ContactRecord>& contacts,
                           const std::vector<RejectedRecord>& rejected,
                           const std::vector<QueueSeed>& seeds) {
  require_campaign("seed the work queue");
  require_postgresql("seed the work queue");
  check_unique_contacts(contacts, cycle, label());

  try {
    flush();
    soci::transaction transaction(sql_);
    // Workers starting together queue behind this lock, held until the
    // commit, and find the queue seeded when they get it.
    int locked = 0;
    sql_ << "SELECT 1 FROM pg_advisory_xact_lock(hashtext(:campaign), :cycle)",
        soci::use(campaign_), soci::use(cycle), soci::into(locked);
    long long rows = 0;
    sql_ << "SELECT COUNT(*) FROM work_queue WHERE campaign = :campaign AND cycle = :cycle",
        soci::use(campaign_), soci::use(cycle), soci::into(rows);
    if (rows > 0) return false;

    insert_snapshot(cycle, contacts, rejected);

    std::string contact_id;
    std::string phone;
    std::string due;
    double priority = 0;
    soci::statement insert =
        (sql_.prepare << "INSERT INTO work_queue (campaign, cycle, contact_id, phone, state, due, "
                         "priority) VALUES (:campaign, :cycle, :contact_id, :phone, 'waiting', "
                         ":due, :priority)",
         soci::use(campaign_), soci::use(cycle), soci::use(contact_id), soci::use(phone),
         soci::use(due), soci::use(priority));
    for (const QueueSeed& seed : seeds) {
      contact_id = seed.contact_id;
      phone = seed.phone;
      due = format_instant(seed.due);
      // A NaN priority would sort before every number on PostgreSQL.
      priority =
          seed.priority == seed.priority ? seed.priority : std::numeric_limits<double>::lowest();
      insert.execute(true);
    }
    transaction.commit();
    // Without statistics on the new rows, PostgreSQL plans the claims as
    // scans of the whole queue until autovacuum gets to it.
    sql_ << "ANALYZE work_queue";
  } catch (const soci::soci_error& error) {
    rethrow(error, "seed the work queue of cycle " + std::to_string(cycle) + " in " + label());
  }
  return true;
}

void SociStore::insert_snapshot(int cycle, const std::vector<ContactRecord>& contacts,
                                const std::vector<RejectedRecord>& rejected) {
  bound_.cycle = cycle;
  for (const ContactRecord& contact : contacts) {
    bound_.contact_id = contact.contact_id;
    bound_.row_number = static_cast<long long>(contact.row_number);
    bound_.phone = contact.phone;
    insert_contact_->execute(true);
    for (const auto& [name, value] : contact.fields) {
      bound_.name = name;
      bound_.value = value;
      insert_field_->execute(true);
    }
  }

  // The same rule as save_rejected: rows stored by an earlier run are kept.
  long long stored = 0;
  sql_ << "SELECT COUNT(*) FROM rejected_rows WHERE campaign = :campaign AND cycle = :cycle",
      soci::use(campaign_), soci::use(cycle), soci::into(stored);
  if (stored > 0) return;
  for (const RejectedRecord& row : rejected) {
    bound_.row_number = static_cast<long long>(row.row_number);
    bound_.name = row.field;
    bound_.value = row.value;
    bound_.reason = row.reason;
    insert_rejected_->execute(true);
  }
}

std::optional<QueueClaim> SociStore::claim_due(int cycle, const std::string& worker,
                                               common::Instant now,
                                               std::chrono::milliseconds lease) {
  require_campaign("claim a contact");
  require_postgresql("claim a contact");
  if (worker.empty()) {
    throw StoreError("cannot claim a contact in " + label() + ": the worker name is empty");
  }

  const std::string now_text = format_instant(now);
  try {
    flush();
    soci::transaction transaction(sql_);
    long long now_ms = 0;
    sql_ << std::string("SELECT ") + kServerMilliseconds, soci::into(now_ms);

    std::vector<Candidate> candidates;
    soci::rowset<soci::row> rows =
        (sql_.prepare << std::string("SELECT q.contact_id, q.phone, q.due, q.attempts, q.claims, "
                                     "q.state") +
                             kClaimableRows +
                             " AND q.due <= :now ORDER BY q.priority DESC, q.due, q.contact_id "
                             "LIMIT " +
                             std::to_string(kClaimCandidates) + " FOR UPDATE OF q SKIP LOCKED",
         soci::use(campaign_), soci::use(cycle), soci::use(now_ms), soci::use(now_ms),
         soci::use(now_text));
    for (const soci::row& row : rows) {
      Candidate candidate;
      candidate.claim.cycle = cycle;
      candidate.claim.contact_id = row.get<std::string>(0);
      candidate.phone = row.get<std::string>(1);
      candidate.claim.due = parse_instant(row.get<std::string>(2), label());
      candidate.claim.attempts = row.get<int>(3);
      candidate.claim.claim = row.get<int>(4) + 1;
      candidate.claim.taken_over = row.get<std::string>(5) == "claimed";
      candidate.claim.worker = worker;
      candidates.push_back(std::move(candidate));
    }

    for (const Candidate& candidate : candidates) {
      if (!try_claim(candidate.claim, candidate.phone, now_ms, lease)) continue;
      transaction.commit();
      return candidate.claim;
    }
    transaction.commit();
  } catch (const soci::soci_error& error) {
    rethrow(error, "claim a contact of cycle " + std::to_string(cycle) + " for worker '" + worker +
                       "' in " + label());
  }
  return std::nullopt;
}

// Claims one locked candidate unless its phone number is taken. The
// advisory lock on the number, held until commit, stops two workers from
// claiming two contacts of one number in transactions that cannot yet see
// each other.
bool SociStore::try_claim(const QueueClaim& candidate, const std::string& phone,
                          std::int64_t now_ms, std::chrono::milliseconds lease) {
  int locked = 0;
  sql_ << "SELECT CASE WHEN pg_try_advisory_xact_lock(hashtext(:campaign), hashtext(:phone)) "
          "THEN 1 ELSE 0 END",
      soci::use(campaign_), soci::use(phone), soci::into(locked);
  if (locked == 0) return false;

  const long long live_ms = now_ms;
  long long holders = 0;
  sql_ << "SELECT COUNT(*) FROM work_queue WHERE campaign = :campaign AND cycle = :cycle AND "
          "phone = :phone AND contact_id <> :contact_id AND state = 'claimed' AND lease_until_ms "
          ">= :live_ms",
      soci::use(campaign_), soci::use(candidate.cycle), soci::use(phone),
      soci::use(candidate.contact_id), soci::use(live_ms), soci::into(holders);
  if (holders > 0) return false;

  const long long until_ms = now_ms + lease.count();
  const int attempt = candidate.attempts + 1;
  sql_ << "UPDATE work_queue SET state = 'claimed', claims = :claim, claimed_by = :worker, "
          "lease_until_ms = :until_ms WHERE campaign = :campaign AND cycle = :cycle AND "
          "contact_id = :contact_id",
      soci::use(candidate.claim), soci::use(candidate.worker), soci::use(until_ms),
      soci::use(campaign_), soci::use(candidate.cycle), soci::use(candidate.contact_id);
  sql_ << "INSERT INTO work_claims (campaign, cycle, contact_id, claim, worker, attempt, "
          "claimed_ms, lease_until_ms) VALUES (:campaign, :cycle, :contact_id, :claim, :worker, "
          ":attempt, :claimed_ms, :until_ms)",
      soci::use(campaign_), soci::use(candidate.cycle), soci::use(candidate.contact_id),
      soci::use(candidate.claim), soci::use(candidate.worker), soci::use(attempt),
      soci::use(live_ms), soci::use(until_ms);
  return true;
}

bool SociStore::advance_queue(const QueueClaim& claim, const QueueStep& step) {
  require_campaign("write back a claimed contact");
  require_postgresql("write back a claimed contact");
  if (step.attempt && (step.attempt->attempt != claim.attempts + 1 ||
                       step.attempt->contact_id != claim.contact_id)) {
    throw StoreError("cannot write back the claim of contact '" + claim.contact_id + "' in " +
                     label() + ": it holds " + std::to_string(claim.attempts) +
                     " attempts, so the next is attempt " + std::to_string(claim.attempts + 1) +
                     ", not " + describe_attempt(*step.attempt));
  }

  // The attempt, the outcome and the queue row commit together: record_*
  // would commit each record as it is counted, so the batch is held open
  // until the end of this call.
  const int batch_size = batch_size_;
  batch_size_ = std::numeric_limits<int>::max();
  bool written = false;
  try {
    flush();
    begin_write();
    written = write_step(claim, step);
    if (written) {
      if (step.attempt) record_attempt(*step.attempt);
      if (step.outcome) record_outcome(*step.outcome);
    }
  } catch (const soci::soci_error& error) {
    batch_size_ = batch_size;
    abandon_batch();
    rethrow(error, "write back the claim of contact '" + claim.contact_id + "' in " + label());
  } catch (...) {
    // record_* have rolled back already; abandon_batch ignores that.
    batch_size_ = batch_size;
    abandon_batch();
    throw;
  }

  batch_size_ = batch_size;
  if (!written) {
    abandon_batch();
    return false;
  }
  flush();
  return true;
}

// Updates the claimed row, if the claim is still this worker's, and closes
// its line in work_claims. Returns false when the claim was lost.
bool SociStore::write_step(const QueueClaim& claim, const QueueStep& step) {
  const bool done = step.outcome.has_value();
  const std::string state = done ? "done" : "waiting";
  const std::string due = format_instant(done ? claim.due : step.next_due);
  const int attempts = claim.attempts + (step.attempt ? 1 : 0);
  std::string disposition = step.attempt ? step.attempt->disposition : std::string();
  soci::indicator disposition_indicator = step.attempt ? soci::i_ok : soci::i_null;
  std::string outcome = done ? step.outcome->outcome : std::string();
  soci::indicator outcome_indicator = done ? soci::i_ok : soci::i_null;
  std::string decided_at = done ? format_instant(step.decided_at) : std::string();
  soci::indicator decided_indicator = done ? soci::i_ok : soci::i_null;

  soci::statement update =
      (sql_.prepare << "UPDATE work_queue SET state = :state, due = :due, attempts = :attempts, "
                       "claimed_by = NULL, lease_until_ms = NULL, last_disposition = "
                       "COALESCE(:disposition, last_disposition), outcome = :outcome, decided_at "
                       "= :decided_at WHERE campaign = :campaign AND cycle = :cycle AND "
                       "contact_id = :contact_id AND state = 'claimed' AND claimed_by = :worker "
                       "AND claims = :claim",
       soci::use(state), soci::use(due), soci::use(attempts),
       soci::use(disposition, disposition_indicator), soci::use(outcome, outcome_indicator),
       soci::use(decided_at, decided_indicator), soci::use(campaign_), soci::use(claim.cycle),
       soci::use(claim.contact_id), soci::use(claim.worker), soci::use(claim.claim));
  update.execute(true);
  if (update.get_affected_rows() == 0) return false;

  sql_ << std::string("UPDATE work_claims SET released_ms = ") + kServerMilliseconds +
              " WHERE campaign = :campaign AND cycle = :cycle AND contact_id = :contact_id AND "
              "claim = :claim",
      soci::use(campaign_), soci::use(claim.cycle), soci::use(claim.contact_id),
      soci::use(claim.claim);
  if (!step.attempt) return true;

  // The number was on a call until the attempt's end: the other contacts
  // sharing it wait for that end, in virtual time, as `vigie run` makes
  // them wait. Without this, a worker whose clock lags could call one of
  // them during the call.
  // NOTE: two workers writing back two contacts of one number at once
  // each wait for the other's row; PostgreSQL then aborts one transaction
  // as a deadlock. It takes a lease expiring mid-call, since a number is
  // claimed by one worker at a time otherwise.
  const std::string end = format_instant(step.attempt->end);
  sql_ << "UPDATE work_queue SET due = :end WHERE campaign = :campaign AND cycle = :cycle AND "
          "state = 'waiting' AND due < :earlier_than AND contact_id <> :contact_id AND phone = "
          "(SELECT phone FROM work_queue WHERE campaign = :same_campaign AND cycle = :same_cycle "
          "AND contact_id = :same_contact_id)",
      soci::use(end), soci::use(campaign_), soci::use(claim.cycle), soci::use(end),
      soci::use(claim.contact_id), soci::use(campaign_), soci::use(claim.cycle),
      soci::use(claim.contact_id);
  return true;
}

QueueStatus SociStore::queue_status(int cycle) {
  require_campaign("read the work queue");
  require_postgresql("read the work queue");

  QueueStatus status;
  try {
    flush();
    soci::rowset<soci::row> counts =
        (sql_.prepare << "SELECT state, COUNT(*) FROM work_queue WHERE campaign = :campaign AND "
                         "cycle = :cycle GROUP BY state",
         soci::use(campaign_), soci::use(cycle));
    for (const soci::row& row : counts) {
      const std::string state = row.get<std::string>(0);
      const auto count = static_cast<std::int64_t>(row.get<long long>(1));
      if (state == "waiting") status.waiting = count;
      if (state == "claimed") status.claimed = count;
      if (state == "done") status.done = count;
    }

    long long now_ms = 0;
    sql_ << std::string("SELECT ") + kServerMilliseconds, soci::into(now_ms);
    std::string next_due;
    soci::indicator next_indicator = soci::i_null;
    sql_ << std::string("SELECT MIN(q.due)") + kClaimableRows, soci::use(campaign_),
        soci::use(cycle), soci::use(now_ms), soci::use(now_ms),
        soci::into(next_due, next_indicator);
    if (next_indicator == soci::i_ok) status.next_due = parse_instant(next_due, label());

    std::string last;
    soci::indicator last_indicator = soci::i_null;
    sql_ << "SELECT MAX(decided_at) FROM work_queue WHERE campaign = :campaign AND cycle = "
            ":cycle AND state = 'done'",
        soci::use(campaign_), soci::use(cycle), soci::into(last, last_indicator);
    if (last_indicator == soci::i_ok) status.last_decided = parse_instant(last, label());
  } catch (const soci::soci_error& error) {
    rethrow(error, "read the work queue of cycle " + std::to_string(cycle) + " in " + label());
  }
  return status;
}

std::vector<std::pair<std::string, std::string>> SociStore::attempt_answers(
    int cycle, const std::string& contact_id, int attempt) {
  require_campaign("read the answers of an attempt");

  std::vector<std::pair<std::string, std::string>> answers;
  try {
    flush();
    soci::rowset<soci::row> rows =
        (sql_.prepare << "SELECT question, value FROM answers WHERE campaign = :campaign AND "
                         "cycle = :cycle AND contact_id = :contact_id AND attempt = :attempt "
                         "ORDER BY question",
         soci::use(campaign_), soci::use(cycle), soci::use(contact_id), soci::use(attempt));
    for (const soci::row& row : rows) {
      answers.emplace_back(row.get<std::string>(0), row.get<std::string>(1));
    }
  } catch (const soci::soci_error& error) {
    rethrow(error, "read the answers of attempt " + std::to_string(attempt) + " of contact '" +
                       contact_id + "' in cycle " + std::to_string(cycle) + " in " + label());
  }
  return answers;
}

std::optional<OutcomeRecord> SociStore::stored_outcome(int cycle, const std::string& contact_id) {
  require_campaign("read an outcome");

  OutcomeRecord record;
  record.cycle = cycle;
  record.contact_id = contact_id;
  try {
    flush();
    int useful = 0;
    std::string decided_at;
    soci::indicator decided_indicator = soci::i_null;
    soci::indicator timezone_indicator = soci::i_null;
    sql_ << "SELECT outcome, useful, attempts, decided_at, timezone FROM outcomes WHERE campaign "
            "= :campaign AND cycle = :cycle AND contact_id = :contact_id",
        soci::use(campaign_), soci::use(cycle), soci::use(contact_id), soci::into(record.outcome),
        soci::into(useful), soci::into(record.attempts), soci::into(decided_at, decided_indicator),
        soci::into(record.timezone, timezone_indicator);
    if (!sql_.got_data()) return std::nullopt;
    record.useful = useful != 0;
    if (decided_indicator == soci::i_ok) record.decided_at = parse_instant(decided_at, label());
    if (timezone_indicator != soci::i_ok) record.timezone.clear();

    soci::rowset<soci::row> scores =
        (sql_.prepare << "SELECT score, value FROM scores WHERE campaign = :campaign AND cycle = "
                         ":cycle AND contact_id = :contact_id",
         soci::use(campaign_), soci::use(cycle), soci::use(contact_id));
    for (const soci::row& row : scores) {
      record.scores.emplace_back(row.get<std::string>(0), row.get<double>(1));
    }
    soci::rowset<soci::row> routes =
        (sql_.prepare << "SELECT route, notifier, due FROM fired_routes WHERE campaign = "
                         ":campaign AND cycle = :cycle AND contact_id = :contact_id",
         soci::use(campaign_), soci::use(cycle), soci::use(contact_id));
    for (const soci::row& row : routes) {
      record.routes.push_back({row.get<std::string>(0), row.get<std::string>(1),
                               parse_instant(row.get<std::string>(2), label())});
    }
  } catch (const soci::soci_error& error) {
    rethrow(error, "read the outcome of contact '" + contact_id + "' in cycle " +
                       std::to_string(cycle) + " in " + label());
  }
  return record;
}

}  // namespace vigie::store
