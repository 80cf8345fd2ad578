#include "recon/categorise/summary.hpp"

#include <cmath>
#include <cstdio>

namespace recon::categorise {
namespace {

std::string Money(double value, const std::string& currency) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return currency.empty() ? std::string(buffer) : std::string(buffer) + " " + currency;
}

std::string Number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

}  // namespace

std::string SummariseResolution(const AnomalyEvidence& e, Category category) {
  const std::string amount = Money(e.amount_diff, e.currency);
  switch (category) {
    case Category::kRoundingError:
      return "Amount differs by " + amount + " from price/amount rounding; write off within tolerance.";
    case Category::kTimingIssue: {
      std::string what;
      if (e.lag_excess_bdays > 0) {
        what = std::to_string(e.lag_excess_bdays) + " business day" + (e.lag_excess_bdays == 1 ? "" : "s") +
               " beyond the desk's usual lag";
      } else if (e.has_dates && e.overdue_bdays < 0) {
        what = "not yet due for settlement";
      } else {
        what = "on the desk's usual lag, so the numbers alone do not show a delay";
      }
      return "Settlement timing break (" + what + "); expected to clear on settlement, re-check then.";
    }
    case Category::kQuantityMismatch:
      return "Quantity book " + Number(e.book_quantity) + " vs street " + Number(e.street_quantity) +
             "; confirm the executed quantity with the counterparty and amend the wrong side.";
    case Category::kPriceMismatch:
      return "Price book " + Number(e.book_price) + " vs street " + Number(e.street_price) +
             "; verify the execution price against the confirmation and rebook.";
    case Category::kFxRateDifference:
      return "Amount differs by " + amount + " with equal quantity and price; agree the FX rate used and adjust.";
    case Category::kFeeCommissionDifference:
      return "Amount differs by " + amount +
             " with equal quantity and price; reconcile fees/commission with the broker.";
    case Category::kDuplicateEntry:
      return "Trade " + e.trade_id + " repeats a recent booking; confirm and cancel the duplicate.";
    case Category::kMissingTrade:
      return "Trade appears on one side only (" + amount + "); locate the missing booking or confirmation.";
    case Category::kUnknown: return "Break of " + amount + " fits no standard pattern; investigate manually.";
  }
  return "Investigate manually.";
}

}  // namespace recon::categorise
