#pragma once
// Helpers that turn one scored row into the pieces the sinks need: categoriser evidence, the explanation text and
// the natural key that makes store writes idempotent.
#include <string>
#include <unordered_map>
#include <vector>

#include "recon/categorise/evidence.hpp"
#include "recon/features/feature_builder.hpp"
#include "recon/io/raw_batch.hpp"
#include "recon/io/record_batch.hpp"
#include "recon/models/detector.hpp"

namespace recon::pipeline {

/// Evidence of row `row_idx` from its typed record and full feature row.
categorise::AnomalyEvidence BuildEvidence(const io::RecordBatch& records, std::size_t row_idx, const float* feature_row);

/// "name=value (share%); ..." for the top `top_k` contributions; `model_row` holds the detector's inputs.
std::string FormatExplanation(const std::vector<models::FeatureContribution>& contributions,
                              const std::vector<std::string>& names, const float* model_row, std::size_t top_k);

/// Gives each source row a stable key: SHA-256 of its fields, plus how many identical rows came before it in the
/// same run (so exact duplicate rows, which are real anomalies, still get distinct keys).
class NaturalKeys {
 public:
  std::string KeyOf(const io::RawBatch& raw, std::size_t raw_row_idx);

 private:
  std::unordered_map<std::string, std::uint32_t> occurrences_;
};

/// The input row as a JSON object of header -> text.
std::string RowJson(const io::RawBatch& raw, std::size_t raw_row_idx, const std::vector<std::string>& header);

}  // namespace recon::pipeline
