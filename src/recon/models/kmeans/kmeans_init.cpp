#include "recon/models/kmeans/kmeans_init.hpp"

#include <algorithm>
#include <cmath>

#include "recon/core/vector_clones.hpp"

namespace recon::models {

RECON_VECTOR_CLONES std::vector<double> KMeansPlusPlus(const std::vector<double>& points, std::size_t rows,
                                                       std::size_t dims, std::size_t k, Random& random) {
  std::vector<double> centres(k * dims, 0.0);
  const auto local_trials = static_cast<std::size_t>(2 + std::log(static_cast<double>(k)));
  const std::size_t first = random.Below(rows);
  std::copy_n(points.begin() + static_cast<std::ptrdiff_t>(first * dims), dims, centres.begin());
  std::vector<double> closest(rows);
  for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
    closest[row_idx] = SquaredDistance(&points[row_idx * dims], centres.data(), dims);
  }
  std::vector<double> cumulative(rows);
  std::vector<std::size_t> candidates(local_trials);
  std::vector<double> potentials(local_trials);
  for (std::size_t centre_idx = 1; centre_idx < k; ++centre_idx) {
    // All trials draw from the same D^2 distribution (as scikit-learn's searchsorted on the cumulative sum).
    double running = 0.0;
    for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) cumulative[row_idx] = running += closest[row_idx];
    const double potential = running;
    for (std::size_t trial = 0; trial < local_trials; ++trial) {
      if (potential > 0.0) {
        const double target = random.Uniform01() * potential;
        const auto found = std::upper_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin();
        candidates[trial] = std::min<std::size_t>(static_cast<std::size_t>(found), rows - 1);
      } else {
        candidates[trial] = random.Below(rows);
      }
    }
    // One pass over the points scores every trial: the points are read once, not once per trial.
    std::fill(potentials.begin(), potentials.end(), 0.0);
    for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
      const double* point = &points[row_idx * dims];
      for (std::size_t trial = 0; trial < local_trials; ++trial) {
        potentials[trial] +=
            std::min(closest[row_idx], SquaredDistance(point, &points[candidates[trial] * dims], dims));
      }
    }
    const std::size_t best_trial =
        static_cast<std::size_t>(std::min_element(potentials.begin(), potentials.end()) - potentials.begin());
    const double* chosen = &points[candidates[best_trial] * dims];
    std::copy_n(chosen, dims, centres.begin() + static_cast<std::ptrdiff_t>(centre_idx * dims));
    for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
      closest[row_idx] = std::min(closest[row_idx], SquaredDistance(&points[row_idx * dims], chosen, dims));
    }
  }
  return centres;
}

}  // namespace recon::models
