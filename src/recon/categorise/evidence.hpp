#pragma once
#include <cstdint>
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
};

/// Where a categorisation came from.
enum class CategorySource { kLocal, kLlm, kCache };

}  // namespace recon::categorise
