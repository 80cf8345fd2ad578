#pragma once
// Local Outlier Factor (Breunig, Kriegel, Ng & Sander, "LOF: Identifying Density-Based Local Outliers",
// SIGMOD 2000), in novelty mode: fitted on a reference set, it scores any new row against it.
//   k-distance(o)      = distance from o to its k-th nearest neighbour
//   reach-dist_k(p, o) = max(k-distance(o), d(p, o))
//   lrd(p)             = 1 / (mean over o in N_k(p) of reach-dist_k(p, o) + 1e-10)
//   LOF(p)             = mean over o in N_k(p) of lrd(o) / lrd(p)        (about 1 inside a cluster, > 1 outside)
// The 1e-10 follows scikit-learn, so that duplicate points (k-distance 0) give a large finite density.
// Training rows are scored with themselves excluded from their neighbourhood (TrainingScores), which is what an
// unsupervised fit-and-score (scikit-learn's novelty=False) reports.
//
// IMPLEMENTATION DECISIONS: exact duplicate rows are stored once with a multiplicity, and neighbourhoods count
// multiplicities (a point with 500 copies fills a 20-neighbourhood on its own). This is the same LOF as on the
// expanded set (up to which of several equidistant points is taken), but reconciliation data, where most trades
// share one all-zero feature vector, would otherwise put tens of thousands of identical points in one KD-tree
// leaf and make every query scan them.
#include <span>
#include <vector>

#include "recon/models/detector.hpp"
#include "recon/models/lof/knn_index.hpp"
#include "recon/models/lof/params.hpp"

namespace recon::models {

class LocalOutlierFactor final : public Detector {
 public:
  explicit LocalOutlierFactor(LofParams params);
  ~LocalOutlierFactor() override;

  std::string Name() const override { return "lof"; }
  void Fit(const features::FeatureMatrix& data) override;
  std::vector<double> Score(const features::FeatureMatrix& data, unsigned threads) const override;
  std::vector<double> TrainingScores(const features::FeatureMatrix& data, unsigned threads) const override;
  std::vector<FeatureContribution> Explain(const float* row) const override;
  void Save(BinaryWriter& writer) const override;
  static std::unique_ptr<LocalOutlierFactor> Load(BinaryReader& reader);

 private:
  /// A neighbourhood in the multiset: distinct points with how many of their copies it takes (summing to k).
  struct Neighbourhood {
    std::vector<Neighbour> points;
    std::vector<std::uint32_t> copies;
  };
  void BuildIndex();
  /// The k nearest copies to `scaled_row`; `exclude` (a distinct point) lends one copy fewer, for training rows.
  Neighbourhood NeighbourhoodOf(const float* scaled_row, std::int64_t exclude) const;
  /// The same into `points` and `copies` (room for k entries), with reusable buffers; returns how many entries.
  std::size_t NeighbourhoodInto(const float* scaled_row, std::int64_t exclude, KnnScratch& scratch,
                                std::vector<Neighbour>& found, Neighbour* points, std::uint32_t* copies) const;
  /// Takes copies from `found` (nearest first) until they sum to k, writing the entries (at most k) to `points`
  /// and `copies`; returns how many, or 0 when `found` falls short.
  std::size_t TakeCopies(std::span<const Neighbour> found, std::int64_t exclude, Neighbour* points,
                         std::uint32_t* copies) const;
  /// The local reachability density of a point with the given neighbourhood (`size` entries).
  double DensityOf(const Neighbour* points, const std::uint32_t* copies, std::size_t size) const;
  /// LOF of a point with the given neighbourhood and its own density (the densities of the reference points known).
  double FactorFrom(const Neighbour* points, const std::uint32_t* copies, std::size_t size, double density) const;
  double ScoreScaled(const float* scaled_row, KnnScratch& scratch, std::vector<Neighbour>& found,
                     Neighbourhood& neighbourhood) const;

  LofParams params_;
  std::size_t k_ = 0;  // n_neighbors capped at the reference rows - 1
  Scaler scaler_;
  features::FeatureMatrix reference_;  // distinct scaled points
  std::vector<std::uint32_t> counts_;  // copies of each distinct point in the training data
  std::vector<double> k_distances_;
  std::vector<double> densities_;  // lrd of each distinct point
  std::vector<double> training_scores_;
  std::unique_ptr<KnnIndex> index_;
};

}  // namespace recon::models
