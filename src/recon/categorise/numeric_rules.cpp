#include "recon/categorise/numeric_rules.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <utility>

#include "recon/categorise/break_signals.hpp"

namespace recon::categorise {
namespace {

constexpr double kEpsilon = 1e-9;
constexpr double kMaxRateFixingGap = 0.05;  // the largest relative gap read as two rates for one currency pair

// Puts the listed weights on their categories and spreads what is left evenly over the others, except those in
// `impossible`, which get none: no comment can then make them the verdict.
RuleVerdict Verdict(std::string rule, std::initializer_list<std::pair<Category, double>> weights,
                    std::initializer_list<Category> impossible = {}) {
  RuleVerdict verdict;
  verdict.rule = std::move(rule);
  double assigned = 0.0;
  for (const auto& [category, weight] : weights) {
    verdict.probabilities[static_cast<std::size_t>(category)] += weight;
    assigned += weight;
  }
  std::array<bool, kCategoryCount> open{};
  open.fill(true);
  for (const Category category : impossible) open[static_cast<std::size_t>(category)] = false;
  const auto open_count = static_cast<double>(std::count(open.begin(), open.end(), true));
  const double rest = std::max(0.0, 1.0 - assigned) / open_count;
  for (std::size_t cat = 0; cat < kCategoryCount; ++cat) {
    if (open[cat]) verdict.probabilities[cat] += rest;
  }
  return verdict;
}

// A quantity break whose amounts follow quantity x price: FX rates and fees move amounts, never quantities.
RuleVerdict QuantityVerdict(std::string rule, std::initializer_list<std::pair<Category, double>> weights) {
  return Verdict(std::move(rule), weights, {Category::kFxRateDifference, Category::kFeeCommissionDifference});
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
    // A quantity break or a partial settlement moves the amount with the quantity; when the amounts do not
    // follow quantity x price, something else changed as well.
    if (!AmountsFollowQuantityTimesPrice(e)) {
      return Verdict("quantity differs but the amounts do not follow it",
                     {{C::kUnknown, 0.6}, {C::kQuantityMismatch, 0.1}});
    }
    if (late) {
      return QuantityVerdict("quantity differs, settling late", {{C::kTimingIssue, 0.6}, {C::kQuantityMismatch, 0.2}});
    }
    if (LooksLikeKeyingSlip(e.book_quantity, e.street_quantity)) {
      return QuantityVerdict("quantity off by a power of ten or sign", {{C::kQuantityMismatch, 0.8}});
    }
    const double smaller = std::min(std::fabs(e.book_quantity), std::fabs(e.street_quantity));
    const double larger = std::max(std::fabs(e.book_quantity), std::fabs(e.street_quantity));
    const bool same_sign = (e.book_quantity > 0) == (e.street_quantity > 0);
    // A partial settlement leaves the street short of the book; a street side over the book is no partial.
    const bool street_short = std::fabs(e.street_quantity) < std::fabs(e.book_quantity);
    const double fill = larger > 0 ? smaller / larger : 0.0;
    if (same_sign && street_short && fill >= 0.2 && fill <= 0.9) {
      return QuantityVerdict("partial quantity at the same price",
                             {{C::kTimingIssue, 0.35}, {C::kQuantityMismatch, 0.35}});
    }
    return QuantityVerdict("quantity differs", {{C::kQuantityMismatch, 0.6}, {C::kUnknown, 0.1}});
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
    // Cross rates first: converting at a round-figured rate can leave a difference in round basis points.
    if (AmountRatioIsCrossRate(e)) {
      return Verdict("amounts differ by a currency pair's rate", {{C::kFxRateDifference, 0.8}});
    }
    // Fees are at most about 1% of the gross (stamp duty is 0.5%, commissions less).
    if (relative <= 0.01 && DifferenceIsRoundBasisPoints(e)) {
      return Verdict("amount differs by a round rate in basis points", {{C::kFeeCommissionDifference, 0.7}});
    }
    if (DifferenceIsRoundFixedFee(e)) {
      return Verdict("amount differs by a small round fee", {{C::kFeeCommissionDifference, 0.55}});
    }
    if (absolute <= 1.0)
      return Verdict("amount differs by under 1.00", {{C::kRoundingError, 0.45}, {C::kUnknown, 0.2}});
    const double bps = relative * 1e4;
    // Fixings from different sources, or a stale rate, differ by tenths of a percent to a few percent.
    if (relative > kMaxRateFixingGap) {
      return Verdict("amount differs by more than a rate fixing", {{C::kUnknown, 0.45}, {C::kFxRateDifference, 0.15}});
    }
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
