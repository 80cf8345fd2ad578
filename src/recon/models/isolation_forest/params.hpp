#pragma once
#include <cstdint>

namespace recon::models {

/// Isolation Forest settings (config section `detector.iforest:`), as in Liu, Ting & Zhou (2008).
struct IsolationForestParams {
  int n_estimators = 100;  ///< trees
  int max_samples = 256;   ///< sub-sample size per tree (psi); capped at the training rows
  std::uint64_t seed = 42;
  /// Throws InvalidInput naming the field when out of range.
  void Validate() const;
};

}  // namespace recon::models
