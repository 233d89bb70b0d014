#include "schedule/dial_queue.hpp"

#include <cmath>
#include <limits>

namespace vigie::schedule {

bool DialQueue::LaterDue::operator()(const QueueEntry& a, const QueueEntry& b) const {
  if (a.due != b.due) return a.due > b.due;
  return a.contact > b.contact;
}

bool DialQueue::LowerPriority::operator()(const QueueEntry& a, const QueueEntry& b) const {
  if (a.priority != b.priority) return a.priority < b.priority;
  if (a.due != b.due) return a.due > b.due;
  return a.contact > b.contact;
}

void DialQueue::push(const QueueEntry& entry) {
  // A NaN priority would break the heap's strict weak ordering.
  QueueEntry stored = entry;
  if (std::isnan(stored.priority)) stored.priority = -std::numeric_limits<double>::infinity();
  waiting_.push(stored);
}

void DialQueue::advance(common::Instant now) {
  while (!waiting_.empty() && waiting_.top().due <= now) {
    ready_.push(waiting_.top());
    waiting_.pop();
  }
}

std::optional<QueueEntry> DialQueue::pop_ready() {
  if (ready_.empty()) return std::nullopt;

  QueueEntry best = ready_.top();
  ready_.pop();
  return best;
}

std::optional<common::Instant> DialQueue::next_due() const {
  if (waiting_.empty()) return std::nullopt;
  return waiting_.top().due;
}

std::size_t DialQueue::size() const {
  return waiting_.size() + ready_.size();
}

}  // namespace vigie::schedule
