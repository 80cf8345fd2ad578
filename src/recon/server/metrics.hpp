#pragma once
// Prometheus counters and latency histograms per route, kept with atomics (no lock on the request path), and
// rendered in the text exposition format with the service's and the LLM's counters.
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "recon/service/scoring_service.hpp"

namespace recon::server {

class Metrics {
 public:
  /// `routes`: the route names requests are counted under ("other" is added for unmatched paths).
  explicit Metrics(std::vector<std::string> routes);
  /// Index of a route name (the last index, "other", when unknown).
  std::size_t RouteIndex(std::string_view route) const;
  void Record(std::size_t route_idx, unsigned status, double seconds);
  void WebSocketOpened() { ++ws_open_; }
  void WebSocketClosed() { --ws_open_; }
  void WebSocketMessage() { ++ws_messages_; }
  void SlowSubscriberDropped() { ++ws_dropped_; }
  void WebSocketMessageTimedOut() { ++ws_message_timeouts_; }
  void AcceptFailed() { ++accept_failures_; }
  /// The exposition text.
  std::string Render(const service::ScoringService& service) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.5,    2.5};
  struct RouteStats {
    std::array<std::atomic<std::uint64_t>, 6> by_status_class{};  // 1xx..5xx, index 0 unused
    std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  std::vector<std::string> routes_;
  std::vector<RouteStats> stats_;
  std::atomic<std::int64_t> ws_open_{0};
  std::atomic<std::uint64_t> ws_messages_{0};
  std::atomic<std::uint64_t> ws_dropped_{0};
  std::atomic<std::uint64_t> ws_message_timeouts_{0};
  std::atomic<std::uint64_t> accept_failures_{0};
};

}  // namespace recon::server
