#include "recon/categorise/severity.hpp"

#include <algorithm>
#include <cmath>

#include "recon/core/error.hpp"

namespace recon::categorise {

void SeverityParams::Validate() const {
  if (!(medium_from > 0.0 && medium_from < high_from && high_from < critical_from)) {
    ThrowInvalidInput("categoriser.severity thresholds must satisfy 0 < medium_from < high_from < critical_from");
  }
  if (!(raise_from_relative > 0.0 && raise_from_relative <= 1.0)) {
    ThrowInvalidInput("categoriser.severity.raise_from_relative must be in (0, 1]");
  }
  if (raise_after_overdue_bdays < 0) ThrowInvalidInput("categoriser.severity.raise_after_overdue_bdays must be >= 0");
}

namespace {
Severity Raise(Severity severity) {
  return severity == Severity::kCritical ? severity : static_cast<Severity>(static_cast<int>(severity) + 1);
}
}  // namespace

Severity AmountFloor(const AnomalyEvidence& evidence, const SeverityParams& params) {
  if (!evidence.currency_known) return Severity::kHigh;
  const double at_risk = evidence.at_risk_reporting;
  if (at_risk >= params.critical_from) return Severity::kCritical;
  if (at_risk >= params.high_from) return Severity::kHigh;
  if (at_risk >= params.medium_from) return Severity::kMedium;
  return Severity::kLow;
}

Severity AssessSeverity(const AnomalyEvidence& evidence, Category category, const SeverityParams& params) {
  const Severity floor = AmountFloor(evidence, params);
  Severity severity = floor;
  if (floor >= Severity::kMedium) {
    if (evidence.relative_size >= params.raise_from_relative) severity = Raise(severity);
    if (params.raise_after_overdue_bdays > 0 && evidence.overdue_bdays >= params.raise_after_overdue_bdays) {
      severity = Raise(severity);
    }
  }
  if ((category == Category::kDuplicateEntry || category == Category::kMissingTrade) && severity < Severity::kMedium) {
    severity = Severity::kMedium;
  }
  return std::max(severity, floor);
}

}  // namespace recon::categorise
