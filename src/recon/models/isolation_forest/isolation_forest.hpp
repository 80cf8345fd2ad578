#pragma once
// Isolation Forest (Liu, Ting & Zhou, "Isolation Forest", ICDM 2008; "Isolation-based anomaly detection",
// TKDD 2012). Score s(x) = 2^(-E[h(x)] / c(psi)), where h is the path length of x in a tree grown on psi
// sub-sampled points and c(psi) the average path length of a BST (path_length.hpp). s near 1 = anomaly.
//
// IMPLEMENTATION DECISIONS: trees are grown independently from seeds derived from (seed, tree index), so the
// forest is the same on any thread count; rows are scored in blocks so one tree stays in cache for many rows.
// Explanations credit each split on a row's path with log2(points at the node / points in the child taken):
// a split that cuts the row away from most of the data earns most of the credit (see Explain).
#include <vector>

#include "recon/models/detector.hpp"
#include "recon/models/isolation_forest/isolation_tree.hpp"
#include "recon/models/isolation_forest/forest_shape.hpp"
#include "recon/models/isolation_forest/params.hpp"

namespace recon::models {

class IsolationForest final : public Detector {
 public:
  explicit IsolationForest(IsolationForestParams params);

  std::string Name() const override { return "iforest"; }
  void Fit(const features::FeatureMatrix& data) override;
  std::vector<double> Score(const features::FeatureMatrix& data, unsigned threads) const override;
  std::vector<FeatureContribution> Explain(const float* row) const override;
  void ExplainRows(std::span<const float* const> rows,
                   std::span<std::vector<FeatureContribution>> out) const override;
  void Save(BinaryWriter& writer) const override;
  /// Reads a forest written by Save; throws Corrupt when the structure is inconsistent.
  static std::unique_ptr<IsolationForest> Load(BinaryReader& reader);

  /// Score of one row.
  double ScoreRow(const float* row) const;
  const std::vector<IsolationTree>& Trees() const { return trees_; }
  std::size_t FeatureCount() const { return shape_.feature_count; }

 private:
  IsolationForestParams params_;
  std::vector<IsolationTree> trees_;
  ForestShape shape_;
};

}  // namespace recon::models
