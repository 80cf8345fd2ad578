#pragma once
// After `failures` consecutive failed anomalies the breaker opens: the LLM is not asked for `cooldown`, and the
// local categoriser answers. Then one trial request is let through (half-open): success closes the breaker,
// failure opens it for another cool-down. Keeps a dead endpoint from costing every anomaly a full retry cycle.
#include <chrono>
#include <mutex>

namespace recon::llm {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  CircuitBreaker(int failures, Clock::duration cooldown) : threshold_(failures), cooldown_(cooldown) {}

  /// Whether a request may be made at `now`.
  bool Allow(Clock::time_point now);
  void RecordSuccess();
  void RecordFailure(Clock::time_point now);
  /// Times the breaker has opened.
  int Openings() const;

 private:
  mutable std::mutex mutex_;
  int threshold_;
  Clock::duration cooldown_;
  int consecutive_failures_ = 0;
  bool open_ = false;
  bool trial_in_flight_ = false;
  Clock::time_point open_until_{};
  int openings_ = 0;
};

}  // namespace recon::llm
