// Tests of the store's work queue on a throwaway PostgreSQL server on
// 127.0.0.1 (store/pg_fixture.hpp): seeding once, claims that skip locked
// rows and busy numbers, lease take-over and the lost write-back, and the
// rejection of SQLite.

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "store/pg_fixture.hpp"
#include "store/store.hpp"
#include "store/store_test_support.hpp"

using namespace vigie::store::test;
using vigie::store::ContactRecord;
using vigie::store::QueueClaim;
using vigie::store::QueueSeed;
using vigie::store::QueueStep;
using vigie::store::Store;
using vigie::store::StoreError;

namespace {

using namespace std::chrono_literals;

const std::string kCampaign = "canicule";

// Four contacts: Q1 and Q2 share a number, Q3 and Q4 have their own.
// Priorities make the claim order Q3, Q1, Q2, Q4 when all are due.
struct Queue {
  std::string url;
  std::unique_ptr<Store> first;
  std::unique_ptr<Store> second;

  Queue() : url(shared_postgres().create_database()) {
    first = open();
    second = open();
    std::vector<ContactRecord> contacts = {{"Q1", 2, "+33199000001", {}},
                                           {"Q2", 3, "+33199000001", {}},
                                           {"Q3", 4, "+33199000003", {}},
                                           {"Q4", 5, "+33199000004", {}}};
    std::vector<QueueSeed> seeds = {{"Q1", "+33199000001", at(8), 5},
                                    {"Q2", "+33199000001", at(8), 4},
                                    {"Q3", "+33199000003", at(8), 9},
                                    {"Q4", "+33199000004", at(8), 1}};
    REQUIRE(first->seed_queue(1, contacts, {}, seeds));
  }

  std::unique_ptr<Store> open() const {
    auto store = Store::open(url);
    store->begin_cycle(kCampaign, 1, at(8));
    return store;
  }

  long long count(const std::string& query) const {
    soci::session sql(*soci::factory_postgresql(), url.substr(std::string("postgresql://").size()));
    long long n = -1;
    sql << query, soci::into(n);
    return n;
  }
};

// The attempt a worker places for a claim: one minute of no_answer.
QueueStep retry_step(const QueueClaim& claim, vigie::common::Instant start) {
  QueueStep step;
  vigie::store::AttemptRecord attempt;
  attempt.cycle = 1;
  attempt.contact_id = claim.contact_id;
  attempt.attempt = claim.attempts + 1;
  attempt.start = start;
  attempt.end = start + 1min;
  attempt.disposition = "no_answer";
  step.attempt = attempt;
  step.next_due = start + 2h;
  return step;
}

}  // namespace

TEST_CASE("work queue seeds a cycle once", "[workers]") {
  Queue queue;

  std::vector<ContactRecord> contacts = {{"Q9", 9, "+33199000009", {}}};
  CHECK_FALSE(queue.second->seed_queue(1, contacts, {}, {{"Q9", "+33199000009", at(8), 0}}));
  CHECK(queue.count("SELECT COUNT(*) FROM work_queue") == 4);
  CHECK(queue.count("SELECT COUNT(*) FROM contacts") == 4);
  CHECK(queue.count("SELECT COUNT(*) FROM work_queue WHERE state = 'waiting'") == 4);
}

TEST_CASE("work queue claims by priority and skips busy numbers", "[workers]") {
  Queue queue;

  // Nothing is due before 08:00.
  CHECK_FALSE(queue.first->claim_due(1, "a", at(7, 59), 30s));

  auto q3 = queue.first->claim_due(1, "a", at(8), 30s);
  REQUIRE(q3);
  CHECK(q3->contact_id == "Q3");
  CHECK(q3->claim == 1);
  CHECK(q3->attempts == 0);
  CHECK_FALSE(q3->taken_over);

  auto q1 = queue.second->claim_due(1, "b", at(8), 30s);
  REQUIRE(q1);
  CHECK(q1->contact_id == "Q1");

  // Q2 shares Q1's number, which is on a call: Q4 comes next.
  auto q4 = queue.first->claim_due(1, "c", at(8), 30s);
  REQUIRE(q4);
  CHECK(q4->contact_id == "Q4");
  CHECK_FALSE(queue.second->claim_due(1, "d", at(8), 30s));

  // Once Q1's attempt is written back, Q2 waits for the end of that call.
  REQUIRE(queue.second->advance_queue(*q1, retry_step(*q1, at(8))));
  CHECK_FALSE(queue.second->claim_due(1, "d", at(8), 30s));
  auto q2 = queue.second->claim_due(1, "d", at(8, 1), 30s);
  REQUIRE(q2);
  CHECK(q2->contact_id == "Q2");
  CHECK(q2->due == at(8, 1));
}

TEST_CASE("work queue status and next due time", "[workers]") {
  Queue queue;

  auto q3 = queue.first->claim_due(1, "a", at(8), 30s);
  REQUIRE(q3);
  REQUIRE(queue.first->advance_queue(*q3, retry_step(*q3, at(8))));
  auto q1 = queue.first->claim_due(1, "a", at(8), 30s);
  REQUIRE(q1);

  vigie::store::QueueStatus status = queue.first->queue_status(1);
  CHECK(status.waiting == 3);
  CHECK(status.claimed == 1);
  CHECK(status.done == 0);
  // Q2's number is on a call, so Q4 is the next claimable row.
  REQUIRE(status.next_due);
  CHECK(*status.next_due == at(8));
  CHECK_FALSE(status.last_decided);
}

TEST_CASE("work queue takes over an expired lease", "[workers]") {
  Queue queue;

  auto expired_claim = queue.first->claim_due(1, "a", at(8), 1ms);
  REQUIRE(expired_claim);
  std::this_thread::sleep_for(20ms);

  auto takeover = queue.second->claim_due(1, "b", at(8), 30s);
  REQUIRE(takeover);
  CHECK(takeover->contact_id == expired_claim->contact_id);
  CHECK(takeover->claim == 2);
  CHECK(takeover->taken_over);

  // The first worker's write-back is rejected and writes nothing.
  CHECK_FALSE(queue.first->advance_queue(*expired_claim, retry_step(*expired_claim, at(8))));
  CHECK(queue.count("SELECT COUNT(*) FROM attempts") == 0);

  REQUIRE(queue.second->advance_queue(*takeover, retry_step(*takeover, at(8))));
  CHECK(queue.count("SELECT COUNT(*) FROM attempts") == 1);
  CHECK(queue.count("SELECT COUNT(*) FROM work_claims WHERE released_ms IS NULL") == 1);
  CHECK(queue.count("SELECT COUNT(*) FROM work_claims WHERE worker = 'b' AND released_ms IS NOT "
                    "NULL") == 1);
}

TEST_CASE("work queue writes an outcome with the row", "[workers]") {
  Queue queue;

  auto claim = queue.first->claim_due(1, "a", at(8), 30s);
  REQUIRE(claim);
  QueueStep step = retry_step(*claim, at(8));
  step.attempt->disposition = "completed";
  step.attempt->answers = {{"alone", "yes"}};
  vigie::store::OutcomeRecord outcome = make_outcome(claim->contact_id);
  outcome.attempts = 1;
  step.outcome = outcome;
  step.decided_at = at(8, 1);
  REQUIRE(queue.first->advance_queue(*claim, step));

  CHECK(queue.count("SELECT COUNT(*) FROM work_queue WHERE state = 'done' AND outcome = "
                    "'completed'") == 1);
  CHECK(queue.count("SELECT COUNT(*) FROM outcomes") == 1);
  CHECK(queue.count("SELECT COUNT(*) FROM fired_routes") == 1);
  auto answers = queue.second->attempt_answers(1, claim->contact_id, 1);
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].first == "alone");
  CHECK(answers[0].second == "yes");
  auto stored = queue.second->stored_outcome(1, claim->contact_id);
  REQUIRE(stored);
  CHECK(stored->outcome == "completed");
  CHECK(stored->routes.size() == 1);
  CHECK_FALSE(queue.second->stored_outcome(1, "Q4"));

  vigie::store::QueueStatus status = queue.second->queue_status(1);
  CHECK(status.done == 1);
  REQUIRE(status.last_decided);
  CHECK(*status.last_decided == at(8, 1));
}

TEST_CASE("work queue rejects an attempt number out of order", "[workers]") {
  Queue queue;

  auto claim = queue.first->claim_due(1, "a", at(8), 30s);
  REQUIRE(claim);
  QueueStep step = retry_step(*claim, at(8));
  step.attempt->attempt = 3;
  CHECK_THROWS_WITH(queue.first->advance_queue(*claim, step),
                    Catch::Contains("so the next is attempt 1, not attempt 3"));
}

TEST_CASE("work queue rejects a SQLite store", "[workers]") {
  TempDir dir;
  auto store = Store::open(dir.file("vigie.db"));
  store->begin_cycle(kCampaign, 1, at(8));

  CHECK_THROWS_WITH(store->claim_due(1, "a", at(8), 30s),
                    Catch::Contains("needs a PostgreSQL store") && Catch::Contains("vigie run"));
  CHECK_THROWS_AS(store->seed_queue(1, {}, {}, {}), StoreError);
  CHECK_THROWS_AS(store->queue_status(1), StoreError);
}
