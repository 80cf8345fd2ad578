#pragma once
#include "recon/models/lof/metric.hpp"
#include "recon/models/scaling.hpp"

namespace recon::models {

/// Local Outlier Factor settings (config section `detector.lof:`).
struct LofParams {
  int n_neighbors = 20;                     ///< k
  Scaling scaling = Scaling::kStandardise;  ///< applied before distances
  Metric metric = Metric::kEuclidean;
  /// Throws InvalidInput naming the field when out of range.
  void Validate() const;
};

}  // namespace recon::models
