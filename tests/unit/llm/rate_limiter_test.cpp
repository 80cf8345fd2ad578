#include "recon/llm/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "recon/llm/circuit_breaker.hpp"

namespace recon::llm {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RateLimiterTest, RequestsPerMinuteAreABucketThatRefillsContinuously) {
  RateLimiter limiter(60, 1'000'000);  // one request per second, a minute's burst
  const auto start = RateLimiter::Clock::now();
  for (int request = 0; request < 60; ++request) ASSERT_EQ(limiter.TryAcquire(10, start), RateLimiter::Clock::duration::zero());
  const auto wait = limiter.TryAcquire(10, start);
  EXPECT_GT(wait, milliseconds(990));
  EXPECT_LT(wait, milliseconds(1010));
  EXPECT_EQ(limiter.TryAcquire(10, start + seconds(1) + milliseconds(2)), RateLimiter::Clock::duration::zero());
}

TEST(RateLimiterTest, TokensPerMinuteLimitLargeRequestsAndUsageCorrectsTheEstimate) {
  RateLimiter limiter(1000, 6000);  // 100 tokens per second
  const auto start = RateLimiter::Clock::now();
  EXPECT_EQ(limiter.TryAcquire(5000, start), RateLimiter::Clock::duration::zero());
  const auto wait = limiter.TryAcquire(2000, start);  // 1000 left, 1000 short: 10 s
  EXPECT_GT(wait, seconds(9));
  EXPECT_LT(wait, seconds(11));
  limiter.Adjust(-1000);  // the first request used 1000 fewer tokens than estimated
  EXPECT_EQ(limiter.TryAcquire(2000, start), RateLimiter::Clock::duration::zero());
}

TEST(RateLimiterTest, ARetryAfterPausesEveryone) {
  RateLimiter limiter(1000, 1'000'000);
  const auto start = RateLimiter::Clock::now();
  limiter.PauseUntil(start + seconds(3));
  EXPECT_EQ(limiter.TryAcquire(1, start + seconds(1)), seconds(2));
  EXPECT_EQ(limiter.TryAcquire(1, start + seconds(3)), RateLimiter::Clock::duration::zero());
}

TEST(RateLimiterTest, CancelWakesAWaitingAcquire) {
  RateLimiter limiter(1000, 1'000'000);
  limiter.PauseUntil(RateLimiter::Clock::now() + seconds(60));
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(50));
    limiter.Cancel();
  });
  EXPECT_FALSE(limiter.Acquire(1));  // returns after ~50 ms, not 60 s
  canceller.join();
}

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresThenLetsOneTrialThrough) {
  CircuitBreaker breaker(3, seconds(10));
  const auto start = CircuitBreaker::Clock::now();
  breaker.RecordFailure(start);
  breaker.RecordFailure(start);
  breaker.RecordSuccess();  // resets the count
  breaker.RecordFailure(start);
  breaker.RecordFailure(start);
  EXPECT_TRUE(breaker.Allow(start));
  breaker.RecordFailure(start);
  EXPECT_FALSE(breaker.Allow(start + seconds(5)));
  EXPECT_EQ(breaker.Openings(), 1);
  EXPECT_TRUE(breaker.Allow(start + seconds(11)));   // the trial
  EXPECT_FALSE(breaker.Allow(start + seconds(11)));  // only one at a time
  breaker.RecordFailure(start + seconds(12));        // trial failed: another cool-down
  EXPECT_FALSE(breaker.Allow(start + seconds(20)));
  EXPECT_TRUE(breaker.Allow(start + seconds(23)));
  breaker.RecordSuccess();
  EXPECT_TRUE(breaker.Allow(start + seconds(23)));
  EXPECT_TRUE(breaker.Allow(start + seconds(23)));
}

}  // namespace
}  // namespace recon::llm
