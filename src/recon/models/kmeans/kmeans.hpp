#pragma once
// KMeans clustering with k-means++ seeding and Lloyd iterations on standardised features (zero mean, unit
// variance per column, learned at fit), so that no single large-valued feature such as AMOUNT_DIFF decides the
// clusters alone. Restarts use seeds derived from (seed, restart); the assignment step is split into fixed
// blocks whose partial sums are reduced in block order, so the result is the same on any thread count.
#include <cstdint>
#include <memory>
#include <vector>

#include "recon/core/binary_io.hpp"
#include "recon/features/feature_matrix.hpp"
#include "recon/models/kmeans/params.hpp"

namespace recon::models {

class KMeans {
 public:
  explicit KMeans(KMeansParams params);

  /// Fits on `data` (at least k rows) using `threads` threads.
  void Fit(const features::FeatureMatrix& data, unsigned threads);
  /// Cluster of each row (0 .. k-1).
  std::vector<std::int32_t> Assign(const features::FeatureMatrix& data, unsigned threads) const;
  /// The rows of `data` in the standardised space the clusters live in (rows x dims, row-major).
  std::vector<double> Standardised(const features::FeatureMatrix& data) const;
  /// Sum of squared distances (standardised space) of the training rows to their centres.
  double Inertia() const { return inertia_; }
  /// Centres in standardised space, row-major k x dims.
  const std::vector<double>& Centres() const { return centres_; }
  std::size_t ClusterCount() const { return static_cast<std::size_t>(params_.k); }

  void Save(BinaryWriter& writer) const;
  static KMeans Load(BinaryReader& reader);

 private:
  void Standardise(const float* row, double* out) const;
  std::size_t Nearest(const double* point, double* distance) const;

  KMeansParams params_;
  std::size_t dims_ = 0;
  std::vector<double> means_;
  std::vector<double> scales_;
  std::vector<double> centres_;
  double inertia_ = 0.0;
};

}  // namespace recon::models
