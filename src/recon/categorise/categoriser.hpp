#pragma once
// The seam for categorisation: batch-first, so deduplication, caching and parallelism live in one place and a
// single trade is simply a batch of one. Implementations: LocalCategoriser (default, offline); LlmCategoriser
// (llm/), which asks an LLM about what the local one is unsure of and falls back to it.
#include <span>
#include <string>
#include <vector>

#include "recon/categorise/category.hpp"
#include "recon/categorise/evidence.hpp"

namespace recon::categorise {

/// The verdict on one anomaly.
struct Categorisation {
  Category category = Category::kUnknown;
  Severity severity = Severity::kLow;
  std::string summary;
  double confidence = 0.0;  ///< 0..1
  CategorySource source = CategorySource::kLocal;
  /// What the local categoriser (numbers + comment) chose. Equal to `category` unless an LLM overruled it; the
  /// resolver auto-resolves only what both agree on, so no text can talk a break into being closed.
  Category local_category = Category::kUnknown;
};

std::string_view SourceName(CategorySource source);

class Categoriser {
 public:
  virtual ~Categoriser() = default;
  /// One categorisation per evidence, in input order. Not const: an implementation may cache, count and call out.
  virtual std::vector<Categorisation> Categorise(std::span<const AnomalyEvidence> evidence) = 0;
  /// Stops outstanding external calls (shutdown); their anomalies keep a local verdict. Local ones: nothing to do.
  virtual void Cancel() {}
};

}  // namespace recon::categorise
