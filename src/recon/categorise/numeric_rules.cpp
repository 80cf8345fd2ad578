#include "recon/categorise/numeric_rules.hpp"

#include <cmath>
#include <initializer_list>
#include <utility>

namespace recon::categorise {
namespace {

constexpr double kEpsilon = 1e-9;

// Puts the listed weights on their categories and spreads what is left evenly over all of them.
RuleVerdict Verdict(std::string rule, std::initializer_list<std::pair<Category, double>> weights) {
  RuleVerdict verdict;
  verdict.rule = std::move(rule);
  double assigned = 0.0;
  for (const auto& [category, weight] : weights) {
    verdict.probabilities[static_cast<std::size_t>(category)] += weight;
    assigned += weight;
  }
  const double rest = std::max(0.0, 1.0 - assigned) / static_cast<double>(kCategoryCount);
  for (double& probability : verdict.probabilities) probability += rest;
  return verdict;
}

bool IsZero(double value) { return std::fabs(value) < kEpsilon; }

// True when a / b is (close to) a power of ten other than 1, or -1: typical keying slips.
bool LooksLikeKeyingSlip(double a, double b) {
  if (IsZero(a) || IsZero(b)) return false;
  const double ratio = a / b;
  if (std::fabs(ratio + 1.0) < 1e-9) return true;
  const double magnitude = std::log10(std::fabs(ratio));
  return std::fabs(magnitude - std::round(magnitude)) < 1e-6 && std::round(magnitude) != 0.0;
}

}  // namespace

RuleVerdict ApplyNumericRules(const AnomalyEvidence& e) {
  using C = Category;
  if (e.trade_id_repeat || e.economics_repeat) {
    return Verdict("repeat of a recent trade", {{C::kDuplicateEntry, 0.85}});
  }
  const bool book_absent = IsZero(e.book_quantity) && IsZero(e.book_amount);
  const bool street_absent = IsZero(e.street_quantity) && IsZero(e.street_amount);
  const bool late = e.lag_excess_bdays > 0;
  if (book_absent != street_absent) {
    if (late) return Verdict("one side absent, settling late", {{C::kTimingIssue, 0.7}, {C::kMissingTrade, 0.15}});
    return Verdict("one side absent", {{C::kMissingTrade, 0.55}, {C::kTimingIssue, 0.25}});
  }
  const bool quantity_differs = !IsZero(e.quantity_diff);
  const bool price_differs = !IsZero(e.price_diff);
  const bool amount_differs = !IsZero(e.amount_diff);
  const bool zero_price = (IsZero(e.book_price) != IsZero(e.street_price));
  const bool zero_amount = (IsZero(e.book_amount) != IsZero(e.street_amount));
  if (zero_price || zero_amount || (quantity_differs && price_differs)) {
    return Verdict("several fields off", {{C::kUnknown, 0.6}});
  }
  if (quantity_differs) {
    if (late) return Verdict("quantity differs, settling late", {{C::kTimingIssue, 0.6}, {C::kQuantityMismatch, 0.2}});
    if (LooksLikeKeyingSlip(e.book_quantity, e.street_quantity)) {
      return Verdict("quantity off by a power of ten or sign", {{C::kQuantityMismatch, 0.8}});
    }
    const double smaller = std::min(std::fabs(e.book_quantity), std::fabs(e.street_quantity));
    const double larger = std::max(std::fabs(e.book_quantity), std::fabs(e.street_quantity));
    const bool same_sign = (e.book_quantity > 0) == (e.street_quantity > 0);
    const double fill = larger > 0 ? smaller / larger : 0.0;
    if (same_sign && fill >= 0.2 && fill <= 0.9) {
      return Verdict("partial quantity at the same price", {{C::kTimingIssue, 0.35}, {C::kQuantityMismatch, 0.35}});
    }
    return Verdict("quantity differs", {{C::kQuantityMismatch, 0.6}, {C::kUnknown, 0.1}});
  }
  if (price_differs) {
    if (std::fabs(e.amount_diff) <= 1.0) return Verdict("sub-tick price difference", {{C::kRoundingError, 0.7}});
    return Verdict("price differs", {{C::kPriceMismatch, 0.75}});
  }
  if (late) return Verdict("settles later than the desk's usual lag", {{C::kTimingIssue, 0.8}});
  if (amount_differs) {
    const double absolute = std::fabs(e.amount_diff);
    const double notional = std::max(std::fabs(e.book_amount), std::fabs(e.street_amount));
    const double relative = notional > 0 ? absolute / notional : 0.0;
    if (absolute <= 0.05) return Verdict("amount differs by cents", {{C::kRoundingError, 0.8}});
    if (absolute <= 1.0)
      return Verdict("amount differs by under 1.00", {{C::kRoundingError, 0.45}, {C::kUnknown, 0.2}});
    const double bps = relative * 1e4;
    if (bps >= 30.0)
      return Verdict("amount scaled by a rate-like factor", {{C::kFxRateDifference, 0.6}, {C::kUnknown, 0.1}});
    if (bps >= 0.5) {
      return Verdict("amount differs by commission-sized basis points",
                     {{C::kFeeCommissionDifference, 0.45}, {C::kFxRateDifference, 0.2}});
    }
    return Verdict("small fixed amount difference", {{C::kFeeCommissionDifference, 0.4}, {C::kUnknown, 0.2}});
  }
  return Verdict("no numeric difference", {{C::kUnknown, 0.3}});
}

}  // namespace recon::categorise
