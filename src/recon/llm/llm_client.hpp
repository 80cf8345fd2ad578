#pragma once
// Asks the LLM one question, with the failure policy of the issue: a 429 pauses every worker for its Retry-After
// (or the backoff); 5xx, timeouts and refused connections are retried with exponential backoff and full jitter;
// an answer that fails validation gets one more try; other 4xx (bad key, unknown model) are not retried. A question
// that still has no valid answer counts against the circuit breaker, and the caller falls back to local.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "recon/core/cancellation.hpp"
#include "recon/llm/circuit_breaker.hpp"
#include "recon/llm/http_client.hpp"
#include "recon/llm/llm_params.hpp"
#include "recon/llm/rate_limiter.hpp"
#include "recon/llm/response.hpp"

namespace recon::llm {

/// Reasons Ask gives for not asking at all (not failures of the LLM).
inline constexpr std::string_view kCancelled = "cancelled";
inline constexpr std::string_view kBreakerOpen = "circuit breaker open after repeated failures";

/// Counters of one categoriser's life (run summary, /metrics). Updated from the worker threads.
struct LlmStats {
  std::atomic<std::uint64_t> asked{0};           ///< anomalies routed to the LLM (before dedupe and cache)
  std::atomic<std::uint64_t> cache_hits{0};
  std::atomic<std::uint64_t> cache_misses{0};
  std::atomic<std::uint64_t> calls{0};           ///< HTTP requests made, retries included
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> rate_limited{0};    ///< 429 answers
  std::atomic<std::uint64_t> invalid_answers{0};
  std::atomic<std::uint64_t> failures{0};        ///< questions left without a valid answer
  std::atomic<std::uint64_t> fallbacks{0};       ///< anomalies answered locally because the LLM failed or was off
  std::atomic<std::uint64_t> prompt_tokens{0};
  std::atomic<std::uint64_t> completion_tokens{0};
  std::atomic<std::uint64_t> severity_escalations{0};    ///< LLM severity taken because it was higher
  std::atomic<std::uint64_t> severity_kept{0};           ///< LLM severity lower than the local one, not taken
  std::atomic<std::uint64_t> category_changes{0};        ///< LLM category taken over the local one
  std::atomic<std::uint64_t> category_refused{0};        ///< LLM category the numbers rule out, not taken
};

/// What the workers share: limits, breaker, counters, the shutdown signal.
struct LlmShared {
  LlmShared(const LlmParams& params)
      : limiter(params.requests_per_minute, params.tokens_per_minute),
        breaker(params.breaker_failures, std::chrono::milliseconds(params.breaker_cooldown_ms)) {}
  RateLimiter limiter;
  CircuitBreaker breaker;
  LlmStats stats;
  Cancellation cancellation;
};

/// One worker's client (it owns one HTTP connection).
class LlmClient {
 public:
  LlmClient(const LlmParams& params, std::string api_key, LlmShared& shared);

  /// The validated answer to `request_body`, or nullopt with `problem` set (the last reason).
  std::optional<LlmAnswer> Ask(const std::string& request_body, std::uint64_t jitter_seed, std::string& problem);

 private:
  std::chrono::milliseconds Backoff(int retry_idx, std::uint64_t jitter_seed) const;

  const LlmParams& params_;
  std::string url_;
  std::vector<std::string> headers_;
  LlmShared& shared_;
  HttpClient http_;
};

}  // namespace recon::llm
