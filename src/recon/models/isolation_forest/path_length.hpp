#pragma once
// c(n): the average path length of an unsuccessful search in a binary search tree of n points, used to
// normalise isolation depths (Liu, Ting & Zhou 2008, eq. 1): c(n) = 2 H(n-1) - 2 (n-1) / n, with
// H(i) ~ ln(i) + Euler's constant; c(1) = 0 and c(2) = 1.
#include <cmath>
#include <cstdint>

namespace recon::models {

inline double AveragePathLength(std::uint64_t n) {
  if (n <= 1) return 0.0;
  if (n == 2) return 1.0;
  constexpr double kEulerGamma = 0.5772156649015329;
  const double size = static_cast<double>(n);
  return 2.0 * (std::log(size - 1.0) + kEulerGamma) - 2.0 * (size - 1.0) / size;
}

}  // namespace recon::models
