// Metrics: request counts and latency histograms per route, in the Prometheus text format.
// Routes are registered once at start-up; recording is lock-free (atomics).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace recd {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBucketsSeconds = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5};

  // Registers a route label ("GET /v1/popular") and returns its id. Not thread-safe: call
  // before serving.
  int AddRoute(std::string label);
  void Record(int route, int http_status, double seconds);
  void AddEventsIngested(uint64_t n) { events_ingested_ += n; }

  // Prometheus text exposition; `extra` is appended as is (gauges owned by the caller).
  std::string Render(const std::string& extra) const;

 private:
  struct Route {
    std::string label;
    std::array<std::atomic<uint64_t>, 6> by_class{};  // 1xx..5xx by status / 100, [0] other
    std::array<std::atomic<uint64_t>, kBucketsSeconds.size() + 1> buckets{};
    std::atomic<uint64_t> sum_micros{0};
  };
  std::vector<std::unique_ptr<Route>> routes_;
  std::atomic<uint64_t> events_ingested_{0};
};

}  // namespace recd
