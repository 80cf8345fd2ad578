#include "recon/models/kmeans/kmeans_init.hpp"

#include <algorithm>
#include <cmath>

namespace recon::models {
namespace {

// Index whose cumulative weight first exceeds `target`.
std::size_t PickByWeight(const std::vector<double>& weights, double target) {
  double running = 0.0;
  for (std::size_t idx = 0; idx < weights.size(); ++idx) {
    running += weights[idx];
    if (running > target) return idx;
  }
  return weights.size() - 1;
}

}  // namespace

std::vector<double> KMeansPlusPlus(const std::vector<double>& points, std::size_t rows, std::size_t dims,
                                   std::size_t k, Random& random) {
  std::vector<double> centres(k * dims, 0.0);
  const auto local_trials = static_cast<std::size_t>(2 + std::log(static_cast<double>(k)));
  const std::size_t first = random.Below(rows);
  std::copy_n(points.begin() + static_cast<std::ptrdiff_t>(first * dims), dims, centres.begin());
  std::vector<double> closest(rows);
  for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
    closest[row_idx] = SquaredDistance(&points[row_idx * dims], centres.data(), dims);
  }
  std::vector<double> candidate_closest(rows);
  std::vector<double> best_closest(rows);
  for (std::size_t centre_idx = 1; centre_idx < k; ++centre_idx) {
    double potential = 0.0;
    for (const double value : closest) potential += value;
    std::size_t best_candidate = 0;
    double best_potential = -1.0;
    for (std::size_t trial = 0; trial < local_trials; ++trial) {
      const std::size_t candidate =
          potential > 0.0 ? PickByWeight(closest, random.Uniform01() * potential) : random.Below(rows);
      double candidate_potential = 0.0;
      for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
        candidate_closest[row_idx] =
            std::min(closest[row_idx], SquaredDistance(&points[row_idx * dims], &points[candidate * dims], dims));
        candidate_potential += candidate_closest[row_idx];
      }
      if (best_potential < 0.0 || candidate_potential < best_potential) {
        best_potential = candidate_potential;
        best_candidate = candidate;
        best_closest.swap(candidate_closest);
      }
    }
    std::copy_n(points.begin() + static_cast<std::ptrdiff_t>(best_candidate * dims), dims,
                centres.begin() + static_cast<std::ptrdiff_t>(centre_idx * dims));
    closest.swap(best_closest);
  }
  return centres;
}

}  // namespace recon::models
