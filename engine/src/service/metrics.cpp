#include "service/metrics.hpp"

#include <charconv>
#include <cstdio>
#include <sstream>

namespace vigie::service {

namespace {

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << '\n' << "# TYPE " << name << ' ' << type << '\n';
}

// The shortest text that reads back as the same double.
std::string number(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : "NaN";
}

std::string bound(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

}  // namespace

std::string escape_label(const std::string& value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void Metrics::observe_request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];

  Histogram& histogram = durations_[route];
  ++histogram.count;
  histogram.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++histogram.counts[i];
      break;
    }
  }
}

void Metrics::count_login_failure() {
  std::lock_guard lock(mutex_);
  ++login_failures_;
}

std::string Metrics::render(const std::vector<CampaignGauges>& campaigns, std::size_t agents_active,
                            std::size_t alerts_active) const {
  std::ostringstream out;
  {
    std::lock_guard lock(mutex_);
    header(out, "vigie_http_requests_total", "counter", "HTTP requests by route and status code.");
    for (const auto& [key, count] : requests_) {
      out << "vigie_http_requests_total{route=\"" << escape_label(key.first) << "\",code=\""
          << key.second << "\"} " << count << '\n';
    }

    header(out, "vigie_http_request_duration_seconds", "histogram",
           "Time to handle an HTTP request, by route.");
    for (const auto& [route, histogram] : durations_) {
      const std::string label = escape_label(route);
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += histogram.counts[i];
        out << "vigie_http_request_duration_seconds_bucket{route=\"" << label << "\",le=\""
            << bound(kBuckets[i]) << "\"} " << cumulative << '\n';
      }
      out << "vigie_http_request_duration_seconds_bucket{route=\"" << label << "\",le=\"+Inf\"} "
          << histogram.count << '\n'
          << "vigie_http_request_duration_seconds_sum{route=\"" << label << "\"} "
          << number(histogram.sum) << '\n'
          << "vigie_http_request_duration_seconds_count{route=\"" << label << "\"} "
          << histogram.count << '\n';
    }

    header(out, "vigie_login_failures_total", "counter",
           "Failed logins, rate-limited ones included.");
    out << "vigie_login_failures_total " << login_failures_ << '\n';
  }

  header(out, "vigie_attempts_total", "counter", "Call attempts recorded, by disposition.");
  for (const CampaignGauges& campaign : campaigns) {
    for (const auto& [disposition, count] : campaign.attempts_by_disposition) {
      out << "vigie_attempts_total{campaign=\"" << escape_label(campaign.campaign)
          << "\",disposition=\"" << escape_label(disposition) << "\"} " << count << '\n';
    }
  }

  header(out, "vigie_contacts", "gauge", "Contacts of the latest cycle, by state.");
  for (const CampaignGauges& campaign : campaigns) {
    for (const auto& [state, count] : campaign.contacts_by_state) {
      out << "vigie_contacts{campaign=\"" << escape_label(campaign.campaign) << "\",state=\""
          << escape_label(state) << "\"} " << count << '\n';
    }
  }

  header(out, "vigie_holds", "gauge", "Contacts held by an agent now.");
  for (const CampaignGauges& campaign : campaigns) {
    out << "vigie_holds{campaign=\"" << escape_label(campaign.campaign) << "\"} " << campaign.holds
        << '\n';
  }

  header(out, "vigie_holds_expired_total", "counter",
         "Holds released because the agent stopped answering.");
  for (const CampaignGauges& campaign : campaigns) {
    out << "vigie_holds_expired_total{campaign=\"" << escape_label(campaign.campaign) << "\"} "
        << campaign.holds_expired << '\n';
  }

  header(out, "vigie_outbox_pending", "gauge", "Route alerts not yet delivered to notifiers.");
  for (const CampaignGauges& campaign : campaigns) {
    out << "vigie_outbox_pending{campaign=\"" << escape_label(campaign.campaign) << "\"} "
        << campaign.outbox_pending << '\n';
  }

  header(out, "vigie_agents_active", "gauge", "Agents who used the desk in the last 5 minutes.");
  out << "vigie_agents_active " << agents_active << '\n';
  header(out, "vigie_alerts_active", "gauge", "City alerts raised and not ended.");
  out << "vigie_alerts_active " << alerts_active << '\n';
  return out.str();
}

}  // namespace vigie::service
