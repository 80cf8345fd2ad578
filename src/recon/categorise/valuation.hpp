#pragma once
// The money at stake in one currency, and the age of a break at one date, so that severity, the Rounding Error
// gate and the auto-resolution limit compare like with like: 1,000 JPY and 1,000 GBP are not the same break.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "recon/categorise/evidence.hpp"

namespace recon::categorise {

/// Settings of valuation (config section `valuation:`).
struct ValuationParams {
  std::string reporting_currency = "USD";
  /// Value of one unit of each currency in a common base (only ratios matter). Defaults: USD per unit for the
  /// common currencies; a currency missing here is treated as large (never as small) and never auto-resolved.
  std::map<std::string, double, std::less<>> fx_rates = DefaultFxRates();
  /// The date breaks are aged at (yyyy-mm-dd); empty = today (UTC) when the run starts.
  std::string as_of;
  static std::map<std::string, double, std::less<>> DefaultFxRates();
  /// Throws InvalidInput naming the field when a rate is not positive, the reporting currency has no rate or the
  /// date is not a date.
  void Validate() const;
};

/// Amount at risk in the trade's currency: the larger of the amount difference and the quantity difference
/// valued at the trade price, each the larger of the file's *_DIFF column and book minus street.
double AmountAtRisk(const AnomalyEvidence& evidence);

class Valuer {
 public:
  explicit Valuer(ValuationParams params);
  /// Fills evidence.at_risk_reporting, relative_size, currency_known and overdue_bdays.
  void Value(AnomalyEvidence& evidence) const;
  /// `amount` of `currency` in the reporting currency; empty for a currency without a rate.
  std::optional<double> ToReporting(double amount, std::string_view currency) const;
  const std::string& ReportingCurrency() const { return params_.reporting_currency; }
  /// valuation.as_of, or today's date (UTC) now: a service running past midnight ages its breaks on.
  std::int32_t AsOf() const;

 private:
  ValuationParams params_;
  double reporting_rate_ = 1.0;
  std::optional<std::int32_t> fixed_as_of_;
};

/// "1,234,567.89" (two decimals, thousands separated): the figures in reasons and summaries.
std::string FormatMoney(double amount);

}  // namespace recon::categorise
