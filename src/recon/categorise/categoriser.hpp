#pragma once
// The seam for categorisation: batch-first, so deduplication, caching and parallelism live in one place and a
// single trade is simply a batch of one. Implementations: LocalCategoriser (default, offline); an LLM-backed one
// later, which falls back to the local one.
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
};

std::string_view SourceName(CategorySource source);

class Categoriser {
 public:
  virtual ~Categoriser() = default;
  /// One categorisation per evidence, in input order.
  virtual std::vector<Categorisation> Categorise(std::span<const AnomalyEvidence> evidence) const = 0;
};

}  // namespace recon::categorise
