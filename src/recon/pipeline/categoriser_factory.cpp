#include "recon/pipeline/categoriser_factory.hpp"

#include <cstdlib>

#include "recon/llm/llm_categoriser.hpp"
#include "recon/pipeline/category_review.hpp"

namespace recon::pipeline {

RunCategoriser MakeRunCategoriser(const Config& config, bool use_llm, store::Store& store, const Logger& logger) {
  auto local = std::make_unique<categorise::LocalCategoriser>(config.categoriser);
  categorise::LocalCategoriser* local_view = local.get();
  const std::vector<categorise::LabelledComment> corrections = LearnedCorrections(store);
  if (!corrections.empty()) {
    local->Learn(corrections);
    logger.Info("categoriser.learned", {{"corrections", corrections.size()}});
  }
  if (!use_llm && !config.llm.enabled) return {std::move(local), nullptr, local_view};
  const char* key = std::getenv(config.llm.api_key_env.c_str());
  if (key == nullptr || *key == '\0') {
    // Local OpenAI-compatible servers (llama.cpp, vLLM, Ollama) usually need none; OpenAI answers 401, which is
    // reported per anomaly and falls back to local.
    logger.Warn("llm.no_api_key", {{"env", config.llm.api_key_env}, {"action", "sending requests without a key"}});
  }
  auto categoriser = std::make_unique<llm::LlmCategoriser>(config.llm, std::move(local), store,
                                                           key != nullptr ? key : "", logger);
  const llm::LlmStats* stats = &categoriser->Stats();
  return {std::move(categoriser), stats, local_view};
}

LlmReport SnapshotLlm(const llm::LlmStats& stats, const std::string& model) {
  LlmReport report;
  report.enabled = true;
  report.model = model;
  report.asked = stats.asked;
  report.cache_hits = stats.cache_hits;
  report.cache_misses = stats.cache_misses;
  report.calls = stats.calls;
  report.retries = stats.retries;
  report.rate_limited = stats.rate_limited;
  report.invalid_answers = stats.invalid_answers;
  report.failures = stats.failures;
  report.fallbacks = stats.fallbacks;
  report.prompt_tokens = stats.prompt_tokens;
  report.completion_tokens = stats.completion_tokens;
  return report;
}

}  // namespace recon::pipeline
