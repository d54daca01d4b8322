#include "server/metrics.h"

#include <fmt/format.h>

namespace recd {

int Metrics::AddRoute(std::string label) {
  routes_.push_back(std::make_unique<Route>());
  routes_.back()->label = std::move(label);
  return static_cast<int>(routes_.size() - 1);
}

void Metrics::Record(int route, int http_status, double seconds) {
  Route& r = *routes_[route];
  int cls = http_status / 100;
  r.by_class[cls >= 1 && cls <= 5 ? cls : 0].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kBucketsSeconds.size() && seconds > kBucketsSeconds[b]) ++b;
  r.buckets[b].fetch_add(1, std::memory_order_relaxed);
  r.sum_micros.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::Render(const std::string& extra) const {
  std::string out;
  out += "# HELP recd_http_requests_total HTTP requests by route and status class.\n";
  out += "# TYPE recd_http_requests_total counter\n";
  static constexpr const char* kClass[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
  for (const auto& r : routes_) {
    for (int c = 0; c < 6; ++c) {
      uint64_t v = r->by_class[c].load(std::memory_order_relaxed);
      if (v) out += fmt::format("recd_http_requests_total{{route=\"{}\",code=\"{}\"}} {}\n", r->label, kClass[c], v);
    }
  }
  out += "# HELP recd_http_request_duration_seconds Time from a parsed request to its response.\n";
  out += "# TYPE recd_http_request_duration_seconds histogram\n";
  for (const auto& r : routes_) {
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBucketsSeconds.size(); ++b) {
      cumulative += r->buckets[b].load(std::memory_order_relaxed);
      std::string le = b < kBucketsSeconds.size() ? fmt::format("{}", kBucketsSeconds[b]) : "+Inf";
      out += fmt::format("recd_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", r->label, le, cumulative);
    }
    out += fmt::format("recd_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r->label,
                       r->sum_micros.load(std::memory_order_relaxed) / 1e6);
    out += fmt::format("recd_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r->label, cumulative);
  }
  out += "# HELP recd_events_ingested_total Events acknowledged by this process.\n";
  out += "# TYPE recd_events_ingested_total counter\n";
  out += fmt::format("recd_events_ingested_total {}\n", events_ingested_.load());
  out += extra;
  return out;
}

}  // namespace recd
