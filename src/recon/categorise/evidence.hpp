#pragma once
#include <cstdint>
#include <limits>
#include <string>

namespace recon::categorise {

/// What a categoriser may look at for one anomaly: the numbers of both sides, derived signals, the comment.
struct AnomalyEvidence {
  std::string trade_id;
  std::string desk;
  std::string currency;
  std::string comment;
  std::string explanation;  ///< the detector's top features
  double book_quantity = 0.0;
  double street_quantity = 0.0;
  double quantity_diff = 0.0;
  double book_price = 0.0;
  double street_price = 0.0;
  double price_diff = 0.0;
  double book_amount = 0.0;
  double street_amount = 0.0;
  double amount_diff = 0.0;
  int settlement_lag_bdays = 0;
  int lag_excess_bdays = 0;  ///< business days later than the desk usually settles
  bool trade_id_repeat = false;
  bool economics_repeat = false;
  int cluster = -1;
  double score = 0.0;
  std::int32_t settlement_date = 0;  ///< days since 1970-01-01; 0 with has_dates false when unknown
  bool has_dates = false;

  // Filled by Valuer::Value (valuation.hpp). Until then the break counts as large and its age as unknown: a
  // decision taken on unvalued evidence errs towards review, never towards closing.
  double at_risk_reporting = std::numeric_limits<double>::infinity();  ///< AmountAtRisk in the reporting currency
  double relative_size = 1.0;  ///< amount at risk / the larger side's notional (1 for a one-sided break)
  bool currency_known = false;  ///< the currency has a rate to the reporting currency
  int overdue_bdays = 0;        ///< business days from the settlement date to the as-of date (< 0: not yet due)
};

/// Where a categorisation came from.
enum class CategorySource { kLocal, kLlm, kCache };

}  // namespace recon::categorise
