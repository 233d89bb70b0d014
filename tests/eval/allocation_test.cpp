// Proves that evaluation does not allocate: this test binary replaces the
// global operator new with one that counts calls while a window is open.

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include <catch2/catch.hpp>

#include "eval/evaluator.hpp"
#include "expr_builders.hpp"

namespace {

std::atomic<bool> counting{false};
std::atomic<long> allocations{0};

void* counted_allocate(std::size_t size, std::size_t alignment) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
  if (size == 0) size = 1;
  void* memory = nullptr;
  if (alignment <= alignof(std::max_align_t)) {
    memory = std::malloc(size);
  } else {
    const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
    memory = std::aligned_alloc(alignment, rounded);
  }
  if (memory == nullptr) throw std::bad_alloc();
  return memory;
}

// Counts the allocations made while it is alive.
class AllocationWindow {
 public:
  AllocationWindow() {
    allocations = 0;
    counting = true;
  }
  ~AllocationWindow() { counting = false; }
  long count() const { return allocations.load(); }
};

}  // namespace

void* operator new(std::size_t size) {
  return counted_allocate(size, 0);
}
void* operator new[](std::size_t size) {
  return counted_allocate(size, 0);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return counted_allocate(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return counted_allocate(size, static_cast<std::size_t>(alignment));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_allocate(size, 0);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_allocate(size, 0);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void operator delete(void* memory, const std::nothrow_t&) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, const std::nothrow_t&) noexcept {
  std::free(memory);
}
void operator delete(void* memory) noexcept {
  std::free(memory);
}
void operator delete[](void* memory) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::size_t) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::size_t) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::align_val_t) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::align_val_t) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::size_t, std::align_val_t) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::size_t, std::align_val_t) noexcept {
  std::free(memory);
}

namespace vigie::eval {
namespace {

using namespace testing;
using namespace testing::heatwave;

TEST_CASE("allocation counter sees a vector allocation", "[eval]") {
  long seen = 0;
  {
    AllocationWindow window;
    std::vector<int> numbers(16);
    seen = window.count();
  }
  CHECK(seen == 1);
}

TEST_CASE("evaluation does not allocate", "[eval]") {
  const ir::Campaign campaign = heatwave_campaign();
  const CompiledCampaign compiled(campaign);
  HeatwaveContact contact = isolated_confused_contact();
  contact.answers[kHealth] = Value::of_option(kNo);
  Context context;
  context.fields = contact.fields;
  context.answers = contact.answers;
  context.today = Value::of_date(days_of(2019, 6, 24));
  Results results = compiled.make_results();

  long seen = 0;
  bool in_audience = false;
  double priority = 0;
  bool applies = true;
  bool complete = false;
  {
    AllocationWindow window;
    for (int i = 0; i < 100; ++i) {
      compiled.evaluate(context, results);
      in_audience = compiled.in_audience(context);
      priority = compiled.priority(context);
      applies = compiled.applies(kSymptoms, context);
      complete = compiled.settle_answers(contact.answers, context);
    }
    seen = window.count();
  }

  CHECK(seen == 0);
  CHECK(same_value(results.scores[kRisk], Value::of_int(7)));
  CHECK(in_audience);
  CHECK(priority == 88.0);
  CHECK_FALSE(applies);
  CHECK(complete);
  CHECK(contact.answers[kSymptoms].is_missing());
}

}  // namespace
}  // namespace vigie::eval
