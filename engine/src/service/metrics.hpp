#pragma once
// Prometheus metrics of `vigie serve` in the text exposition format 0.0.4:
// HTTP counters and latency histograms kept here, and campaign gauges read
// from each live campaign's status when /metrics is scraped.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigie::service {

// The gauges of one campaign on /metrics, taken from its LiveStatus.
struct CampaignGauges {
  std::string campaign;
  std::map<std::string, std::size_t> attempts_by_disposition;  // all cycles
  std::map<std::string, std::size_t> contacts_by_state;        // latest cycle
  std::size_t holds = 0;
  std::size_t outbox_pending = 0;
  std::size_t holds_expired = 0;  // since the service started
};

class Metrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds.
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

  // Counts one request. `route` is the route pattern (/api/desk/next), never
  // the raw path, so that the label's values stay few.
  void observe_request(const std::string& route, int status, double seconds);
  void count_login_failure();

  // Renders every metric. `alerts_active` and `agents_active` are the
  // service's own counts.
  std::string render(const std::vector<CampaignGauges>& campaigns, std::size_t agents_active,
                     std::size_t alerts_active) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};  // not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;  // (route, status)
  std::map<std::string, Histogram> durations_;                     // by route
  std::uint64_t login_failures_ = 0;
};

// Escapes a label value: backslash, double quote and line feed.
std::string escape_label(const std::string& value);

}  // namespace vigie::service
