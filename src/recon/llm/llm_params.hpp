#pragma once
#include <string>

#include "recon/categorise/category.hpp"

namespace recon::llm {

/// Settings of the LLM categoriser (config section `llm:`). Disabled by default: recon then runs offline.
struct LlmParams {
  bool enabled = false;                         ///< ask the LLM for the residue the local categoriser is unsure of
  std::string base_url = "https://api.openai.com/v1";  ///< POST {base_url}/chat/completions
  std::string model = "gpt-4o-mini";
  std::string api_key_env = "OPENAI_API_KEY";  ///< name of the environment variable holding the key (may be unset)
  int timeout_ms = 30000;                       ///< per request, connect included
  int max_concurrency = 8;                      ///< requests in flight at once
  int requests_per_minute = 500;
  int tokens_per_minute = 200000;
  int max_retries = 3;            ///< retries after 429, 5xx and timeouts (one retry for an invalid answer)
  int backoff_initial_ms = 500;   ///< first backoff; doubles per retry, with jitter
  int backoff_max_ms = 20000;
  int breaker_failures = 5;       ///< consecutive failed anomalies that open the circuit breaker
  int breaker_cooldown_ms = 60000;  ///< how long the breaker keeps the LLM off before trying again
  double min_local_confidence = 0.6;  ///< local verdicts at or above this are final; the rest go to the LLM
  /// When set (low|medium|high|critical), anomalies of at least this severity also get the LLM's summary.
  std::string summarise_from_severity;
  int max_comment_chars = 500;   ///< COMMENT is cut to this length before it is sent
  int max_output_tokens = 300;
  /// Throws InvalidInput naming the key when out of range.
  void Validate() const;
};

using categorise::ParseSeverity;

}  // namespace recon::llm
