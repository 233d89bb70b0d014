#include "runtime/cycle.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <queue>

#include "runtime/answers.hpp"
#include "schedule/calendar.hpp"
#include "schedule/calling_hours.hpp"
#include "schedule/dial_queue.hpp"
#include "schedule/retry.hpp"

namespace vigie::runtime {
namespace {

using common::Instant;

struct CallInProgress {
  Instant start{};
  Instant end{};
  std::size_t contact = 0;
  int attempt = 1;
  CallResult result;
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
        answers_(roster.size() * campaign.questions.size()),
        results_(compiled.make_results()) {
    stats_.cycle = settings.cycle;
    stats_.start = settings.start;
    stats_.window_end = window_.end;
    stats_.end = settings.start;
    stats_.contacts = roster.size();
    lines_ = settings.lines.value_or(std::numeric_limits<int>::max());
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

  void queue_initial_attempts() {
    for (std::size_t i = 0; i < roster_.size(); ++i) {
      const Contact& contact = roster_.contact(i);
      auto first = schedule::first_attempt(hours_for(contact.zone), window_);
      if (!first) {
        finish_contact(i, ir::kUnreachable, settings_.start);
        continue;
      }
      queue_.push({static_cast<std::uint32_t>(i), *first, contact.priority});
    }
  }

  void finish_calls_ending_by(Instant now) {
    while (!calls_.empty() && calls_.top().end <= now) {
      CallInProgress call = calls_.top();
      calls_.pop();
      --busy_lines_;
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
  void dispatch(const schedule::QueueEntry& entry, Instant now) {
    std::size_t i = entry.contact;
    if (now >= window_.end) {
      finish_contact(i, ir::kUnreachable, now);
      return;
    }

    const schedule::CallingHours& hours = hours_for(roster_.contact(i).zone);
    if (!hours.is_open(now)) {
      auto reopen = hours.next_open(now);
      if (!reopen || *reopen >= window_.end) {
        finish_contact(i, ir::kUnreachable, now);
        return;
      }
      queue_.push({entry.contact, *reopen, entry.priority});
      return;
    }

    int attempt = ++attempts_[i];
    CallRequest request;
    request.contact_id = roster_.contact(i).id;
    request.phone = roster_.contact(i).phone;
    request.cycle = settings_.cycle;
    request.attempt = attempt;
    request.start = now;
    CallResult result = dialer_.call(request);

    // A call always occupies its line for at least one second, so that a
    // dialer reporting zero durations cannot make time stand still.
    auto duration = std::max(result.duration, std::chrono::seconds{1});
    calls_.push({now, now + duration, i, attempt, std::move(result)});
    ++busy_lines_;
    if (!stats_.first_call_at) stats_.first_call_at = now;
  }

  std::int32_t disposition_of(const CallInProgress& call) const {
    std::int32_t index = campaign_.disposition_index(call.result.disposition);
    if (index < 0 || index == ir::kUnreachable) {
      throw PluginError("the dialer reported the unknown disposition '" + call.result.disposition +
                        "' for contact " + roster_.contact(call.contact).id + ", attempt " +
                        std::to_string(call.attempt) +
                        "; use a built-in disposition or one declared in the campaign");
    }
    return index;
  }

  void handle_call_end(const CallInProgress& call) {
    std::size_t i = call.contact;
    std::int32_t disposition = disposition_of(call);

    auto answers = answers_of(i);
    stats_.ignored_answers += apply_answers(campaign_, call.result.answers, answers);
    bool complete = compiled_.settle_answers(answers, context_for(i, disposition));
    if (disposition == ir::kCompleted && !complete) {
      // A completed call means a finished questionnaire; anything less is partial.
      disposition = ir::kPartial;
      ++stats_.downgraded_completions;
    }

    AttemptEvent event;
    event.cycle = settings_.cycle;
    event.contact = i;
    event.attempt = call.attempt;
    event.start = call.start;
    event.end = call.end;
    event.disposition = disposition;
    event.talk_seconds = call.result.talk.count();
    event.callback_at = call.result.callback_at;
    event.answers = answers;
    sink_.attempt(event);

    ++stats_.attempts;
    if (event.talk_seconds > 0) {
      ++stats_.answered_attempts;
      stats_.talk_seconds += event.talk_seconds;
    }

    const schedule::CallingHours& hours = hours_for(roster_.contact(i).zone);
    schedule::NextStep step = schedule::next_step(campaign_, hours, window_, call.attempt,
                                                  disposition, call.end, call.result.callback_at);
    if (step.final) {
      finish_contact(i, step.outcome, call.end);
      return;
    }
    queue_.push({static_cast<std::uint32_t>(i), step.next_attempt, roster_.contact(i).priority});
  }

  void finish_contact(std::size_t i, std::int32_t outcome, Instant decided_at) {
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

  std::vector<int> attempts_;
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
