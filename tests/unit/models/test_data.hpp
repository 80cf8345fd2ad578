#pragma once
#include <cmath>

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

/// Three clusters 5 apart with a far point every 97th (large norms widen the fast searches' rounding bounds) for the
/// neighbour-search tests; on a quarter-unit grid when `with_ties`, so that many distances are exactly equal.
inline features::FeatureMatrix ClusteredPoints(std::size_t rows, std::size_t dims, std::uint64_t seed, bool with_ties) {
  features::FeatureMatrix matrix(0, std::vector<std::string>(dims, "x"));
  Random random(seed);
  std::vector<float> row(dims);
  for (std::size_t idx = 0; idx < rows; ++idx) {
    const double centre = static_cast<double>(idx % 3) * 5.0;
    const double spread = idx % 97 == 0 ? 200.0 : 1.0;
    for (float& value : row) {
      double coordinate = centre + random.Uniform(-1.0, 1.0) * spread;
      if (with_ties) coordinate = std::round(coordinate * 4.0) / 4.0;
      value = static_cast<float>(coordinate);
    }
    matrix.AppendRow(row.data());
  }
  return matrix;
}

}  // namespace recon::models::testing
