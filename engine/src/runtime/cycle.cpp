#include "runtime/cycle.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <queue>
#include <string_view>
#include <unordered_map>

#include "runtime/answers.hpp"
#include "runtime/records.hpp"
#include "schedule/calendar.hpp"
#include "schedule/calling_hours.hpp"
#include "schedule/dial_queue.hpp"
#include "schedule/retry.hpp"

namespace vigie::runtime {
namespace {

using common::Instant;

// A person on a call: the dialled contact first, then household members.
struct Callee {
  std::size_t contact = 0;
  int attempt = 1;
};

struct CallInProgress {
  Instant start{};
  Instant end{};
  std::size_t contact = 0;  // the dialled contact, callees[0]
  std::vector<Callee> callees;
  CallResult result;
};

// The result of one callee's attempt.
struct CalleeResult {
  std::int32_t disposition = 0;
  std::chrono::seconds talk{0};
  const std::vector<Answer>* answers = nullptr;
  std::optional<Instant> callback_at;
};

// Orders the calls in progress by end time, then by contact index so that
// simultaneous ends are handled in a reproducible order.
struct EndsLater {
  bool operator()(const CallInProgress& a, const CallInProgress& b) const {
    if (a.end != b.end) return a.end > b.end;
    return a.contact > b.contact;
  }
};

class CycleRun {
 public:
  CycleRun(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
           const Roster& roster, Dialer& dialer, const CycleSettings& settings, VirtualClock& clock,
           CycleSink& sink)
      : campaign_(campaign),
        compiled_(compiled),
        roster_(roster),
        dialer_(dialer),
        settings_(settings),
        clock_(clock),
        sink_(sink),
        calendar_(campaign.calendar),
        window_{settings.start, settings.start + campaign.retry.within},
        attempts_(roster.size(), 0),
        state_(roster.size(), State::done),
        queued_due_(roster.size()),
        answers_(roster.size() * campaign.questions.size()),
        results_(compiled.make_results()) {
    stats_.cycle = settings.cycle;
    stats_.start = settings.start;
    stats_.window_end = window_.end;
    stats_.end = settings.start;
    stats_.contacts = roster.size();
    lines_ = settings.lines.value_or(std::numeric_limits<int>::max());
    group_numbers();
  }

  CycleStats run() {
    queue_initial_attempts();

    Instant now = settings_.start;
    for (;;) {
      clock_.advance_to(now);
      finish_calls_ending_by(now);
      dispatch_ready_contacts(now);

      std::optional<Instant> next = next_event_time();
      if (!next) break;
      now = *next;
    }
    return stats_;
  }

 private:
  const schedule::CallingHours& hours_for(const date::time_zone* zone) {
    auto it = hours_.find(zone);
    if (it == hours_.end()) {
      auto hours = std::make_unique<schedule::CallingHours>(campaign_.hours, calendar_, zone);
      it = hours_.emplace(zone, std::move(hours)).first;
    }
    return *it->second;
  }

  std::span<common::Value> answers_of(std::size_t contact) {
    std::size_t count = campaign_.questions.size();
    return {answers_.data() + contact * count, count};
  }

  eval::Context context_for(std::size_t contact, std::int32_t outcome) {
    eval::Context context;
    context.fields = roster_.fields(contact);
    context.answers = answers_of(contact);
    context.outcome = outcome;
    context.attempts = attempts_[contact];
    context.cycle = settings_.cycle;
    context.today = local_today(settings_.start, roster_.contact(contact).zone);
    return context;
  }

  void group_numbers() {
    NumberGroups groups = group_by_number(roster_);
    group_of_ = std::move(groups.group_of);
    for (std::vector<std::size_t>& members : groups.members) {
      groups_.push_back({std::move(members), std::nullopt});
    }
  }

  void queue(std::size_t i, Instant due) {
    state_[i] = State::queued;
    queued_due_[i] = due;
    queue_.push({static_cast<std::uint32_t>(i), due, roster_.contact(i).priority});
  }

  void queue_initial_attempts() {
    for (std::size_t i = 0; i < roster_.size(); ++i) {
      const Contact& contact = roster_.contact(i);
      auto first = schedule::first_attempt(hours_for(contact.zone), window_);
      if (!first) {
        finish_contact(i, ir::kUnreachable, settings_.start);
        continue;
      }
      queue(i, *first);
    }
  }

  void finish_calls_ending_by(Instant now) {
    while (!calls_.empty() && calls_.top().end <= now) {
      CallInProgress call = calls_.top();
      calls_.pop();
      --busy_lines_;
      if (group_of_[call.contact] != kNoGroup) groups_[group_of_[call.contact]].busy_until.reset();
      handle_call_end(call);
    }
  }

  void dispatch_ready_contacts(Instant now) {
    queue_.advance(now);
    while (busy_lines_ < lines_) {
      auto entry = queue_.pop_ready();
      if (!entry) return;
      dispatch(*entry, now);
    }
  }

  std::optional<Instant> next_event_time() const {
    std::optional<Instant> next;
    if (!calls_.empty()) next = calls_.top().end;
    if (busy_lines_ < lines_) {
      if (auto due = queue_.next_due(); due && (!next || *due < *next)) next = *due;
    }
    return next;
  }

  // Starts an attempt for a ready contact, unless the contact's hours are
  // closed now (lines were busy until after closing): then it rolls forward.
  // A contact whose number is on a call waits for that call's end.
  void dispatch(const schedule::QueueEntry& entry, Instant now) {
    std::size_t i = entry.contact;
    // The contact joined a household call or was queued again since.
    if (state_[i] != State::queued || queued_due_[i] != entry.due) return;

    if (now >= window_.end) {
      finish_contact(i, ir::kUnreachable, now);
      return;
    }

    const date::time_zone* zone = roster_.contact(i).zone;
    if (!open_at(zone, now)) {
      std::optional<Instant> reopen = reopening(zone, now);
      if (!reopen || *reopen >= window_.end) {
        finish_contact(i, ir::kUnreachable, now);
        return;
      }
      queue(i, *reopen);
      return;
    }

    if (std::uint32_t group = group_of_[i]; group != kNoGroup && groups_[group].busy_until) {
      queue(i, *groups_[group].busy_until);
      return;
    }

    std::vector<Callee> callees{{i, start_attempt(i, now)}};
    CallRequest request;
    request.contact_id = roster_.contact(i).id;
    request.phone = roster_.contact(i).phone;
    request.cycle = settings_.cycle;
    request.attempt = callees[0].attempt;
    request.start = now;
    for (std::size_t member : household_due(i, now)) {
      callees.push_back({member, start_attempt(member, now)});
      request.household.push_back({roster_.contact(member).id, callees.back().attempt});
    }
    CallResult result = dialer_.call(request);

    // A call always occupies its line for at least one second, so that a
    // dialer reporting zero durations cannot make time stand still.
    auto duration = std::max(result.duration, std::chrono::seconds{1});
    if (group_of_[i] != kNoGroup) groups_[group_of_[i]].busy_until = now + duration;
    if (callees.size() > 1) ++stats_.shared_calls;
    calls_.push({now, now + duration, i, std::move(callees), std::move(result)});
    ++busy_lines_;
    if (!stats_.first_call_at) stats_.first_call_at = now;
  }

  // Returns whether a zone's hours are open at `now`. At each closing every
  // waiting contact of a zone checks the same instant, so the result is cached per zone.
  bool open_at(const date::time_zone* zone, Instant now) {
    ZoneAnswer& answer = zone_answers_[zone];
    if (!answer.cached || answer.now != now) {
      answer.cached = true;
      answer.now = now;
      answer.open = hours_for(zone).is_open(now);
      answer.reopen_known = false;
    }
    return answer.open;
  }

  // Returns when a zone's hours reopen after `now`, cached like open_at.
  std::optional<Instant> reopening(const date::time_zone* zone, Instant now) {
    open_at(zone, now);
    ZoneAnswer& answer = zone_answers_[zone];
    if (!answer.reopen_known) {
      answer.reopen = hours_for(zone).next_open(now);
      answer.reopen_known = true;
    }
    return answer.reopen;
  }

  int start_attempt(std::size_t i, Instant now) {
    state_[i] = State::in_call;
    int attempt = ++attempts_[i];
    if (attempt > 1) return attempt;

    ++stats_.attempted;
    for (std::size_t m = 0; m < CycleStats::kServiceMarks.size(); ++m) {
      if (now - settings_.start <= CycleStats::kServiceMarks[m]) ++stats_.attempted_within[m];
    }
    return attempt;
  }

  // The other members of i's household whose next attempt is due by `now`
  // and whose hours are open: they are offered in the same call. Members
  // still inside their retry delay wait for it.
  std::vector<std::size_t> household_due(std::size_t i, Instant now) {
    std::vector<std::size_t> due;
    if (group_of_[i] == kNoGroup) return due;
    for (std::size_t member : groups_[group_of_[i]].members) {
      if (member == i || state_[member] != State::queued || queued_due_[member] > now) continue;
      if (!open_at(roster_.contact(member).zone, now)) continue;
      due.push_back(member);
    }
    return due;
  }

  std::int32_t disposition_index(const std::string& name, const Callee& callee) const {
    std::int32_t index = campaign_.disposition_index(name);
    if (index < 0 || index == ir::kUnreachable) {
      throw PluginError("the dialer reported the unknown disposition '" + name + "' for contact " +
                        roster_.contact(callee.contact).id + ", attempt " +
                        std::to_string(callee.attempt) +
                        "; use a built-in disposition or one declared in the campaign");
    }
    return index;
  }

  // The instant of a callback: a requested local time is read in the
  // callee's own zone, so that "tomorrow 10:00" stays 10:00 across a clock
  // change and in every zone.
  std::optional<Instant> callback_time(std::optional<Instant> at,
                                       const std::optional<LocalDateTime>& local,
                                       const CallInProgress& call, const Callee& callee) const {
    if (!local) return at;

    std::optional<common::LocalTime> requested = callback_local_time(*local);
    if (!requested) {
      throw PluginError("the dialer reported an invalid callback time for contact " +
                        roster_.contact(callee.contact).id + ", attempt " +
                        std::to_string(callee.attempt) +
                        "; give a real date with hour 0-23, minute and second 0-59");
    }
    return schedule::requested_callback(*requested, roster_.contact(callee.contact).zone, call.end);
  }

  // Returns the result of each callee: the top-level result for the dialled
  // contact, then each member's household entry, or the line's disposition
  // when the line was not answered. No value is copied from one contact to another.
  std::vector<CalleeResult> callee_results(const CallInProgress& call) const {
    const CallResult& result = call.result;
    std::vector<CalleeResult> results;
    std::int32_t line = disposition_index(result.disposition, call.callees[0]);
    results.push_back(
        {line, result.talk, &result.answers,
         callback_time(result.callback_at, result.callback_local, call, call.callees[0])});

    for (std::size_t c = 1; c < call.callees.size(); ++c) {
      const Callee& callee = call.callees[c];
      const std::string& id = roster_.contact(callee.contact).id;
      auto own = std::find_if(result.household.begin(), result.household.end(),
                              [&](const PersonResult& person) { return person.contact_id == id; });
      if (own != result.household.end()) {
        results.push_back({disposition_index(own->disposition, callee), own->talk, &own->answers,
                           callback_time(own->callback_at, own->callback_local, call, callee)});
        continue;
      }
      if (!is_line_disposition(line)) {
        throw PluginError("the dialer reported '" + result.disposition + "' for contact " +
                          roster_.contact(call.contact).id + " but no result for contact " + id +
                          ", who shares the number and was offered in the same call (attempt " +
                          std::to_string(callee.attempt) +
                          "); return one household entry per member of CallRequest::household");
      }
      results.push_back({line, std::chrono::seconds{0}, nullptr, std::nullopt});
    }
    return results;
  }

  void handle_call_end(const CallInProgress& call) {
    std::vector<CalleeResult> results = callee_results(call);
    for (std::size_t c = 0; c < call.callees.size(); ++c) {
      handle_attempt_end(call, call.callees[c], results[c]);
    }
  }

  void handle_attempt_end(const CallInProgress& call, const Callee& callee,
                          const CalleeResult& result) {
    std::size_t i = callee.contact;
    std::int32_t disposition = result.disposition;

    auto answers = answers_of(i);
    if (result.answers)
      stats_.ignored_answers += apply_answers(campaign_, *result.answers, answers);
    bool complete = compiled_.settle_answers(answers, context_for(i, disposition));
    if (disposition == ir::kCompleted && !complete) {
      // A completed call means a finished questionnaire; anything less is partial.
      disposition = ir::kPartial;
      ++stats_.downgraded_completions;
    }

    AttemptEvent event;
    event.cycle = settings_.cycle;
    event.contact = i;
    event.attempt = callee.attempt;
    event.start = call.start;
    event.end = call.end;
    event.disposition = disposition;
    event.talk_seconds = result.talk.count();
    event.callback_at = result.callback_at;
    event.answers = answers;
    sink_.attempt(event);

    ++stats_.attempts;
    if (event.talk_seconds > 0) {
      ++stats_.answered_attempts;
      stats_.talk_seconds += event.talk_seconds;
    }

    const schedule::CallingHours& hours = hours_for(roster_.contact(i).zone);
    schedule::NextStep step = schedule::next_step(campaign_, hours, window_, callee.attempt,
                                                  disposition, call.end, result.callback_at);
    if (step.final) {
      finish_contact(i, step.outcome, call.end);
      return;
    }
    queue(i, step.next_attempt);
  }

  void finish_contact(std::size_t i, std::int32_t outcome, Instant decided_at) {
    state_[i] = State::done;
    eval::Context context = context_for(i, outcome);
    compiled_.evaluate(context, results_);

    OutcomeEvent event;
    event.cycle = settings_.cycle;
    event.contact = i;
    event.outcome = outcome;
    event.attempts = attempts_[i];
    event.decided_at = decided_at;
    event.results = &results_;
    for (std::size_t r = 0; r < campaign_.routes.size(); ++r) {
      if (!results_.routes[r]) continue;
      event.routes.push_back(
          {static_cast<std::int32_t>(r), decided_at + campaign_.routes[r].within});
      ++stats_.routes[campaign_.routes[r].name];
    }
    sink_.outcome(event);

    ++stats_.outcomes[campaign_.dispositions[static_cast<std::size_t>(outcome)].name];
    if (results_.useful) ++stats_.useful;
    stats_.end = std::max(stats_.end, decided_at);
    ++done_;
    sink_.progress(done_, roster_.size(), decided_at);
  }

  const ir::Campaign& campaign_;
  const eval::CompiledCampaign& compiled_;
  const Roster& roster_;
  Dialer& dialer_;
  const CycleSettings& settings_;
  VirtualClock& clock_;
  CycleSink& sink_;

  schedule::HolidayCalendar calendar_;
  std::map<const date::time_zone*, std::unique_ptr<schedule::CallingHours>> hours_;
  schedule::CycleWindow window_;
  schedule::DialQueue queue_;
  std::priority_queue<CallInProgress, std::vector<CallInProgress>, EndsLater> calls_;
  int lines_ = 1;
  int busy_lines_ = 0;

  enum class State : std::uint8_t { queued, in_call, done };
  static constexpr std::uint32_t kNoGroup = NumberGroups::kNoGroup;
  struct Household {
    std::vector<std::size_t> members;
    std::optional<Instant> busy_until;  // end of the call on this number, if any
  };

  struct ZoneAnswer {
    bool cached = false;
    Instant now{};
    bool open = false;
    bool reopen_known = false;
    std::optional<Instant> reopen;
  };
  std::unordered_map<const date::time_zone*, ZoneAnswer> zone_answers_;

  std::vector<int> attempts_;
  std::vector<State> state_;
  std::vector<Instant> queued_due_;  // valid while queued; older queue entries are stale
  std::vector<std::uint32_t> group_of_;
  std::vector<Household> groups_;
  std::vector<common::Value> answers_;  // contacts x questions
  eval::Results results_;
  std::size_t done_ = 0;
  CycleStats stats_;
};

}  // namespace

CycleStats run_cycle(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
                     const Roster& roster, Dialer& dialer, const CycleSettings& settings,
                     VirtualClock& clock, CycleSink& sink) {
  CycleRun run(campaign, compiled, roster, dialer, settings, clock, sink);
  return run.run();
}

}  // namespace vigie::runtime
