#pragma once
#include <cstddef>

namespace recon {

/// Sum over coordinates of term(a_i - b_i). Four independent partial sums, combined in a fixed order (so the result
/// is the same everywhere), let the compiler use vector lanes, which a single running sum forbids.
template <typename Term>
inline double SumOfTerms(const double* a, const double* b, std::size_t dims, Term term) {
  double partial[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t dim = 0;
  for (; dim + 4 <= dims; dim += 4) {
    for (std::size_t lane = 0; lane < 4; ++lane) partial[lane] += term(a[dim + lane] - b[dim + lane]);
  }
  for (; dim < dims; ++dim) partial[0] += term(a[dim] - b[dim]);
  return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}

/// Squared Euclidean distance of two `dims`-long vectors.
inline double SquaredDistance(const double* a, const double* b, std::size_t dims) {
  return SumOfTerms(a, b, dims, [](double delta) { return delta * delta; });
}

/// Manhattan (L1) distance of two `dims`-long vectors.
inline double ManhattanDistance(const double* a, const double* b, std::size_t dims) {
  return SumOfTerms(a, b, dims, [](double delta) { return delta < 0.0 ? -delta : delta; });
}

}  // namespace recon
