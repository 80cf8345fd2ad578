#pragma once
// Chooses the categoriser a run uses: the local one, or the LLM one (local first, LLM for the residue) when the
// configuration or the command line asks for it. The API key is read from the environment variable named in
// config (never from the file itself). The local categoriser learns the reviewers' category corrections kept in
// the store (category_review.hpp) as it is built, so a run uses every correction made before it started.
#include <memory>

#include "recon/categorise/categoriser.hpp"
#include "recon/categorise/local_categoriser.hpp"
#include "recon/core/logger.hpp"
#include "recon/llm/llm_client.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/store/store.hpp"

namespace recon::pipeline {

/// What a run's categoriser is, with the LLM counters when there is one (null otherwise).
struct RunCategoriser {
  std::unique_ptr<categorise::Categoriser> categoriser;
  const llm::LlmStats* llm_stats = nullptr;
  /// The local categoriser (inside `categoriser` when an LLM wraps it), for learning corrections made later.
  categorise::LocalCategoriser* local = nullptr;
};

/// `use_llm` forces the LLM on (e.g. `--llm`); otherwise config.llm.enabled decides.
RunCategoriser MakeRunCategoriser(const Config& config, bool use_llm, store::Store& store, const Logger& logger);

/// LLM counters as printed in the run summary and logged.
struct LlmReport {
  bool enabled = false;
  std::string model;
  std::uint64_t asked = 0, cache_hits = 0, cache_misses = 0, calls = 0, retries = 0, rate_limited = 0,
                invalid_answers = 0, failures = 0, fallbacks = 0, prompt_tokens = 0, completion_tokens = 0;
};
LlmReport SnapshotLlm(const llm::LlmStats& stats, const std::string& model);

}  // namespace recon::pipeline
