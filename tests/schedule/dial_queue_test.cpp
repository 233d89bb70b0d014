#include "schedule/dial_queue.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

namespace vigie::schedule {
namespace {

using std::chrono::minutes;

common::Instant at_minute(int minute) {
  return common::Instant{date::sys_days{date::year{2019} / 6 / 24}} + minutes{minute};
}

std::vector<std::uint32_t> drain(DialQueue& queue) {
  std::vector<std::uint32_t> order;
  while (std::optional<QueueEntry> entry = queue.pop_ready()) order.push_back(entry->contact);
  return order;
}

TEST_CASE("DialQueue orders ready entries", "[schedule][queue]") {
  struct Case {
    const char* name;
    std::vector<QueueEntry> entries;
    std::vector<std::uint32_t> expected;
  };
  const Case cases[] = {
      {"priority descending",
       {{1, at_minute(0), 1.0}, {2, at_minute(0), 5.0}, {3, at_minute(0), 3.0}},
       {2, 3, 1}},
      {"equal priority, earlier due first",
       {{1, at_minute(30), 2.0}, {2, at_minute(10), 2.0}, {3, at_minute(20), 2.0}},
       {2, 3, 1}},
      {"equal priority and due, lower contact first",
       {{9, at_minute(5), 2.0}, {4, at_minute(5), 2.0}, {7, at_minute(5), 2.0}},
       {4, 7, 9}},
      {"priority wins over due time", {{1, at_minute(0), 1.0}, {2, at_minute(50), 1.5}}, {2, 1}},
      {"NaN priority goes last",
       {{1, at_minute(0), std::nan("")}, {2, at_minute(0), -1e9}},
       {2, 1}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    DialQueue queue;
    for (const QueueEntry& entry : c.entries) queue.push(entry);
    queue.advance(at_minute(60));
    CHECK(drain(queue) == c.expected);
    CHECK(queue.empty());
  }
}

TEST_CASE("DialQueue releases entries when due", "[schedule][queue]") {
  DialQueue queue;
  CHECK(queue.empty());
  CHECK_FALSE(queue.next_due().has_value());
  CHECK_FALSE(queue.pop_ready().has_value());

  queue.push({1, at_minute(30), 1.0});
  queue.push({2, at_minute(10), 0.0});
  queue.push({3, at_minute(20), 9.0});
  CHECK(queue.size() == 3);
  CHECK(queue.next_due() == at_minute(10));

  queue.advance(at_minute(9));
  CHECK_FALSE(queue.pop_ready().has_value());

  queue.advance(at_minute(10));  // due at exactly `now` is ready
  CHECK(queue.next_due() == at_minute(20));
  CHECK(drain(queue) == std::vector<std::uint32_t>{2});
  CHECK(queue.size() == 2);

  queue.advance(at_minute(30));
  CHECK_FALSE(queue.next_due().has_value());
  CHECK(drain(queue) == std::vector<std::uint32_t>{3, 1});
  CHECK(queue.empty());
}

TEST_CASE("DialQueue keeps order with 100k entries", "[schedule][queue]") {
  constexpr std::uint32_t kEntries = 100'000;
  std::mt19937 random(42);
  std::uniform_int_distribution<int> pick_minute(0, 48 * 60);
  std::uniform_int_distribution<int> pick_priority(0, 20);

  std::vector<QueueEntry> entries;
  for (std::uint32_t contact = 0; contact < kEntries; ++contact) {
    entries.push_back({contact, at_minute(pick_minute(random)), double(pick_priority(random))});
  }

  // A heap does this in well under a second; an O(n) operation per entry
  // (10^10 steps in total) would take minutes.
  auto started = std::chrono::steady_clock::now();
  DialQueue queue;
  for (const QueueEntry& entry : entries) queue.push(entry);
  REQUIRE(queue.size() == kEntries);

  // Release in steps of an hour, as a runtime would, and drain each time.
  struct Popped {
    int hour;
    QueueEntry entry;
  };
  std::vector<Popped> popped;
  for (int hour = 0; hour <= 48; ++hour) {
    queue.advance(at_minute(hour * 60));
    while (std::optional<QueueEntry> entry = queue.pop_ready()) popped.push_back({hour, *entry});
  }
  auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(queue.empty());
  REQUIRE(popped.size() == kEntries);
  CHECK(elapsed < std::chrono::seconds{10});

  // Each entry comes out in the first batch whose time reaches its due time,
  // and within a batch by priority descending, then due, then contact.
  auto key = [](const QueueEntry& e) { return std::make_tuple(-e.priority, e.due, e.contact); };
  std::size_t early = 0;
  std::size_t late = 0;
  std::size_t out_of_order = 0;
  for (std::size_t i = 0; i < popped.size(); ++i) {
    const Popped& current = popped[i];
    if (current.entry.due > at_minute(current.hour * 60)) ++early;
    if (current.hour > 0 && current.entry.due <= at_minute((current.hour - 1) * 60)) ++late;
    if (i > 0 && popped[i - 1].hour == current.hour &&
        key(current.entry) < key(popped[i - 1].entry)) {
      ++out_of_order;
    }
  }
  CHECK(early == 0);
  CHECK(late == 0);
  CHECK(out_of_order == 0);
}

}  // namespace
}  // namespace vigie::schedule
