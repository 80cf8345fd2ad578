#pragma once
#include "recon/categorise/category.hpp"
#include "recon/categorise/evidence.hpp"

namespace recon::categorise {

/// Amount-at-risk thresholds (in the trade's currency units) that separate the severity levels.
struct SeverityParams {
  double medium_from = 1'000.0;
  double high_from = 100'000.0;
  double critical_from = 5'000'000.0;
  /// Throws InvalidInput unless 0 < medium_from < high_from < critical_from.
  void Validate() const;
};

/// The larger of the amount difference and the quantity difference valued at the trade price.
double AmountAtRisk(const AnomalyEvidence& evidence);

/// Severity from the amount at risk, adjusted by category: a rounding error is never above low; a duplicate or
/// missing trade (cash moves twice or not at all) is never below medium.
Severity AssessSeverity(const AnomalyEvidence& evidence, Category category, const SeverityParams& params);

}  // namespace recon::categorise
