#pragma once
// Token buckets for an API's requests/min and tokens/min limits, shared by every worker. A bucket holds up to one
// minute's budget and refills continuously; a request takes one request token and its estimated tokens (the
// estimate is corrected once the response reports real usage). A 429 with Retry-After pauses every worker, not
// only the one that saw it: the limit is per key, not per connection.
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace recon::llm {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(int requests_per_minute, int tokens_per_minute);

  /// How long to wait before a request of `tokens` may start at `now`; takes the budget when the answer is zero.
  Clock::duration TryAcquire(double tokens, Clock::time_point now);
  /// Blocks until a request of `tokens` may start; false when `Cancel` was called first.
  bool Acquire(double tokens);
  /// Corrects the token bucket once the real usage is known (positive: more was used than estimated).
  void Adjust(double extra_tokens);
  /// Holds every request back until `until` (a server's Retry-After).
  void PauseUntil(Clock::time_point until);
  /// Wakes and refuses every waiting and future Acquire (shutdown).
  void Cancel();

 private:
  void Refill(Clock::time_point now);

  std::mutex mutex_;
  std::condition_variable wake_;
  double request_capacity_;
  double token_capacity_;
  double requests_ = 0.0;
  double tokens_ = 0.0;
  Clock::time_point refilled_at_;
  Clock::time_point paused_until_{};
  bool cancelled_ = false;
};

}  // namespace recon::llm
