#pragma once
// The queue of contacts waiting for their next attempt. Contacts become
// ready when their due time has come; among ready contacts the highest
// priority goes first, then the earliest due time, then the lowest contact
// index. Every operation is O(log n).

#include <cstdint>
#include <optional>
#include <vector>

#include "common/time.hpp"

namespace vigie::schedule {

struct QueueEntry {
  std::uint32_t contact = 0;  // index in the caller's contact table
  common::Instant due{};      // earliest start
  double priority = 0;        // higher first
};

class DialQueue {
 public:
  // Adds an entry to the waiting set. A NaN priority is stored as -infinity.
  void push(const QueueEntry& entry);

  // Moves every entry due at or before `now` to the ready set.
  void advance(common::Instant now);

  // Takes the best ready entry, if any.
  std::optional<QueueEntry> pop_ready();

  // The earliest due time among entries not yet ready.
  std::optional<common::Instant> next_due() const;

  // Entries waiting and ready.
  std::size_t size() const;
  bool empty() const { return size() == 0; }

 private:
  // Implicit 4-ary heaps (see dial_queue.cpp): waiting by due time, ready
  // by priority. A 4-ary heap is half as deep as a binary one and a node's
  // four children lie side by side, so each operation on a million entries
  // touches fewer cache lines.
  std::vector<QueueEntry> waiting_;
  std::vector<QueueEntry> ready_;
};

}  // namespace vigie::schedule
