#pragma once
#include <cstdint>

namespace recon::models {

/// KMeans settings (config section `clustering:`).
struct KMeansParams {
  int k = 5;                ///< clusters
  int n_init = 10;          ///< k-means++ restarts; the lowest inertia wins
  int max_iter = 300;       ///< Lloyd iterations per restart
  double tolerance = 1e-4;  ///< stop when centre movement^2 <= tolerance * mean feature variance (as scikit-learn)
  std::uint64_t seed = 42;
  /// Throws InvalidInput naming the field when out of range.
  void Validate() const;
};

}  // namespace recon::models
