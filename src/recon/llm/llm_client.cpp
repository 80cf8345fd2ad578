#include "recon/llm/llm_client.hpp"

#include <algorithm>

#include "recon/core/random.hpp"

namespace recon::llm {
namespace {

// Rough prompt size for the token bucket before the server reports real usage (~4 characters per token).
double EstimateTokens(const std::string& request_body, int max_output_tokens) {
  return static_cast<double>(request_body.size()) / 4.0 + max_output_tokens;
}

std::string Snippet(const std::string& body) {
  std::string text = body.substr(0, 200);
  for (char& character : text) {
    if (static_cast<unsigned char>(character) < 0x20) character = ' ';
  }
  return text;
}

}  // namespace

LlmClient::LlmClient(const LlmParams& params, std::string api_key, LlmShared& shared)
    : params_(params), shared_(shared) {
  url_ = params.base_url;
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
  url_ += "/chat/completions";
  // Local servers (llama.cpp, Ollama) need no key; the header is sent only when one is set.
  if (!api_key.empty()) headers_.push_back("Authorization: Bearer " + api_key);
}

std::chrono::milliseconds LlmClient::Backoff(int retry_idx, std::uint64_t jitter_seed) const {
  // "Full jitter": uniform in [0, min(max, initial * 2^retry)], so synchronised workers spread out.
  const double ceiling = std::min<double>(params_.backoff_max_ms,
                                          params_.backoff_initial_ms * static_cast<double>(1ULL << std::min(retry_idx, 20)));
  Random random(DeriveSeed(jitter_seed, static_cast<std::uint64_t>(retry_idx)));
  return std::chrono::milliseconds(static_cast<long long>(random.Uniform(0.5, 1.0) * ceiling));
}

std::optional<LlmAnswer> LlmClient::Ask(const std::string& request_body, std::uint64_t jitter_seed,
                                        std::string& problem) {
  LlmStats& stats = shared_.stats;
  const double estimate = EstimateTokens(request_body, params_.max_output_tokens);
  int transient_retries = 0;
  bool invalid_retried = false;
  auto fail = [&](std::string reason) -> std::optional<LlmAnswer> {
    problem = std::move(reason);
    ++stats.failures;
    shared_.breaker.RecordFailure(CircuitBreaker::Clock::now());
    return std::nullopt;
  };
  while (true) {
    if (shared_.cancellation.Cancelled()) {
      problem = kCancelled;
      return std::nullopt;
    }
    if (!shared_.breaker.Allow(CircuitBreaker::Clock::now())) {
      problem = kBreakerOpen;
      return std::nullopt;
    }
    if (!shared_.limiter.Acquire(estimate)) {
      problem = kCancelled;
      return std::nullopt;
    }
    ++stats.calls;
    const HttpResponse response =
        http_.PostJson(url_, headers_, request_body, params_.timeout_ms, &shared_.cancellation);
    if (shared_.cancellation.Cancelled()) {
      problem = kCancelled;
      return std::nullopt;
    }
    if (response.status == 200) {
      const ParsedCompletion parsed = ParseCompletion(response.body);
      stats.prompt_tokens += parsed.usage.prompt_tokens;
      stats.completion_tokens += parsed.usage.completion_tokens;
      const auto used = static_cast<double>(parsed.usage.prompt_tokens + parsed.usage.completion_tokens);
      if (used > 0.0) shared_.limiter.Adjust(used - estimate);
      if (parsed.ok()) {
        shared_.breaker.RecordSuccess();
        return std::get<LlmAnswer>(parsed.answer_or_problem);
      }
      ++stats.invalid_answers;
      if (invalid_retried) return fail("invalid answer: " + std::get<std::string>(parsed.answer_or_problem));
      invalid_retried = true;
      ++stats.retries;
      continue;
    }
    const bool rate_limited = response.status == 429;
    const bool transient = rate_limited || response.status == 0 || response.status >= 500;
    std::string reason = response.status == 0
                             ? (response.timed_out ? "timed out after " + std::to_string(params_.timeout_ms) + " ms"
                                                   : "no answer: " + response.transport_error)
                             : "HTTP " + std::to_string(response.status) + ": " + Snippet(response.body);
    if (rate_limited) ++stats.rate_limited;
    if (!transient || transient_retries >= params_.max_retries) return fail(std::move(reason));
    const auto backoff = Backoff(transient_retries, jitter_seed);
    ++transient_retries;
    ++stats.retries;
    if (rate_limited) {
      // Retry-After applies to the key, so every worker holds back (the limiter's pause), not only this one.
      const auto pause = response.retry_after_s
                             ? std::chrono::duration_cast<RateLimiter::Clock::duration>(
                                   std::chrono::duration<double>(std::min(*response.retry_after_s, 600.0)))
                             : std::chrono::duration_cast<RateLimiter::Clock::duration>(backoff);
      shared_.limiter.PauseUntil(RateLimiter::Clock::now() + pause);
    } else if (!shared_.cancellation.Sleep(backoff)) {
      problem = kCancelled;
      return std::nullopt;
    }
  }
}

}  // namespace recon::llm
