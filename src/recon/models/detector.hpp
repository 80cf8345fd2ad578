#pragma once
// The seam between the pipeline and outlier detectors (Isolation Forest now; LOF next). Scores are
// "higher = more anomalous" for every implementation, so thresholds and metrics never need to know which one ran.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "recon/core/binary_io.hpp"
#include "recon/features/feature_matrix.hpp"

namespace recon::models {

/// One feature's part in a row's anomaly score.
struct FeatureContribution {
  std::size_t column = 0;  ///< column in the detector's input matrix
  double share = 0.0;      ///< fraction of the explanation, 0..1; shares of a row sum to 1
};

class Detector {
 public:
  virtual ~Detector() = default;
  /// Short name used in config and model files ("iforest", "eif", "lof").
  virtual std::string Name() const = 0;
  /// Learns from `data` (rows = trades, columns = model features).
  virtual void Fit(const features::FeatureMatrix& data) = 0;
  /// One score per row, higher = more anomalous; runs on `threads` threads with identical results on any count.
  virtual std::vector<double> Score(const features::FeatureMatrix& data, unsigned threads) const = 0;
  /// Scores of the rows the detector was just fitted on, as an unsupervised fit-and-score reports them (LOF leaves
  /// each point out of its own neighbourhood); by default the same as Score.
  virtual std::vector<double> TrainingScores(const features::FeatureMatrix& data, unsigned threads) const {
    return Score(data, threads);
  }
  /// The features that drove the score of `row` (Cols() values), largest share first.
  virtual std::vector<FeatureContribution> Explain(const float* row) const = 0;
  /// Explain for each of `rows` into `out` (same length), identical to one call per row; detectors that can
  /// overlap the rows' work override it.
  virtual void ExplainRows(std::span<const float* const> rows, std::span<std::vector<FeatureContribution>> out) const {
    for (std::size_t idx = 0; idx < rows.size(); ++idx) out[idx] = Explain(rows[idx]);
  }
  /// Writes the fitted model.
  virtual void Save(BinaryWriter& writer) const = 0;
};

/// Turns per-feature credit (>= 0) into contributions: shares of the total, largest first, zero credits left out.
std::vector<FeatureContribution> ContributionsFromCredit(const std::vector<double>& credit);

/// Reads a detector written by Save, dispatching on its name; throws Corrupt on unknown names or bad data.
std::unique_ptr<Detector> LoadDetector(const std::string& name, BinaryReader& reader);

}  // namespace recon::models
