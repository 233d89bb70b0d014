// Tests of what a resumed run relies on: idempotent records, the run
// identity, group commit and the alert outbox.

#include <catch2/catch.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store_test_support.hpp"

using namespace vigie::store::test;
using vigie::store::AttemptRecord;
using vigie::store::OutboxItem;
using vigie::store::OutcomeRecord;
using vigie::store::Store;
using vigie::store::StoreError;

namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const StoreError& error) {
    return error.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("store repeated identical record returns false", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  auto store = Store::open(path);
  store->begin_cycle("canicule", 1, at(7));

  CHECK(store->record_attempt(make_attempt("R000001", 1)));
  CHECK(store->record_outcome(make_outcome("R000001")));

  AttemptRecord reordered = make_attempt("R000001", 1);
  std::swap(reordered.answers[0], reordered.answers[1]);
  CHECK_FALSE(store->record_attempt(make_attempt("R000001", 1)));
  CHECK_FALSE(store->record_attempt(reordered));
  CHECK_FALSE(store->record_outcome(make_outcome("R000001")));

  Reader reader(path);
  CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 1);
  CHECK(reader.count("SELECT COUNT(*) FROM answers") == 2);
  CHECK(reader.count("SELECT COUNT(*) FROM outcomes") == 1);
  CHECK(reader.count("SELECT COUNT(*) FROM scores") == 2);
  CHECK(reader.count("SELECT COUNT(*) FROM fired_routes") == 1);
}

TEST_CASE("store repeated differing record throws", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  auto store = Store::open(path);
  store->begin_cycle("canicule", 1, at(7));
  store->record_attempt(make_attempt("R000001", 1));
  store->record_outcome(make_outcome("R000001"));
  const std::string attempt_prefix =
      "cannot record attempt 1 of contact 'R000001' in cycle 1 in "
      "store '" +
      path +
      "': another attempt is already stored under this "
      "number (its ";
  const std::string outcome_prefix =
      "cannot record the outcome of contact 'R000001' in cycle 1 "
      "in store '" +
      path +
      "': another outcome is already stored for this "
      "contact (its ";
  const std::string suffix =
      "); the store holds a run that dialled differently, so give another store";

  struct AttemptCase {
    const char* change;
    void (*apply)(AttemptRecord&);
    std::string expected;
  };
  const std::vector<AttemptCase> attempt_cases = {
      {"start", [](AttemptRecord& a) { a.start = at(6); },
       "start differs: '2019-06-24T07:01:00Z' stored, '2019-06-24T06:00:00Z' given"},
      {"end", [](AttemptRecord& a) { a.end = at(9); },
       "end differs: '2019-06-24T07:02:00Z' stored, '2019-06-24T09:00:00Z' given"},
      {"disposition", [](AttemptRecord& a) { a.disposition = "no_answer"; },
       "disposition differs: 'completed' stored, 'no_answer' given"},
      {"talk time", [](AttemptRecord& a) { a.talk_seconds = 3; },
       "talk time in seconds differs: '95' stored, '3' given"},
      {"callback", [](AttemptRecord& a) { a.callback_at = at(16); },
       "callback instant differs: 'none' stored, '2019-06-24T16:00:00Z' given"},
      {"answer value", [](AttemptRecord& a) { a.answers[0].second = "no"; }, "answers differ"},
      {"answer missing", [](AttemptRecord& a) { a.answers.pop_back(); }, "answers differ"},
  };
  for (const AttemptCase& test : attempt_cases) {
    INFO(test.change);
    AttemptRecord changed = make_attempt("R000001", 1);
    test.apply(changed);
    CHECK(error_of([&] { store->record_attempt(changed); }) ==
          attempt_prefix + test.expected + suffix);
  }

  struct OutcomeCase {
    const char* change;
    void (*apply)(OutcomeRecord&);
    std::string expected;
  };
  const std::vector<OutcomeCase> outcome_cases = {
      {"outcome", [](OutcomeRecord& o) { o.outcome = "refused"; },
       "outcome differs: 'completed' stored, 'refused' given"},
      {"useful", [](OutcomeRecord& o) { o.useful = false; },
       "usefulness differs: 'useful' stored, 'not useful' given"},
      {"attempts", [](OutcomeRecord& o) { o.attempts = 3; },
       "attempt count differs: '2' stored, '3' given"},
      {"score", [](OutcomeRecord& o) { o.scores[0].second = 7.25; }, "scores differ"},
      {"route notifier", [](OutcomeRecord& o) { o.routes[0].notifier = "sms"; },
       "fired routes differ"},
      {"route due", [](OutcomeRecord& o) { o.routes[0].due = at(9); }, "fired routes differ"},
      {"route added",
       [](OutcomeRecord& o) {
         o.routes.push_back({"social", "mail", at(8)});
       },
       "fired routes differ"},
  };
  for (const OutcomeCase& test : outcome_cases) {
    INFO(test.change);
    OutcomeRecord changed = make_outcome("R000001");
    test.apply(changed);
    CHECK(error_of([&] { store->record_outcome(changed); }) ==
          outcome_prefix + test.expected + suffix);
  }

  // Nothing was overwritten.
  Reader reader(path);
  CHECK(reader.text("SELECT disposition FROM attempts") == "completed");
  CHECK(reader.count("SELECT COUNT(*) FROM fired_routes") == 1);
}

TEST_CASE("store run identity claim and check", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  {
    auto store = Store::open(path);
    CHECK_FALSE(store->run_identity().has_value());
    store->claim_run("canicule seed=7");
    store->claim_run("canicule seed=7");
    CHECK(store->run_identity() == std::optional<std::string>("canicule seed=7"));
  }

  auto store = Store::open(path);
  CHECK(store->run_identity() == std::optional<std::string>("canicule seed=7"));
  CHECK(error_of([&] { store->claim_run("canicule seed=8"); }) ==
        "cannot claim store '" + path +
            "' for this run: it already holds another run (identity 'canicule seed=7'); resume "
            "that run with the same campaign and options, or give another store");
  CHECK(error_of([&] { store->claim_run(""); }) ==
        "cannot claim store '" + path + "' for a run: the run identity is empty");
}

TEST_CASE("store group commit batches writes", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  auto store = Store::open(path);
  store->begin_cycle("canicule", 1, at(7));
  store->set_batch_size(3);
  Reader reader(path);

  store->record_attempt(make_attempt("R000001", 1));
  store->record_outcome(make_outcome("R000001"));
  CHECK(store->count_attempts(1) == 1);  // the writer reads its own batch
  CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 0);
  CHECK(reader.count("SELECT COUNT(*) FROM outcomes") == 0);

  // A record already stored in the open batch is recognised and not counted.
  CHECK_FALSE(store->record_attempt(make_attempt("R000001", 1)));
  CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 0);

  store->record_attempt(make_attempt("R000002", 1));
  CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 2);
  CHECK(reader.count("SELECT COUNT(*) FROM outcomes") == 1);

  store->record_attempt(make_attempt("R000003", 1));
  CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 2);
  store->flush();
  CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 3);
  store->flush();

  SECTION("end_cycle commits the batch") {
    store->record_attempt(make_attempt("R000004", 1));
    store->end_cycle(1, at(18));
    CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 4);
  }
  SECTION("a smaller batch size commits a full batch") {
    store->record_attempt(make_attempt("R000004", 1));
    store->record_attempt(make_attempt("R000005", 1));
    store->set_batch_size(2);
    CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 5);
  }
  SECTION("closing the store commits the batch") {
    store->record_attempt(make_attempt("R000004", 1));
    store.reset();
    CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 4);
  }
  SECTION("a differing record keeps the batch") {
    store->record_attempt(make_attempt("R000004", 1));
    AttemptRecord changed = make_attempt("R000004", 1);
    changed.disposition = "busy";
    CHECK_THROWS_AS(store->record_attempt(changed), StoreError);
    store->flush();
    CHECK(reader.count("SELECT COUNT(*) FROM attempts") == 4);
  }
}

TEST_CASE("store set_batch_size below 1 throws", "[store]") {
  auto store = Store::open(":memory:");
  for (int size : {0, -1}) {
    INFO(size);
    CHECK(error_of([&] { store->set_batch_size(size); }) ==
          "cannot set the batch size of store ':memory:' to " + std::to_string(size) +
              ": a batch holds at least 1 record");
  }
}

TEST_CASE("store outbox pending alerts order", "[store]") {
  TempDir dir;
  const std::string path = dir.file("vigie.db");
  auto store = Store::open(path);
  store->begin_cycle("canicule", 1, at(7));
  store->set_batch_size(100);

  OutcomeRecord late = make_outcome("R000001");
  late.routes = {{"urgent", "cellule_urgence", at(10)}, {"social", "mail", at(9)}};
  OutcomeRecord early = make_outcome("R000002");
  early.routes = {{"urgent", "cellule_urgence", at(8)}};
  OutcomeRecord tie = make_outcome("R000000");
  tie.routes = {{"urgent", "cellule_urgence", at(10)}};
  for (const OutcomeRecord& outcome : {late, early, tie}) store->record_outcome(outcome);

  // pending_alerts commits the batch first: an alert acted upon is stored.
  std::vector<OutboxItem> pending = store->pending_alerts(1);
  CHECK(Reader(path).count("SELECT COUNT(*) FROM fired_routes") == 4);

  std::vector<std::string> order;
  for (const OutboxItem& item : pending) {
    order.push_back(item.route + "/" + item.contact_id);
    CHECK(item.campaign == "canicule");
    CHECK(item.cycle == 1);
    CHECK(item.delivery_attempts == 0);
    CHECK_FALSE(item.delivered);
  }
  CHECK(order == std::vector<std::string>{"urgent/R000002", "social/R000001", "urgent/R000000",
                                          "urgent/R000001"});
  CHECK(pending[0].notifier == "cellule_urgence");
  CHECK(pending[0].due == at(8));
  CHECK(store->pending_alerts(2).empty());

  store->mark_failed_delivery(1, "urgent", "R000002");
  store->mark_failed_delivery(1, "urgent", "R000002");
  store->mark_delivered(1, "social", "R000001");
  pending = store->pending_alerts(1);
  REQUIRE(pending.size() == 3);
  CHECK(pending[0].contact_id == "R000002");
  CHECK(pending[0].delivery_attempts == 2);
  CHECK(pending[1].contact_id == "R000000");

  // Delivering again is harmless; a resumed run may repeat it.
  store->mark_delivered(1, "social", "R000001");
  CHECK(store->pending_alerts(1).size() == 3);
}

TEST_CASE("store outbox unknown alert throws", "[store]") {
  auto store = Store::open(":memory:");
  store->begin_cycle("canicule", 1, at(7));
  store->record_outcome(make_outcome("R000001"));

  CHECK(error_of([&] { store->mark_delivered(1, "urgent", "R999"); }) ==
        "cannot mark as delivered the alert of route 'urgent' for contact 'R999' in cycle 1 in "
        "store ':memory:': the outbox holds no such alert; record the outcome that fires it "
        "first");
  CHECK(error_of([&] { store->mark_failed_delivery(2, "urgent", "R000001"); }) ==
        "cannot count a failed delivery of the alert of route 'urgent' for contact 'R000001' in "
        "cycle 2 in store ':memory:': the outbox holds no such alert; record the outcome that "
        "fires it first");
}
