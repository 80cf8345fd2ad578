#pragma once
#include <cstddef>

namespace recon {

/// Squared Euclidean distance of two `dims`-long vectors. Four independent partial sums, combined in a fixed order
/// (so the result is the same everywhere), let the compiler use vector lanes, which a single running sum forbids.
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

/// Manhattan (L1) distance, summed in the same fixed order of four partial sums.
inline double ManhattanDistance(const double* a, const double* b, std::size_t dims) {
  double partial[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t dim = 0;
  for (; dim + 4 <= dims; dim += 4) {
    for (std::size_t lane = 0; lane < 4; ++lane) {
      const double delta = a[dim + lane] - b[dim + lane];
      partial[lane] += delta < 0.0 ? -delta : delta;
    }
  }
  for (; dim < dims; ++dim) partial[0] += a[dim] < b[dim] ? b[dim] - a[dim] : a[dim] - b[dim];
  return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}

}  // namespace recon
