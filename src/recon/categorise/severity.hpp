#pragma once
// Severity from the money at stake: the amount at risk in the reporting currency sets a floor; a break that is
// large relative to its trade, or long overdue, is raised a level; a category may raise it further (cash moving
// twice or not at all), never lower it. A currency without a rate counts as large.
#include "recon/categorise/category.hpp"
#include "recon/categorise/evidence.hpp"

namespace recon::categorise {

/// Severity thresholds (config section `categoriser.severity:`); amounts are in the reporting currency.
struct SeverityParams {
  double medium_from = 1'000.0;
  double high_from = 100'000.0;
  double critical_from = 5'000'000.0;
  /// A break of at least medium whose amount at risk is this share of the trade or more is raised a level.
  double raise_from_relative = 0.5;
  /// A break of at least medium this many business days past its settlement date is raised a level (0 = never).
  int raise_after_overdue_bdays = 10;
  /// Throws InvalidInput unless 0 < medium_from < high_from < critical_from and the rest are in range.
  void Validate() const;
};

/// The floor the amount alone sets (high for a currency without a rate).
Severity AmountFloor(const AnomalyEvidence& evidence, const SeverityParams& params);

/// The floor, raised for relative size and age, then for the category.
Severity AssessSeverity(const AnomalyEvidence& evidence, Category category, const SeverityParams& params);

}  // namespace recon::categorise
