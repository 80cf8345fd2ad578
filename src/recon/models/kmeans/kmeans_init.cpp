#include "recon/models/kmeans/kmeans_init.hpp"

#include <algorithm>
#include <cmath>

#include "recon/core/vector_clones.hpp"

namespace recon::models {

RECON_VECTOR_CLONES std::vector<double> KMeansPlusPlus(const std::vector<double>& points,
                                                       const SeedingColumns& columns, std::size_t k, Random& random) {
  const std::size_t rows = columns.rows;
  const std::size_t dims = columns.dims;
  std::vector<double> centres(k * dims, 0.0);
  const auto local_trials = static_cast<std::size_t>(2 + std::log(static_cast<double>(k)));
  const std::size_t first = random.Below(rows);
  std::copy_n(points.begin() + static_cast<std::ptrdiff_t>(first * dims), dims, centres.begin());
  // A candidate's coordinates in single precision, as the columns hold them.
  std::vector<float> candidate(dims);
  auto load_candidate = [&](std::size_t row) {
    for (std::size_t dim = 0; dim < dims; ++dim) candidate[dim] = columns.values[dim * rows + row];
  };
  float distances[kColumnBlockRows];
  std::vector<double> closest(rows);
  load_candidate(first);
  for (std::size_t begin = 0; begin < rows; begin += kColumnBlockRows) {
    const std::size_t end = std::min(rows, begin + kColumnBlockRows);
    BlockSquaredDistances(columns, begin, end, candidate.data(), distances);
    for (std::size_t idx = 0; idx < end - begin; ++idx) closest[begin + idx] = distances[idx];
  }
  std::vector<double> cumulative(rows);
  std::vector<std::size_t> candidates(local_trials);
  std::vector<double> potentials(local_trials);
  // Each trial's "closest" after adding its candidate: the winner's becomes the new one, so no pass recomputes
  // the distances to the chosen centre.
  std::vector<std::vector<double>> trial_closest(local_trials, std::vector<double>(rows));
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
    // Block by block, every trial: the block's coordinates are read from the cache, not memory, after the first.
    std::fill(potentials.begin(), potentials.end(), 0.0);
    for (std::size_t begin = 0; begin < rows; begin += kColumnBlockRows) {
      const std::size_t end = std::min(rows, begin + kColumnBlockRows);
      for (std::size_t trial = 0; trial < local_trials; ++trial) {
        load_candidate(candidates[trial]);
        BlockSquaredDistances(columns, begin, end, candidate.data(), distances);
        double* updated = &trial_closest[trial][begin];
        for (std::size_t idx = 0; idx < end - begin; ++idx) {
          updated[idx] = std::min(closest[begin + idx], static_cast<double>(distances[idx]));
        }
        potentials[trial] += LaneSum(updated, end - begin);
      }
    }
    const std::size_t best_trial =
        static_cast<std::size_t>(std::min_element(potentials.begin(), potentials.end()) - potentials.begin());
    std::copy_n(&points[candidates[best_trial] * dims], dims,
                centres.begin() + static_cast<std::ptrdiff_t>(centre_idx * dims));
    closest.swap(trial_closest[best_trial]);
  }
  return centres;
}

}  // namespace recon::models
