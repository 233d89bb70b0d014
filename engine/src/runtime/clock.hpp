#pragma once
// The runtime reads campaign time only through a Clock: virtual time for
// simulation and replay (a 48-hour cycle runs in seconds), system time for
// live campaigns.

#include <chrono>

#include "common/time.hpp"

namespace vigie::runtime {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual common::Instant now() const = 0;
};

// Time that moves only when the cycle runner advances it, never backwards.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(common::Instant start) : now_(start) {}
  common::Instant now() const override { return now_; }
  void advance_to(common::Instant t) {
    if (t > now_) now_ = t;
  }

 private:
  common::Instant now_;
};

class SystemClock final : public Clock {
 public:
  common::Instant now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

}  // namespace vigie::runtime
