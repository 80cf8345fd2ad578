#include "recon/categorise/break_signals.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "recon/categorise/valuation.hpp"

namespace recon::categorise {
namespace {

constexpr double kCent = 0.01;
// Amounts are rounded to the cent on each side, so a figure derived from one may be half a cent off, and the
// decimal text of the input adds a little floating-point noise.
constexpr double kCentTolerance = 0.5 * kCent + 1e-6;

bool IsZero(double value) { return std::fabs(value) < 1e-9; }

// Whether `value` is a whole multiple of `step`, to within `tolerance`.
bool IsMultipleOf(double value, double step, double tolerance) {
  const double nearest = std::round(value / step) * step;
  return std::fabs(value - nearest) <= tolerance && !IsZero(nearest);
}

}  // namespace

bool AmountsFollowQuantityTimesPrice(const AnomalyEvidence& e) {
  const double book_gross = e.book_quantity * e.book_price;
  const double street_gross = e.street_quantity * e.street_price;
  if (IsZero(book_gross) || IsZero(street_gross) || IsZero(e.book_amount) || IsZero(e.street_amount)) return false;
  // The multiplier implied by the larger side predicts the other side's amount, which must then match it to the
  // cent (the other side's own rounding, widened by the multiplier's).
  const bool book_larger = std::fabs(e.book_amount) >= std::fabs(e.street_amount);
  const double multiplier = book_larger ? e.book_amount / book_gross : e.street_amount / street_gross;
  const double predicted = multiplier * (book_larger ? street_gross : book_gross);
  const double actual = book_larger ? e.street_amount : e.book_amount;
  const double smaller_gross = std::min(std::fabs(book_gross), std::fabs(street_gross));
  const double larger_gross = std::max(std::fabs(book_gross), std::fabs(street_gross));
  const double tolerance = kCentTolerance * (1.0 + smaller_gross / larger_gross);
  return std::fabs(predicted - actual) <= tolerance;
}

bool DifferenceIsRoundBasisPoints(const AnomalyEvidence& e) {
  const double difference = std::fabs(e.amount_diff);
  if (IsZero(difference)) return false;
  for (const double gross : {std::fabs(e.book_amount), std::fabs(e.street_amount)}) {
    // The finest grid (a tenth, a half or a whole basis point) whose steps are at least 1.00 apart, so that a
    // cent-exact match has at most a 1-in-100 chance of being luck.
    for (const double step_bp : {0.1, 0.5, 1.0}) {
      const double step = gross * step_bp * 1e-4;
      if (step < 1.0) continue;
      if (IsMultipleOf(difference, step, kCentTolerance)) return true;
      break;
    }
  }
  return false;
}

bool DifferenceIsRoundFixedFee(const AnomalyEvidence& e) {
  const double difference = std::fabs(e.amount_diff);
  if (!e.currency_known || !(e.at_risk_reporting <= kMaxFixedFeeReporting)) return false;
  return IsMultipleOf(difference, 0.25, 1e-6);
}

bool AmountRatioIsCrossRate(const AnomalyEvidence& e) {
  if (IsZero(e.book_amount) || IsZero(e.street_amount)) return false;
  static const std::map<std::string, double, std::less<>> kRates = ValuationParams::DefaultFxRates();
  const auto own = kRates.find(e.currency);
  if (own == kRates.end()) return false;
  const double ratio = std::fabs(e.book_amount / e.street_amount);
  for (const auto& [currency, rate] : kRates) {
    if (currency == e.currency) continue;
    const double cross = own->second / rate;  // units of `currency` per unit of the trade currency
    for (const double expected : {cross, 1.0 / cross}) {
      if (std::fabs(ratio / expected - 1.0) <= kCrossRateTolerance) return true;
    }
  }
  return false;
}

}  // namespace recon::categorise
