#include "recon/llm/circuit_breaker.hpp"

namespace recon::llm {

bool CircuitBreaker::Allow(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!open_) return true;
  if (now < open_until_ || trial_in_flight_) return false;
  trial_in_flight_ = true;  // half-open: exactly one trial
  return true;
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard lock(mutex_);
  consecutive_failures_ = 0;
  open_ = false;
  trial_in_flight_ = false;
}

void CircuitBreaker::RecordFailure(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++consecutive_failures_;
  const bool trial_failed = open_ && trial_in_flight_;
  trial_in_flight_ = false;
  if (trial_failed || (!open_ && consecutive_failures_ >= threshold_)) {
    if (!open_) ++openings_;
    open_ = true;
    open_until_ = now + cooldown_;
  }
}

int CircuitBreaker::Openings() const {
  std::lock_guard lock(mutex_);
  return openings_;
}

}  // namespace recon::llm
