#pragma once
// Helpers that turn one scored row into the pieces the sinks need: categoriser evidence, the explanation text and
// the natural key that makes store writes idempotent.
#include <string>
#include <vector>

#include "recon/categorise/evidence.hpp"
#include "recon/features/feature_builder.hpp"
#include "recon/features/recent_keys.hpp"
#include "recon/io/raw_batch.hpp"
#include "recon/io/record_batch.hpp"
#include "recon/models/detector.hpp"

namespace recon::pipeline {

/// The currency, quantities, prices, amounts and their differences of row `row_idx` (what valuation reads).
categorise::AnomalyEvidence TradeNumbers(const io::RecordBatch& records, std::size_t row_idx);

/// Evidence of row `row_idx` from its typed record and full feature row.
categorise::AnomalyEvidence BuildEvidence(const io::RecordBatch& records, std::size_t row_idx,
                                          const float* feature_row);

/// "name=value (share%); ..." for the top `top_k` contributions; `model_row` holds the detector's inputs.
std::string FormatExplanation(const std::vector<models::FeatureContribution>& contributions,
                              const std::vector<std::string>& names, const float* model_row, std::size_t top_k);

/// A trade's identity, the same whichever way it arrives (a CSV row, a JSON object over REST or WebSocket): SHA-256
/// of its decoded fields in schema order (text as given, numbers in shortest round-trip form, dates as ISO), so
/// column order, number formatting ("1.50" or 1.5) and columns outside the schema do not change it.
std::string TradeKey(const io::RecordBatch& records, std::size_t row_idx);

/// Gives each flagged trade its natural key: TradeKey, plus how many identical trades were flagged among the
/// previous `window` (so exact repeats within one file or one request, which are real anomalies, still get
/// distinct keys). The window keeps memory flat on any file size; the same input always yields the same keys.
class NaturalKeys {
 public:
  explicit NaturalKeys(std::size_t window = 100000) : recent_(window) {}
  std::string KeyOf(const io::RecordBatch& records, std::size_t row_idx);

 private:
  features::RecentKeys recent_;
};

/// The input row as a JSON object of header -> text.
std::string RowJson(const io::RawBatch& raw, std::size_t raw_row_idx, const std::vector<std::string>& header);

}  // namespace recon::pipeline
