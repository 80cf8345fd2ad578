#include "recon/llm/rate_limiter.hpp"

#include <algorithm>

namespace recon::llm {

RateLimiter::RateLimiter(int requests_per_minute, int tokens_per_minute)
    : request_capacity_(requests_per_minute),
      token_capacity_(tokens_per_minute),
      requests_(requests_per_minute),
      tokens_(tokens_per_minute),
      refilled_at_(Clock::now()) {}

void RateLimiter::Refill(Clock::time_point now) {
  if (now <= refilled_at_) return;
  const double minutes = std::chrono::duration<double>(now - refilled_at_).count() / 60.0;
  requests_ = std::min(request_capacity_, requests_ + minutes * request_capacity_);
  tokens_ = std::min(token_capacity_, tokens_ + minutes * token_capacity_);
  refilled_at_ = now;
}

RateLimiter::Clock::duration RateLimiter::TryAcquire(double tokens, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now < paused_until_) return paused_until_ - now;
  Refill(now);
  // A request larger than a minute's budget could never start; it waits for a full bucket instead.
  tokens = std::min(tokens, token_capacity_);
  const double request_wait_min = requests_ >= 1.0 ? 0.0 : (1.0 - requests_) / request_capacity_;
  const double token_wait_min = tokens_ >= tokens ? 0.0 : (tokens - tokens_) / token_capacity_;
  const double wait_min = std::max(request_wait_min, token_wait_min);
  if (wait_min > 0.0) {
    // Rounded up so the caller does not wake a hair too early and spin.
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait_min * 60.0)) +
           std::chrono::milliseconds(1);
  }
  requests_ -= 1.0;
  tokens_ -= tokens;
  return Clock::duration::zero();
}

bool RateLimiter::Acquire(double tokens) {
  while (true) {
    const Clock::duration wait = TryAcquire(tokens, Clock::now());
    if (wait == Clock::duration::zero()) return true;
    std::unique_lock lock(mutex_);
    if (cancelled_) return false;
    wake_.wait_for(lock, wait, [this] { return cancelled_; });
    if (cancelled_) return false;
  }
}

void RateLimiter::Adjust(double extra_tokens) {
  std::lock_guard lock(mutex_);
  tokens_ = std::min(token_capacity_, tokens_ - extra_tokens);
}

void RateLimiter::PauseUntil(Clock::time_point until) {
  std::lock_guard lock(mutex_);
  paused_until_ = std::max(paused_until_, until);
}

void RateLimiter::Cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  wake_.notify_all();
}

}  // namespace recon::llm
