#include "recon/categorise/valuation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"

namespace recon::categorise {

std::map<std::string, double, std::less<>> ValuationParams::DefaultFxRates() {
  return {{"USD", 1.0},      {"EUR", 1.085},   {"GBP", 1.27},   {"JPY", 0.00668}, {"CHF", 1.13},
          {"CAD", 0.735},    {"AUD", 0.66},    {"NZD", 0.61},   {"SGD", 0.745},   {"HKD", 0.128},
          {"SEK", 0.095},    {"NOK", 0.093},   {"DKK", 0.145},  {"PLN", 0.25},    {"CZK", 0.043},
          {"CNY", 0.138},    {"INR", 0.012},   {"KRW", 0.00075}, {"BRL", 0.185},  {"MXN", 0.058},
          {"ZAR", 0.055},    {"TRY", 0.031},   {"ILS", 0.27},   {"SAR", 0.2667},  {"AED", 0.2723}};
}

void ValuationParams::Validate() const {
  for (const auto& [currency, rate] : fx_rates) {
    // Codes are matched exactly against the CURRENCY column: a "gbp" here would silently never apply.
    const bool iso_code = currency.size() == 3 && std::all_of(currency.begin(), currency.end(),
                                                               [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!iso_code) ThrowInvalidInput("valuation.fx_rates: '" + currency + "' is not a 3-letter upper-case code");
    if (!(rate > 0.0 && std::isfinite(rate))) ThrowInvalidInput("valuation.fx_rates." + currency + " must be > 0");
  }
  if (!fx_rates.contains(reporting_currency)) {
    ThrowInvalidInput("valuation.reporting_currency '" + reporting_currency + "' has no rate in valuation.fx_rates");
  }
  if (!as_of.empty() && !ParseIsoDate(as_of)) ThrowInvalidInput("valuation.as_of must be yyyy-mm-dd, got '" + as_of + "'");
}

double AmountAtRisk(const AnomalyEvidence& e) {
  // The *_DIFF columns are the file's own claim: the sides are read too, so a diff column left at 0 cannot make a
  // one-sided 47M break look small.
  const double price = std::max(std::fabs(e.book_price), std::fabs(e.street_price));
  const double quantity_diff = std::max(std::fabs(e.quantity_diff), std::fabs(e.book_quantity - e.street_quantity));
  const double amount_diff = std::max(std::fabs(e.amount_diff), std::fabs(e.book_amount - e.street_amount));
  return std::max(amount_diff, quantity_diff * price);
}

namespace {
std::int32_t Today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<std::int32_t>(now.time_since_epoch().count());
}
}  // namespace

Valuer::Valuer(ValuationParams params) : params_(std::move(params)) {
  params_.Validate();
  reporting_rate_ = params_.fx_rates.find(params_.reporting_currency)->second;
  if (!params_.as_of.empty()) fixed_as_of_ = *ParseIsoDate(params_.as_of);
}

std::int32_t Valuer::AsOf() const { return fixed_as_of_ ? *fixed_as_of_ : Today(); }

std::optional<double> Valuer::ToReporting(double amount, std::string_view currency) const {
  const auto rate = params_.fx_rates.find(currency);
  if (rate == params_.fx_rates.end()) return std::nullopt;
  return amount * rate->second / reporting_rate_;
}

void Valuer::Value(AnomalyEvidence& evidence) const {
  const double at_risk = AmountAtRisk(evidence);
  const auto reporting = ToReporting(at_risk, evidence.currency);
  evidence.currency_known = reporting.has_value() && std::isfinite(*reporting);
  evidence.at_risk_reporting = evidence.currency_known ? *reporting : std::numeric_limits<double>::infinity();
  const double notional = std::max({std::fabs(evidence.book_amount), std::fabs(evidence.street_amount),
                                    std::fabs(evidence.book_quantity * evidence.book_price),
                                    std::fabs(evidence.street_quantity * evidence.street_price)});
  evidence.relative_size = notional > 0.0 ? std::min(1.0, at_risk / notional) : (at_risk > 0.0 ? 1.0 : 0.0);
  evidence.overdue_bdays = evidence.has_dates ? BusinessDaysBetween(evidence.settlement_date, AsOf()) : 0;
}

std::string FormatMoney(double amount) {
  if (!std::isfinite(amount)) return amount > 0 ? "unknown (no rate)" : "-";
  char digits[64];
  std::snprintf(digits, sizeof digits, "%.2f", std::fabs(amount));
  std::string whole(digits, std::strchr(digits, '.'));
  std::string grouped;
  for (std::size_t idx = 0; idx < whole.size(); ++idx) {
    if (idx > 0 && (whole.size() - idx) % 3 == 0) grouped += ',';
    grouped += whole[idx];
  }
  return (amount < 0 ? "-" : "") + grouped + std::strchr(digits, '.');
}

}  // namespace recon::categorise
