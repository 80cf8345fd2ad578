#pragma once
// Extended Isolation Forest (`--algo eif`): the Isolation Forest score s(x) = 2^(-E[h(x)] / c(psi)) over trees
// whose splits are random hyperplanes (extended_tree.hpp), with the same settings as the Isolation Forest
// (config section `detector.iforest:`: trees, sub-sample size, seed). Fully extended: every split may tilt in
// every coordinate.
//
// IMPLEMENTATION DECISIONS: trees are grown from seeds derived from (seed, tree index) and a row's path lengths
// are summed in tree order, so scores are the same on any thread count. Explanations credit each split on a
// row's path with log2(points at the node / points in the child taken), as the Isolation Forest does, shared
// among the coordinates by their terms in the row's signed distance to the hyperplane, |n_j (x_j - p_j)|.
#include <memory>
#include <vector>

#include "recon/models/detector.hpp"
#include "recon/models/extended_isolation_forest/extended_tree.hpp"
#include "recon/models/isolation_forest/forest_shape.hpp"
#include "recon/models/isolation_forest/params.hpp"

namespace recon::models {

class ExtendedIsolationForest final : public Detector {
 public:
  explicit ExtendedIsolationForest(IsolationForestParams params);

  std::string Name() const override { return "eif"; }
  void Fit(const features::FeatureMatrix& data) override;
  std::vector<double> Score(const features::FeatureMatrix& data, unsigned threads) const override;
  std::vector<FeatureContribution> Explain(const float* row) const override;
  void Save(BinaryWriter& writer) const override;
  /// Reads a forest written by Save; throws Corrupt when the structure is inconsistent.
  static std::unique_ptr<ExtendedIsolationForest> Load(BinaryReader& reader);

  /// Score of one row.
  double ScoreRow(const float* row) const;

 private:
  IsolationForestParams params_;
  std::vector<ExtendedTree> trees_;
  ForestShape shape_;
};

}  // namespace recon::models
