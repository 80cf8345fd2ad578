#pragma once
// k-means++ seeding (Arthur & Vassilvitskii, "k-means++: The Advantages of Careful Seeding", SODA 2007), in the
// greedy form scikit-learn uses: at each step draw 2 + ln(k) candidates with probability proportional to
// D(x)^2 and keep the one that lowers the total potential most.
#include <vector>

#include "recon/core/random.hpp"

namespace recon::models {

/// Squared Euclidean distance of two `dims`-long vectors. Four independent partial sums (a fixed order, so the
/// result is the same everywhere) let the compiler use vector lanes, which one running sum forbids.
inline double SquaredDistance(const double* a, const double* b, std::size_t dims) {
  double partial[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t dim = 0;
  for (; dim + 4 <= dims; dim += 4) {
    for (std::size_t lane = 0; lane < 4; ++lane) {
      const double delta = a[dim + lane] - b[dim + lane];
      partial[lane] += delta * delta;
    }
  }
  for (; dim < dims; ++dim) partial[0] += (a[dim] - b[dim]) * (a[dim] - b[dim]);
  return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}

/// `k` initial centres (row-major k x dims) chosen from `points` (row-major rows x dims).
std::vector<double> KMeansPlusPlus(const std::vector<double>& points, std::size_t rows, std::size_t dims,
                                   std::size_t k, Random& random);

}  // namespace recon::models
