#pragma once
#include "recon/core/random.hpp"
#include "recon/features/feature_matrix.hpp"

namespace recon::models::testing {

/// Gaussian-ish blob data (sum of uniforms) with `outliers` far points appended at the end.
inline features::FeatureMatrix BlobsWithOutliers(std::size_t inliers, std::size_t outliers, std::size_t dims,
                                                 std::uint64_t seed) {
  features::FeatureMatrix matrix(0, std::vector<std::string>(dims, "x"));
  Random random(seed);
  std::vector<float> row(dims);
  for (std::size_t idx = 0; idx < inliers + outliers; ++idx) {
    for (std::size_t dim = 0; dim < dims; ++dim) {
      double value = random.Uniform01() + random.Uniform01() + random.Uniform01() - 1.5;
      if (idx >= inliers) value = (dim % 2 ? 8.0 : -8.0) + random.Uniform01();
      row[dim] = static_cast<float>(value);
    }
    matrix.AppendRow(row.data());
  }
  return matrix;
}

}  // namespace recon::models::testing
