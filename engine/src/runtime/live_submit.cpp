// LiveCampaign: settling an agent's draft questionnaire, and recording
// the attempts of a call under the same rules as `vigie run`: answers
// merged over the cycle, `completed` downgraded when the questionnaire is
// incomplete, the retry policy, then scores, routes and the outbox for the
// people whose cycle ends.

#include <algorithm>
#include <cstdio>
#include <set>

#include <spdlog/spdlog.h>

#include "runtime/answers.hpp"
#include "runtime/live_impl.hpp"
#include "runtime/records.hpp"

namespace vigie::runtime {

namespace {

LiveError invalid(const std::string& message) {
  return LiveError(LiveError::Kind::invalid, message);
}

std::string campaign_dispositions(const ir::Campaign& campaign) {
  std::string names;
  for (const ir::Disposition& disposition : campaign.dispositions) {
    if (disposition.name == "unreachable") continue;
    names += (names.empty() ? "" : ", ") + disposition.name;
  }
  return names;
}

// Whether a callback without a time would end the person's cycle: the
// policy has no `on callback` line and its `otherwise` is `stop`.
bool callback_needs_time(const ir::Campaign& campaign) {
  const auto index = static_cast<std::size_t>(ir::kCallback);
  const bool own_line = index < campaign.retry.on.size() &&
                        campaign.retry.on[index].kind != ir::RetryAction::Kind::unset;
  return !own_line && campaign.retry.otherwise.kind == ir::RetryAction::Kind::stop;
}

// The position of a contact in a hold, or nullopt.
std::optional<std::size_t> position_in(const Hold& hold, const OpenCycle& cycle,
                                       const std::string& contact_id) {
  for (std::size_t k = 0; k < hold.people.size(); ++k) {
    if (cycle.roster->contact(hold.people[k]).id == contact_id) return k;
  }
  return std::nullopt;
}

std::string people_of(const Hold& hold, const OpenCycle& cycle) {
  std::string ids;
  for (std::size_t person : hold.people) {
    ids += (ids.empty() ? "" : ", ") + cycle.roster->contact(person).id;
  }
  return ids;
}

// Checks every answer, and that no question is answered twice: which of
// two answers the agent meant cannot be told.
void check_answers(const ir::Campaign& campaign, const std::string& contact_id,
                   const std::vector<Answer>& answers) {
  std::set<std::string> seen;
  for (const Answer& answer : answers) {
    if (std::optional<std::string> problem = answer_problem(campaign, answer)) {
      throw invalid("contact " + contact_id + ": " + *problem);
    }
    if (!seen.insert(answer.question).second) {
      throw invalid("contact " + contact_id + ": question '" + answer.question +
                    "' is answered twice; give one answer per question");
    }
  }
}

// How far before `now` a callback time may be. The agent types the time
// to the minute while the person talks, so "call me back now" may name the
// minute that has just begun, up to 59 s before `now`.
constexpr std::chrono::minutes kCallbackTolerance{1};

// The callback time as the agent gave it, YYYY-MM-DDTHH:MM.
std::string callback_text(const LocalDateTime& local) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d", local.date.year,
                static_cast<int>(local.date.month), static_cast<int>(local.date.day),
                static_cast<int>(local.hour), static_cast<int>(local.minute));
  return text;
}

// Rejects a callback time `at` that is already past at `now`, beyond the
// tolerance, or at or after the end of the cycle's retry window, where
// the retry policy could only end the person's cycle as unreachable.
void check_callback_time(const std::string& contact_id, const LocalDateTime& given, Instant at,
                         Instant now, const schedule::CycleWindow& window,
                         const date::time_zone* zone) {
  const std::string window_end = common::format_local_iso(window.end, zone);
  const std::string advice =
      "choose a time before " + window_end + " (" + zone->name() + "), or record no_answer";
  if (at < now - kCallbackTolerance) {
    throw invalid("contact " + contact_id + ": the callback time " + callback_text(given) +
                  " is already past; it is " + common::format_local_iso(now, zone) +
                  " for the person; " + advice);
  }
  if (at >= window.end) {
    throw invalid("contact " + contact_id + ": the callback time " + callback_text(given) +
                  " is at or after the end of this cycle's retry window, " + window_end +
                  " in the person's zone; " + advice);
  }
}

// The disposition, answers and callback given for one person of the hold,
// once checked.
struct PersonCall {
  std::int32_t disposition = 0;
  const std::vector<Answer>* answers = nullptr;
  std::optional<Instant> callback_at;
};

// A line disposition (no_answer, busy, voicemail, failed, wrong_number)
// describes the number, so it applies to everyone on it: it cannot stand
// beside another disposition for a person of the same call.
void check_line_agrees(const ir::Campaign& campaign, const Hold& hold, const OpenCycle& cycle,
                       const std::vector<std::optional<PersonCall>>& calls) {
  std::optional<std::size_t> line;
  for (std::size_t k = 0; k < calls.size(); ++k) {
    if (calls[k] && is_line_disposition(calls[k]->disposition)) {
      line = k;
      break;
    }
  }
  if (!line) return;

  for (std::size_t k = 0; k < calls.size(); ++k) {
    if (!calls[k] || calls[k]->disposition == calls[*line]->disposition) continue;
    throw invalid("contact " + cycle.roster->contact(hold.people[*line]).id + " is recorded as " +
                  disposition_name(campaign, calls[*line]->disposition) +
                  ", a line disposition that applies to everyone on the number, but contact " +
                  cycle.roster->contact(hold.people[k]).id + " is recorded as " +
                  disposition_name(campaign, calls[k]->disposition) +
                  "; give the same line disposition for everyone, or a disposition for each "
                  "person reached");
  }
}

}  // namespace

SettleResult LiveCampaign::settle(const std::string& agent, const std::string& token,
                                  const std::string& contact_id, const std::vector<Answer>& draft,
                                  common::Instant now) {
  std::lock_guard lock(impl_->mutex);
  return impl_->settle(agent, token, contact_id, draft, now);
}

std::vector<PersonDecision> LiveCampaign::submit(const std::string& agent,
                                                 const Submission& submission,
                                                 common::Instant now) {
  std::lock_guard lock(impl_->mutex);
  return impl_->submit(agent, submission, now);
}

SettleResult LiveCampaign::Impl::settle(const std::string& agent, const std::string& token,
                                        const std::string& contact_id,
                                        const std::vector<Answer>& draft, Instant now) {
  Hold& hold = find_hold(agent, token, now);
  touch(hold, now);
  OpenCycle& cycle = *open;
  std::optional<std::size_t> k = position_in(hold, cycle, contact_id);
  if (!k) {
    throw invalid("contact " + contact_id + " is not in this hold, which covers " +
                  people_of(hold, cycle));
  }
  check_answers(*campaign, contact_id, draft);

  const std::size_t person = hold.people[*k];
  std::span<const common::Value> earlier = answers_of(cycle, person);
  std::vector<common::Value> answers(earlier.begin(), earlier.end());
  apply_answers(*campaign, draft, answers);
  std::vector<bool> given;
  for (const common::Value& value : answers) given.push_back(!value.is_missing());
  eval::Context context = context_for(cycle, person, answers, ir::kCompleted, hold.attempts[*k]);

  SettleResult result;
  result.complete = compiled->settle_answers(answers, context);
  for (std::size_t q = 0; q < campaign->questions.size(); ++q) {
    const ir::Question& question = campaign->questions[q];
    const bool answered = !answers[q].is_missing();
    result.questions.push_back(
        {question.id, compiled->applies(static_cast<std::int32_t>(q), context), answered});
    if (given[q] && !answered) result.cleared.push_back(question.id);
    if (answered) {
      result.answers.push_back(answer_from_text(question.id, answer_text(question, answers[q])));
    }
  }
  return result;
}

std::vector<PersonDecision> LiveCampaign::Impl::submit(const std::string& agent,
                                                       const Submission& submission, Instant now) {
  Hold& hold = find_hold(agent, submission.token, now);
  OpenCycle& cycle = *open;
  if (submission.talk.count() < 0) {
    throw invalid("talk time " + std::to_string(submission.talk.count()) +
                  " s is negative; give the seconds spent talking, 0 when nobody answered");
  }

  // Everything is checked before anything is stored.
  const Instant end = std::max(now, hold.taken_at);
  std::vector<std::optional<PersonCall>> calls(hold.people.size());
  for (const PersonSubmission& entry : submission.people) {
    std::optional<std::size_t> k = position_in(hold, cycle, entry.contact_id);
    if (!k) {
      throw invalid("contact " + entry.contact_id + " is not in this hold, which covers " +
                    people_of(hold, cycle));
    }
    if (calls[*k]) throw invalid("contact " + entry.contact_id + " is given twice");

    PersonCall call;
    call.disposition = campaign->disposition_index(entry.disposition);
    if (call.disposition < 0 || call.disposition == ir::kUnreachable) {
      throw invalid("contact " + entry.contact_id + ": unknown disposition '" + entry.disposition +
                    "'; the campaign's dispositions are " + campaign_dispositions(*campaign));
    }
    if (is_line_disposition(call.disposition) && !entry.answers.empty()) {
      throw invalid("contact " + entry.contact_id + ": answers were given with disposition '" +
                    entry.disposition +
                    "', which means nobody answered; send no answers, or the disposition of "
                    "the call that was answered");
    }
    check_answers(*campaign, entry.contact_id, entry.answers);
    call.answers = &entry.answers;

    if (entry.callback_local && call.disposition != ir::kCallback) {
      throw invalid("contact " + entry.contact_id + ": a callback time goes with the callback " +
                    "disposition, not '" + entry.disposition + "'");
    }
    if (entry.callback_local) {
      std::optional<common::LocalTime> local = callback_local_time(*entry.callback_local);
      if (!local) {
        throw invalid("contact " + entry.contact_id +
                      ": invalid callback time; give a real date with hour 0-23 and minute 0-59");
      }
      const date::time_zone* person_zone = cycle.roster->contact(hold.people[*k]).zone;
      call.callback_at = schedule::requested_callback(*local, person_zone, end);
      check_callback_time(entry.contact_id, *entry.callback_local, *call.callback_at, now,
                          cycle.window, person_zone);
    } else if (call.disposition == ir::kCallback && callback_needs_time(*campaign)) {
      throw invalid("contact " + entry.contact_id +
                    ": the retry policy has no `on callback` line and stops otherwise, so a "
                    "callback needs the time the person asked for; give callback_local");
    }
    calls[*k] = call;
  }

  if (!calls.front()) {
    throw invalid("the dialled contact " + cycle.roster->contact(hold.people.front()).id +
                  " is missing from the submission");
  }
  check_line_agrees(*campaign, hold, cycle, calls);
  const std::int32_t line = calls.front()->disposition;
  for (std::size_t k = 1; k < calls.size(); ++k) {
    if (calls[k]) continue;
    if (!is_line_disposition(line)) {
      throw invalid("contact " + cycle.roster->contact(hold.people[k]).id +
                    " shares the number and was offered in this call; give their disposition, "
                    "or a line disposition (no_answer, busy, voicemail, failed, wrong_number) "
                    "for the dialled contact, which applies to everyone on the number");
    }
    calls[k] = PersonCall{line, nullptr, std::nullopt};
  }

  static const std::vector<Answer> kNoAnswers;
  std::vector<PlannedAttempt> planned;
  bool talk_recorded = false;
  for (std::size_t k = 0; k < calls.size(); ++k) {
    const PersonCall& call = *calls[k];
    std::chrono::seconds talk{0};
    if (!talk_recorded && !is_line_disposition(call.disposition)) {
      talk = submission.talk;
      talk_recorded = true;
    }
    planned.push_back(plan_attempt(hold.people[k], hold.attempts[k], call.disposition,
                                   call.answers != nullptr ? *call.answers : kNoAnswers, talk,
                                   hold.taken_at, end, call.callback_at));
  }

  const std::string token = hold.token;
  commit(planned, {});
  end_hold(token);

  std::vector<PersonDecision> decisions;
  for (const PlannedAttempt& attempt : planned) {
    PersonDecision decision;
    decision.contact_id = attempt.record.contact_id;
    decision.attempt = attempt.record.attempt;
    decision.disposition = attempt.record.disposition;
    decision.downgraded = attempt.downgraded;
    decision.final = attempt.next.final;
    if (attempt.outcome) {
      decision.outcome = attempt.outcome->outcome;
      for (const store::FiredRoute& fired : attempt.outcome->routes) {
        decision.routes.push_back(fired.route);
      }
    } else {
      decision.next_attempt = attempt.next.next_attempt;
    }
    decisions.push_back(std::move(decision));
  }
  close_cycle_if_done();
  return decisions;
}

// Works out an attempt and what follows it, without changing anything.
PlannedAttempt LiveCampaign::Impl::plan_attempt(std::size_t contact, int attempt,
                                                std::int32_t disposition,
                                                const std::vector<Answer>& given,
                                                std::chrono::seconds talk, Instant start,
                                                Instant end, std::optional<Instant> callback_at) {
  OpenCycle& cycle = *open;
  const Contact& person = cycle.roster->contact(contact);
  PlannedAttempt planned;
  planned.contact = contact;
  std::span<const common::Value> earlier = answers_of(cycle, contact);
  planned.answers.assign(earlier.begin(), earlier.end());
  apply_answers(*campaign, given, planned.answers);
  const bool complete = compiled->settle_answers(
      planned.answers, context_for(cycle, contact, planned.answers, disposition, attempt));
  if (disposition == ir::kCompleted && !complete) {
    // A completed call means a finished questionnaire; anything less is partial.
    disposition = ir::kPartial;
    planned.downgraded = true;
  }
  planned.disposition = disposition;

  store::AttemptRecord& record = planned.record;
  record.cycle = cycle.cycle;
  record.contact_id = person.id;
  record.attempt = attempt;
  record.start = start;
  record.end = end;
  record.disposition = disposition_name(*campaign, disposition);
  record.talk_seconds = talk.count();
  record.callback_at = callback_at;
  record.answers = answer_texts(*campaign, planned.answers);

  planned.next = schedule::next_step(*campaign, hours_for(person.zone), cycle.window, attempt,
                                     disposition, end, callback_at);
  if (planned.next.final) {
    compiled->evaluate(context_for(cycle, contact, planned.answers, planned.next.outcome, attempt),
                       results);
    planned.outcome = outcome_record(*campaign, results, cycle.cycle, person.id,
                                     planned.next.outcome, attempt, end, person.zone);
  }
  return planned;
}

store::OutcomeRecord LiveCampaign::Impl::plan_decision(std::size_t contact, std::int32_t outcome,
                                                       Instant at) {
  OpenCycle& cycle = *open;
  const Contact& person = cycle.roster->contact(contact);
  const int attempts = cycle.attempts[contact];
  compiled->evaluate(context_for(cycle, contact, answers_of(cycle, contact), outcome, attempts),
                     results);
  return outcome_record(*campaign, results, cycle.cycle, person.id, outcome, attempts, at,
                        person.zone);
}

// Stores attempts and decisions in one transaction, then applies them in
// memory: nothing changes here when the store fails.
void LiveCampaign::Impl::commit(
    const std::vector<PlannedAttempt>& attempts,
    const std::vector<std::pair<std::size_t, store::OutcomeRecord>>& decisions) {
  std::vector<store::AttemptRecord> attempt_records;
  std::vector<store::OutcomeRecord> outcome_records;
  for (const PlannedAttempt& attempt : attempts) {
    attempt_records.push_back(attempt.record);
    if (attempt.outcome) outcome_records.push_back(*attempt.outcome);
  }
  for (const auto& [contact, outcome] : decisions) outcome_records.push_back(outcome);
  store->record_together(attempt_records, outcome_records);

  OpenCycle& cycle = *open;
  for (const PlannedAttempt& attempt : attempts) {
    const std::size_t contact = attempt.contact;
    cycle.attempts[contact] = attempt.record.attempt;
    std::copy(attempt.answers.begin(), attempt.answers.end(), answers_of(cycle, contact).begin());
    count_attempt(attempt.record, cycles.back());
    if (attempt.outcome) {
      apply_outcome(contact, *attempt.outcome);
    } else {
      queue(contact, attempt.next.next_attempt);
    }
  }
  for (const auto& [contact, outcome] : decisions) apply_outcome(contact, outcome);
}

// Decides contacts that get no further attempt, as `unreachable`. When the
// store fails, they go back to the queue at their due time.
void LiveCampaign::Impl::decide_unattempted(const std::vector<std::size_t>& contacts, Instant at) {
  if (contacts.empty()) return;

  std::vector<std::pair<std::size_t, store::OutcomeRecord>> decisions;
  for (std::size_t contact : contacts) {
    decisions.emplace_back(contact, plan_decision(contact, ir::kUnreachable, at));
  }
  try {
    commit({}, decisions);
  } catch (...) {
    for (std::size_t contact : contacts) queue(contact, open->due[contact]);
    throw;
  }
}

// Adds an attempt to its cycle's counts and to the person's history.
void LiveCampaign::Impl::count_attempt(const store::AttemptRecord& attempt, CycleStatus& status) {
  ++status.attempts;
  if (attempt.attempt == 1) ++status.attempted;
  if (!status.first_call_at || attempt.start < *status.first_call_at) {
    status.first_call_at = attempt.start;
  }
  ++dispositions[attempt.disposition];
  history[attempt.contact_id].attempts.push_back(
      {attempt.cycle, attempt.attempt, attempt.start, attempt.disposition});

  // Kept sorted by end, for status(): only the last hour is counted.
  recent_attempts.insert(
      std::upper_bound(recent_attempts.begin(), recent_attempts.end(), attempt.end), attempt.end);
  const Instant newest = recent_attempts.back();
  while (!recent_attempts.empty() && recent_attempts.front() < newest - std::chrono::hours{1}) {
    recent_attempts.pop_front();
  }
}

// Adds an outcome to its cycle's counts and to the person's history; a
// person who died is left out of later cycles.
void LiveCampaign::Impl::count_outcome(const store::OutcomeRecord& outcome, CycleStatus& status) {
  ++status.decided;
  ++status.outcomes[outcome.outcome];
  if (outcome.useful) ++status.useful;
  for (const store::FiredRoute& fired : outcome.routes) ++status.routes[fired.route];
  history[outcome.contact_id].outcomes.emplace_back(outcome.cycle, outcome.outcome);
  if (outcome.outcome == disposition_name(*campaign, ir::kDeceased)) {
    deceased.insert(outcome.contact_id);
  }
}

void LiveCampaign::Impl::apply_outcome(std::size_t contact, const store::OutcomeRecord& outcome) {
  OpenCycle& cycle = *open;
  cycle.state[contact] = ContactState::done;
  const Instant decided_at = outcome.decided_at.value_or(cycle.start);
  if (!cycle.last_decision || decided_at > *cycle.last_decision) cycle.last_decision = decided_at;

  count_outcome(outcome, cycles.back());

  const date::time_zone* contact_zone = cycle.roster->contact(contact).zone;
  for (const store::FiredRoute& fired : outcome.routes) {
    add_desk_alert(desk_alert_of(outcome, fired, contact_zone));
    Alert alert = make_alert(*campaign, outcome, fired, contact_zone);
    std::lock_guard lock(outbox_mutex);
    outbox[{outcome.cycle, fired.route, outcome.contact_id}] = std::move(alert);
  }
}

}  // namespace vigie::runtime
