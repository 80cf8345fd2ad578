#include "recon/categorise/plausibility.hpp"

#include <cmath>

#include "recon/categorise/valuation.hpp"
#include "recon/core/error.hpp"

namespace recon::categorise {
namespace {

constexpr double kEpsilon = 1e-9;
bool IsZero(double value) { return std::fabs(value) < kEpsilon; }

void Say(std::string* why, std::string text) {
  if (why != nullptr) *why = std::move(text);
}

}  // namespace

void RoundingLimits::Validate() const {
  if (!(max_amount >= 0.0)) ThrowInvalidInput("categoriser.rounding.max_amount must be >= 0");
  if (!(max_relative >= 0.0 && max_relative <= 1.0))
    ThrowInvalidInput("categoriser.rounding.max_relative must be between 0 and 1");
}

BreakShape ShapeOf(const AnomalyEvidence& e) {
  BreakShape shape;
  shape.book_absent = IsZero(e.book_quantity) && IsZero(e.book_amount);
  shape.street_absent = IsZero(e.street_quantity) && IsZero(e.street_amount);
  shape.quantity_differs = !IsZero(e.book_quantity - e.street_quantity) || !IsZero(e.quantity_diff);
  shape.price_differs = !IsZero(e.book_price) && !IsZero(e.street_price) && !IsZero(e.book_price - e.street_price);
  shape.amount_differs = !IsZero(e.amount_diff) || !IsZero(e.book_amount - e.street_amount);
  const bool same_sign = (e.book_quantity > 0) == (e.street_quantity > 0);
  shape.partial = shape.quantity_differs && same_sign && !IsZero(e.book_quantity) && !IsZero(e.street_quantity) &&
                  !shape.price_differs;
  shape.repeat = e.trade_id_repeat || e.economics_repeat;
  return shape;
}

bool NumbersAllow(const AnomalyEvidence& e, Category category, const RoundingLimits& rounding, std::string* why) {
  const BreakShape shape = ShapeOf(e);
  switch (category) {
    case Category::kRoundingError:
      if (shape.OneSided()) return Say(why, "one side is absent"), false;
      if (shape.quantity_differs) return Say(why, "the quantities differ"), false;
      if (!(e.at_risk_reporting <= rounding.max_amount)) {
        return Say(why, "the amount at risk (" + FormatMoney(e.at_risk_reporting) +
                            ") is above the rounding limit of " + FormatMoney(rounding.max_amount)),
               false;
      }
      if (!(e.relative_size <= rounding.max_relative)) {
        return Say(why, "the difference is " + std::to_string(e.relative_size * 1e4).substr(0, 6) +
                            " bp of the notional, above the rounding limit"),
               false;
      }
      return true;
    case Category::kTimingIssue:
      if (shape.price_differs) return Say(why, "the prices differ"), false;
      if (shape.OneSided() || shape.partial || e.lag_excess_bdays > 0 || (e.has_dates && e.overdue_bdays < 0))
        return true;
      return Say(why, "no side is absent or short and the trade settles on the desk's usual lag"), false;
    case Category::kQuantityMismatch:
      if (shape.quantity_differs) return true;
      return Say(why, "the quantities agree"), false;
    case Category::kPriceMismatch:
      if (shape.price_differs) return true;
      return Say(why, "the prices agree or one is absent"), false;
    case Category::kFxRateDifference:
    case Category::kFeeCommissionDifference:
      if (shape.OneSided()) return Say(why, "one side is absent"), false;
      if (shape.amount_differs) return true;
      return Say(why, "the amounts agree"), false;
    case Category::kDuplicateEntry:
      if (shape.repeat || shape.OneSided()) return true;
      return Say(why, "it repeats no recent trade and both sides are present"), false;
    case Category::kMissingTrade:
      if (shape.OneSided()) return true;
      return Say(why, "both sides are present"), false;
    case Category::kUnknown: return true;
  }
  return true;
}

std::array<bool, kCategoryCount> AllowedCategories(const AnomalyEvidence& evidence, const RoundingLimits& rounding) {
  std::array<bool, kCategoryCount> allowed{};
  for (std::size_t cat = 0; cat < kCategoryCount; ++cat) {
    allowed[cat] = NumbersAllow(evidence, static_cast<Category>(cat), rounding);
  }
  return allowed;
}

}  // namespace recon::categorise
