#include "recon/categorise/severity.hpp"

#include <algorithm>
#include <cmath>

#include "recon/core/error.hpp"

namespace recon::categorise {

void SeverityParams::Validate() const {
  if (!(medium_from > 0.0 && medium_from < high_from && high_from < critical_from)) {
    ThrowInvalidInput("categoriser.severity thresholds must satisfy 0 < medium_from < high_from < critical_from");
  }
}

double AmountAtRisk(const AnomalyEvidence& e) {
  const double price = std::max(std::fabs(e.book_price), std::fabs(e.street_price));
  return std::max(std::fabs(e.amount_diff), std::fabs(e.quantity_diff) * price);
}

Severity AssessSeverity(const AnomalyEvidence& evidence, Category category, const SeverityParams& params) {
  const double at_risk = AmountAtRisk(evidence);
  Severity severity = Severity::kLow;
  if (at_risk >= params.critical_from) {
    severity = Severity::kCritical;
  } else if (at_risk >= params.high_from) {
    severity = Severity::kHigh;
  } else if (at_risk >= params.medium_from) {
    severity = Severity::kMedium;
  }
  if (category == Category::kRoundingError) return Severity::kLow;
  if ((category == Category::kDuplicateEntry || category == Category::kMissingTrade) && severity == Severity::kLow) {
    return Severity::kMedium;
  }
  return severity;
}

}  // namespace recon::categorise
