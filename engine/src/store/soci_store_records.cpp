// SociStore's record_* calls: idempotent writes of attempts and outcomes
// under group commit, and the comparison with a record stored before.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "store/record_check.hpp"
#include "store/soci_store.hpp"

namespace vigie::store {

namespace {

using NamedTexts = std::vector<std::pair<std::string, std::string>>;

// Names the first field that differs between what is stored and what is
// given, or returns an empty string when both are equal.
struct Difference {
  std::string text;

  void compare(const char* field, const std::string& stored, const std::string& given) {
    if (!text.empty() || stored == given) return;
    text = std::string("its ") + field + " differs: '" + stored + "' stored, '" + given + "' given";
  }
  // For personal data, such as answers: names the field, never the values.
  void compare_quietly(const char* field, bool equal) {
    if (!text.empty() || equal) return;
    text = std::string("its ") + field + " differ";
  }
};

NamedTexts sorted(NamedTexts items) {
  std::sort(items.begin(), items.end());
  return items;
}

// Names the gathered records that a failed write rolled back with it.
std::string lost_records(int lost) {
  if (lost == 0) return "";
  return " (with the " + std::to_string(lost) + " records gathered since the last flush)";
}

}  // namespace

bool SociStore::record_attempt(const AttemptRecord& attempt) {
  require_campaign("record an attempt");
  check_unique_answers(attempt, label());

  Bound& b = bound_;
  b.cycle = attempt.cycle;
  b.contact_id = attempt.contact_id;
  b.attempt = attempt.attempt;
  b.started_at = format_instant(attempt.start);
  b.ended_at = format_instant(attempt.end);
  b.disposition = attempt.disposition;
  b.talk_seconds = attempt.talk_seconds;
  b.callback_indicator = attempt.callback_at ? soci::i_ok : soci::i_null;
  b.callback_at = attempt.callback_at ? format_instant(*attempt.callback_at) : std::string();

  try {
    begin_write();
    insert_attempt_->execute(true);
    if (insert_attempt_->get_affected_rows() == 0) {
      check_same_attempt(attempt);
      return false;
    }
    for (const auto& [question, value] : attempt.answers) {
      b.name = question;
      b.value = value;
      insert_answer_->execute(true);
    }
    count_record();
  } catch (const soci::soci_error& error) {
    const int lost = abandon_batch();
    rethrow(error, "record " + describe_attempt(attempt) + lost_records(lost) + " in " + label());
  }
  return true;
}

bool SociStore::record_outcome(const OutcomeRecord& outcome) {
  require_campaign("record an outcome");
  check_unique_scores_and_routes(outcome, label());

  Bound& b = bound_;
  b.cycle = outcome.cycle;
  b.contact_id = outcome.contact_id;
  b.outcome = outcome.outcome;
  b.useful = outcome.useful ? 1 : 0;
  b.attempts = outcome.attempts;
  b.decided_indicator = outcome.decided_at ? soci::i_ok : soci::i_null;
  b.decided_at = outcome.decided_at ? format_instant(*outcome.decided_at) : std::string();
  b.timezone_indicator = outcome.timezone.empty() ? soci::i_null : soci::i_ok;
  b.timezone = outcome.timezone;

  try {
    begin_write();
    insert_outcome_->execute(true);
    if (insert_outcome_->get_affected_rows() == 0) {
      check_same_outcome(outcome);
      return false;
    }
    for (const auto& [score, value] : outcome.scores) {
      b.name = score;
      b.number = value;
      insert_score_->execute(true);
    }
    for (const FiredRoute& route : outcome.routes) {
      b.name = route.route;
      b.notifier = route.notifier;
      b.due = format_instant(route.due);
      insert_route_->execute(true);
    }
    count_record();
  } catch (const soci::soci_error& error) {
    const int lost = abandon_batch();
    rethrow(error, "record " + describe_outcome(outcome) + lost_records(lost) + " in " + label());
  }
  return true;
}

void SociStore::check_same_attempt(const AttemptRecord& attempt) {
  std::string started_at;
  std::string ended_at;
  std::string disposition;
  long long talk_seconds = 0;
  std::string callback_at;
  soci::indicator callback_indicator = soci::i_null;
  sql_ << "SELECT started_at, ended_at, disposition, talk_s, callback_at FROM attempts WHERE "
          "campaign = :campaign AND cycle = :cycle AND contact_id = :contact_id AND attempt = "
          ":attempt",
      soci::use(campaign_), soci::use(attempt.cycle), soci::use(attempt.contact_id),
      soci::use(attempt.attempt), soci::into(started_at), soci::into(ended_at),
      soci::into(disposition), soci::into(talk_seconds),
      soci::into(callback_at, callback_indicator);

  NamedTexts stored_answers;
  soci::rowset<soci::row> rows =
      (sql_.prepare << "SELECT question, value FROM answers WHERE campaign = :campaign AND cycle "
                       "= :cycle AND contact_id = :contact_id AND attempt = :attempt",
       soci::use(campaign_), soci::use(attempt.cycle), soci::use(attempt.contact_id),
       soci::use(attempt.attempt));
  for (const soci::row& row : rows) {
    stored_answers.emplace_back(row.get<std::string>(0), row.get<std::string>(1));
  }

  Difference difference;
  difference.compare("start", started_at, format_instant(attempt.start));
  difference.compare("end", ended_at, format_instant(attempt.end));
  difference.compare("disposition", disposition, attempt.disposition);
  difference.compare("talk time in seconds", std::to_string(talk_seconds),
                     std::to_string(attempt.talk_seconds));
  difference.compare("callback instant",
                     callback_indicator == soci::i_ok ? callback_at : std::string("none"),
                     attempt.callback_at ? format_instant(*attempt.callback_at) : "none");
  difference.compare_quietly("answers", sorted(stored_answers) == sorted(attempt.answers));
  if (difference.text.empty()) return;

  throw StoreError("cannot record " + describe_attempt(attempt) + " in " + label() +
                   ": another attempt is already stored under this number (" + difference.text +
                   "); the store holds a run that dialled differently, so give another store");
}

void SociStore::check_same_outcome(const OutcomeRecord& outcome) {
  std::string stored_outcome;
  int useful = 0;
  int attempts = 0;
  sql_ << "SELECT outcome, useful, attempts FROM outcomes WHERE campaign = :campaign AND cycle = "
          ":cycle AND contact_id = :contact_id",
      soci::use(campaign_), soci::use(outcome.cycle), soci::use(outcome.contact_id),
      soci::into(stored_outcome), soci::into(useful), soci::into(attempts);

  std::vector<std::pair<std::string, double>> stored_scores;
  soci::rowset<soci::row> score_rows =
      (sql_.prepare << "SELECT score, value FROM scores WHERE campaign = :campaign AND cycle = "
                       ":cycle AND contact_id = :contact_id",
       soci::use(campaign_), soci::use(outcome.cycle), soci::use(outcome.contact_id));
  for (const soci::row& row : score_rows) {
    stored_scores.emplace_back(row.get<std::string>(0), row.get<double>(1));
  }

  NamedTexts stored_routes;
  soci::rowset<soci::row> route_rows =
      (sql_.prepare << "SELECT route, notifier, due FROM fired_routes WHERE campaign = :campaign "
                       "AND cycle = :cycle AND contact_id = :contact_id",
       soci::use(campaign_), soci::use(outcome.cycle), soci::use(outcome.contact_id));
  for (const soci::row& row : route_rows) {
    stored_routes.emplace_back(row.get<std::string>(0),
                               row.get<std::string>(1) + " " + row.get<std::string>(2));
  }
  NamedTexts given_routes;
  for (const FiredRoute& route : outcome.routes) {
    given_routes.emplace_back(route.route, route.notifier + " " + format_instant(route.due));
  }

  auto given_scores = outcome.scores;
  std::sort(stored_scores.begin(), stored_scores.end());
  std::sort(given_scores.begin(), given_scores.end());

  Difference difference;
  difference.compare("outcome", stored_outcome, outcome.outcome);
  difference.compare("usefulness", useful != 0 ? "useful" : "not useful",
                     outcome.useful ? "useful" : "not useful");
  difference.compare("attempt count", std::to_string(attempts), std::to_string(outcome.attempts));
  difference.compare_quietly("scores", stored_scores == given_scores);
  difference.compare_quietly("fired routes", sorted(stored_routes) == sorted(given_routes));
  if (difference.text.empty()) return;

  throw StoreError("cannot record " + describe_outcome(outcome) + " in " + label() +
                   ": another outcome is already stored for this contact (" + difference.text +
                   "); the store holds a run that dialled differently, so give another store");
}

}  // namespace vigie::store
