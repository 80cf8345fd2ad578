#pragma once
// Turns typed records into model features. Stateful by design: per-desk rolling windows, per-desk settlement
// lag history and a window of recent trade fingerprints advance row by row, in input order. Batch and streaming
// use this same object, so a trade processed alone after the same history gets the same features as in a batch.
//
// IMPLEMENTATION DECISIONS: the expected settlement lag of a desk is the mode of its previous trades' lags
// (business days), learned online rather than fitted, so it needs no extra pass and adapts to new desks; rolling
// statistics exclude the current trade, so a break does not dampen its own deviation.
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "recon/core/binary_io.hpp"
#include "recon/features/feature_matrix.hpp"
#include "recon/features/feature_params.hpp"
#include "recon/features/label_encoder.hpp"
#include "recon/features/recent_keys.hpp"
#include "recon/features/rolling_window.hpp"
#include "recon/io/record_batch.hpp"

namespace recon::features {

/// Base feature columns, in matrix order; categorical codes follow them.
enum class Feature : std::size_t {
  kTradeWeekday,
  kTradeMonth,
  kSettlementWeekday,
  kSettlementLagDays,
  kSettlementLagBdays,
  kLagExcessBdays,
  kQuantityDiff,
  kPriceDiff,
  kAmountDiff,
  kQuantityDiffRollMean,
  kQuantityDiffRollStd,
  kAmountDiffRollMean,
  kAmountDiffRollStd,
  kAbsQuantityDiffLog,
  kAbsAmountDiffLog,
  kRelQuantityDiff,
  kRelPriceDiff,
  kRelAmountDiff,
  kNotionalLog,
  kOneSideMissing,
  kTradeIdRepeat,
  kEconomicsRepeat,
};
inline constexpr std::size_t kBaseFeatureCount = 22;

class FeatureBuilder {
 public:
  /// Validates `params`; throws InvalidInput on unknown categoricals or model features.
  explicit FeatureBuilder(FeatureParams params);

  /// All column names: base features, then "<categorical>_code".
  const std::vector<std::string>& Names() const { return names_; }
  /// Positions of params.model_features within Names().
  const std::vector<std::size_t>& ModelColumns() const { return model_columns_; }
  const FeatureParams& Params() const { return params_; }

  /// Features of every row of `batch`, in order, advancing the history.
  FeatureMatrix Transform(const io::RecordBatch& batch);
  /// Same, written into `out` (reusing its buffer).
  void TransformInto(const io::RecordBatch& batch, FeatureMatrix& out);
  /// While learning, categorical vocabularies grow; afterwards unseen labels encode as -1.
  void SetLearning(bool learning) { learning_ = learning; }
  /// Forgets the history (windows, lag profiles, recent keys) but keeps vocabularies.
  void ResetHistory();
  /// Categorical vocabularies, in params.categoricals order.
  const std::vector<LabelEncoder>& Encoders() const { return encoders_; }

  /// Persists params and vocabularies (not the history).
  void Save(BinaryWriter& writer) const;
  static FeatureBuilder Load(BinaryReader& reader);

 private:
  struct DeskHistory {
    explicit DeskHistory(std::size_t window) : quantity_diffs(window), amount_diffs(window) {}
    RollingWindow quantity_diffs;
    RollingWindow amount_diffs;
    std::array<std::uint32_t, 48> lag_counts{};  // business-day lags -8 .. 39
    std::size_t lag_mode_slot = 0;               // most frequent slot so far
  };
  DeskHistory& HistoryOf(std::string_view desk);
  void TransformRow(const io::RecordBatch& batch, std::size_t row_idx, float* out);

  FeatureParams params_;
  std::vector<std::string> names_;
  std::vector<std::size_t> model_columns_;
  std::vector<Field> categorical_fields_;
  std::vector<LabelEncoder> encoders_;
  bool learning_ = false;
  std::unordered_map<std::string, DeskHistory, StringHash, std::equal_to<>> desks_;
  RecentKeys recent_trade_ids_;
  RecentKeys recent_economics_;
};

}  // namespace recon::features
