#pragma once
#include <cstdint>

#include "recon/models/lof/metric.hpp"
#include "recon/models/scaling.hpp"

namespace recon::models {

/// Local Outlier Factor settings (config section `detector.lof:`).
struct LofParams {
  int n_neighbors = 20;                     ///< k
  Scaling scaling = Scaling::kStandardise;  ///< applied before distances
  Metric metric = Metric::kEuclidean;
  /// LOF itself draws nothing (exact neighbours, ties by index); this seeds the training sample it is fitted on
  /// (`recon train`'s reservoir sample of a file longer than detector.train_max_rows).
  std::uint64_t seed = 42;
  /// Throws InvalidInput naming the field when out of range.
  void Validate() const;
};

}  // namespace recon::models
