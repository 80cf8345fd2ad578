#pragma once
// The LLM verdict cache: an answer kept under the SHA-256 key of its question (llm/prompt.hpp), so the same
// question is never paid for twice, across runs and processes.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace recon::store {

/// An LLM answer kept for reuse, under the SHA-256 key of its question (llm/prompt.hpp).
struct CachedVerdict {
  std::string key;
  std::string category;
  std::string severity;
  std::string summary;
  double confidence = 0.0;
  std::string model;
};

/// Cached LLM verdicts (what the LLM categoriser needs of the store).
class LlmCacheStore {
 public:
  virtual ~LlmCacheStore() = default;
  /// The cached verdict of each key (nullopt where none is stored).
  virtual std::vector<std::optional<CachedVerdict>> FindCachedVerdicts(std::span<const std::string> keys) = 0;
  /// Stores verdicts; a key already present keeps its first answer.
  virtual void SaveCachedVerdicts(std::span<const CachedVerdict> verdicts) = 0;
  /// How many verdicts are cached.
  virtual std::uint64_t CountCachedVerdicts() = 0;
};

}  // namespace recon::store
