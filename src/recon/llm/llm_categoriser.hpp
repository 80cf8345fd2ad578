#pragma once
// Local first, LLM for the residue. Every anomaly is categorised locally; only those whose local confidence is
// below llm.min_local_confidence (and, when configured, those of high severity, for their summary) become
// questions. Identical questions in a batch are asked once (same cache key), answers already in the store's cache
// are reused, and the rest are asked by a bounded pool of workers, results kept in input order. Whatever the LLM
// cannot answer (down, rate-limited beyond the retries, invalid twice, breaker open, cancelled) keeps the local
// verdict, so a batch never fails because of the LLM. Each result records its source: llm, cache or local.
// Thread-safe: the service categorises concurrent requests; cache reads and writes share one lock.
#include <memory>
#include <mutex>
#include <string>

#include "recon/categorise/categoriser.hpp"
#include "recon/categorise/local_categoriser.hpp"
#include "recon/core/logger.hpp"
#include "recon/llm/llm_client.hpp"
#include "recon/llm/llm_params.hpp"
#include "recon/store/llm_cache_store.hpp"

namespace recon::llm {

class LlmCategoriser final : public categorise::Categoriser {
 public:
  /// `local` answers first and is the fallback; `cache` persists answers (the store); `api_key` may be empty.
  LlmCategoriser(LlmParams params, std::unique_ptr<categorise::LocalCategoriser> local, store::LlmCacheStore& cache,
                 std::string api_key, const Logger& logger);
  std::vector<categorise::Categorisation> Categorise(std::span<const categorise::AnomalyEvidence> evidence) override;
  /// Counters since construction.
  const LlmStats& Stats() const { return shared_.stats; }
  /// Stops asking: waiting and sleeping workers return at once and their anomalies keep the local verdict.
  void Cancel() override;

 private:
  struct Question;
  bool ShouldAsk(const categorise::Categorisation& local) const;
  void AskAll(std::vector<Question>& questions);

  LlmParams params_;
  std::unique_ptr<categorise::LocalCategoriser> local_;
  store::LlmCacheStore& cache_;
  std::mutex cache_mutex_;  // one store connection: its transactions must not interleave
  std::string api_key_;
  const Logger& logger_;
  LlmShared shared_;
  std::optional<categorise::Severity> summarise_from_;
};

}  // namespace recon::llm
