#pragma once
#include <string>
#include <vector>

namespace recon::features {

/// Feature preparation settings (config section `features:`).
struct FeatureParams {
  /// Rolling mean/std of QUANTITY_DIFF and AMOUNT_DIFF over the previous N trades of the same desk.
  int rolling_window_trades = 20;
  /// A trade ID or economic fingerprint seen within the last W trades marks a repeat (duplicate bookings).
  int duplicate_window_trades = 10000;
  /// Text fields (config keys under `columns:`) to label-encode; unseen labels encode as -1.
  std::vector<std::string> categoricals = {"desk"};
  /// Features the detector and the clusterer use, by name (see FeatureBuilder::Names()).
  std::vector<std::string> model_features = {"abs_amount_diff_log", "abs_quantity_diff_log", "rel_amount_diff",
                                             "rel_quantity_diff",   "rel_price_diff",        "lag_excess_bdays",
                                             "one_side_missing",    "trade_id_repeat",       "economics_repeat"};
  /// Throws InvalidInput naming the field when a value is out of range or unknown.
  void Validate() const;
};

}  // namespace recon::features
