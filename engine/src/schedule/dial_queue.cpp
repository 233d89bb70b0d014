#include "schedule/dial_queue.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace vigie::schedule {
namespace {

// Children of node i are 4i+1 .. 4i+4.
constexpr std::size_t kArity = 4;

// Whether `a` leaves the waiting set before `b`: earlier due, then lower contact.
struct DueFirst {
  bool operator()(const QueueEntry& a, const QueueEntry& b) const {
    if (a.due != b.due) return a.due < b.due;
    return a.contact < b.contact;
  }
};

// Whether `a` is dialled before `b`: higher priority, then earlier due, then
// lower contact. Priorities are never NaN here (push() replaces NaN), so
// this is a strict weak ordering.
struct DialledFirst {
  bool operator()(const QueueEntry& a, const QueueEntry& b) const {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.due != b.due) return a.due < b.due;
    return a.contact < b.contact;
  }
};

template <typename First>
void sift_up(std::vector<QueueEntry>& heap, std::size_t hole, QueueEntry entry, First first) {
  while (hole > 0) {
    std::size_t parent = (hole - 1) / kArity;
    if (!first(entry, heap[parent])) break;
    heap[hole] = heap[parent];
    hole = parent;
  }
  heap[hole] = entry;
}

template <typename First>
void heap_push(std::vector<QueueEntry>& heap, const QueueEntry& entry, First first) {
  heap.push_back(entry);
  sift_up(heap, heap.size() - 1, entry, first);
}

// Removes the root. The hole left at the root moves down to a leaf, each
// time to the child that comes first, and the last entry fills it and moves
// up. The last entry nearly always belongs near the leaves, so this needs
// fewer comparisons than placing it at the root and moving it down.
template <typename First>
void heap_pop(std::vector<QueueEntry>& heap, First first) {
  QueueEntry last = heap.back();
  heap.pop_back();
  const std::size_t size = heap.size();
  if (size == 0) return;

  std::size_t hole = 0;
  for (;;) {
    std::size_t child = hole * kArity + 1;
    if (child >= size) break;
    std::size_t best = child;
    std::size_t end = std::min(child + kArity, size);
    for (std::size_t c = child + 1; c < end; ++c) {
      if (first(heap[c], heap[best])) best = c;
    }
    heap[hole] = heap[best];
    hole = best;
  }
  sift_up(heap, hole, last, first);
}

}  // namespace

void DialQueue::push(const QueueEntry& entry) {
  // A NaN priority would break the heap's strict weak ordering.
  QueueEntry stored = entry;
  if (std::isnan(stored.priority)) stored.priority = -std::numeric_limits<double>::infinity();
  heap_push(waiting_, stored, DueFirst{});
}

void DialQueue::advance(common::Instant now) {
  while (!waiting_.empty() && waiting_.front().due <= now) {
    heap_push(ready_, waiting_.front(), DialledFirst{});
    heap_pop(waiting_, DueFirst{});
  }
}

std::optional<QueueEntry> DialQueue::pop_ready() {
  if (ready_.empty()) return std::nullopt;

  QueueEntry best = ready_.front();
  heap_pop(ready_, DialledFirst{});
  return best;
}

std::optional<common::Instant> DialQueue::next_due() const {
  if (waiting_.empty()) return std::nullopt;
  return waiting_.front().due;
}

std::size_t DialQueue::size() const {
  return waiting_.size() + ready_.size();
}

}  // namespace vigie::schedule
