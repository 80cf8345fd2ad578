#include "recon/llm/llm_params.hpp"

#include "recon/core/error.hpp"

namespace recon::llm {
namespace {

void RequireRange(const char* key, long long value, long long low, long long high) {
  if (value < low || value > high) {
    ThrowInvalidInput(std::string("llm.") + key + " must be between " + std::to_string(low) + " and " +
                      std::to_string(high) + ", got " + std::to_string(value));
  }
}

}  // namespace

void LlmParams::Validate() const {
  if (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0) {
    ThrowInvalidInput("llm.base_url must start with http:// or https://, got '" + base_url + "'");
  }
  if (model.empty()) ThrowInvalidInput("llm.model must not be empty");
  RequireRange("timeout_ms", timeout_ms, 100, 600000);
  RequireRange("max_concurrency", max_concurrency, 1, 256);
  RequireRange("requests_per_minute", requests_per_minute, 1, 1000000);
  RequireRange("tokens_per_minute", tokens_per_minute, 100, 100000000);
  RequireRange("max_retries", max_retries, 0, 10);
  RequireRange("backoff_initial_ms", backoff_initial_ms, 1, 600000);
  RequireRange("backoff_max_ms", backoff_max_ms, backoff_initial_ms, 600000);
  RequireRange("breaker_failures", breaker_failures, 1, 1000);
  RequireRange("breaker_cooldown_ms", breaker_cooldown_ms, 0, 3600000);
  RequireRange("max_comment_chars", max_comment_chars, 0, 10000);
  RequireRange("max_output_tokens", max_output_tokens, 50, 4096);
  if (!(min_local_confidence >= 0.0 && min_local_confidence <= 1.0)) {
    ThrowInvalidInput("llm.min_local_confidence must be between 0 and 1, got " + std::to_string(min_local_confidence));
  }
  if (!summarise_from_severity.empty() && !ParseSeverity(summarise_from_severity)) {
    ThrowInvalidInput("llm.summarise_from_severity must be empty or one of low, medium, high, critical, got '" +
                      summarise_from_severity + "'");
  }
}

}  // namespace recon::llm
