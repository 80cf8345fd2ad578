#include "recon/models/kmeans/hamerly.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "recon/core/vector_clones.hpp"
#include "recon/models/kmeans/kmeans_init.hpp"
#include "recon/models/kmeans/point_columns.hpp"

namespace recon::models {
namespace {

// Nearest and second-nearest centre of a point (ties: the lower index, as plain Lloyd), as distances. Always
// inlined, so it is vectorised inside RunHamerly's AVX2 copy rather than called through a baseline copy.
[[gnu::always_inline]] inline void ScanCentres(const double* point, const std::vector<double>& centres, std::size_t k,
                                               std::size_t dims, std::uint32_t& nearest, double& nearest_distance,
                                               double& second_distance, double& nearest_squared) {
  double best = std::numeric_limits<double>::max();
  double second = std::numeric_limits<double>::max();
  std::uint32_t best_idx = 0;
  for (std::size_t centre = 0; centre < k; ++centre) {
    const double distance = SquaredDistance(point, &centres[centre * dims], dims);
    if (distance < best) {
      second = best;
      best = distance;
      best_idx = static_cast<std::uint32_t>(centre);
    } else if (distance < second) {
      second = distance;
    }
  }
  nearest = best_idx;
  nearest_squared = best;
  nearest_distance = std::sqrt(best);
  second_distance = std::sqrt(second);
}

}  // namespace

RECON_VECTOR_CLONES LloydResult RunHamerly(const std::vector<double>& points, const PointColumns& columns,
                                           std::vector<double> centres, std::size_t k, int max_iter,
                                           double shift_tolerance) {
  const std::size_t rows = columns.rows;
  const std::size_t dims = columns.dims;
  std::vector<std::uint32_t> assigned(rows);
  std::vector<double> upper(rows);
  std::vector<double> lower(rows);
  // First assignment, every point against every centre: block by block over the columns, one centre at a time
  // (ties: the lower index, as plain Lloyd).
  double distances[kColumnBlockRows];
  for (std::size_t begin = 0; begin < rows; begin += kColumnBlockRows) {
    const std::size_t count = std::min(rows, begin + kColumnBlockRows) - begin;
    double* best = &upper[begin];
    double* second = &lower[begin];
    std::uint32_t* nearest = &assigned[begin];
    for (std::size_t idx = 0; idx < count; ++idx) {
      best[idx] = std::numeric_limits<double>::max();
      second[idx] = std::numeric_limits<double>::max();
      nearest[idx] = 0;
    }
    for (std::size_t centre = 0; centre < k; ++centre) {
      BlockSquaredDistances(columns, begin, begin + count, &centres[centre * dims], distances);
      for (std::size_t idx = 0; idx < count; ++idx) {
        const double distance = distances[idx];
        const bool closer = distance < best[idx];
        second[idx] = closer ? best[idx] : std::min(second[idx], distance);
        best[idx] = closer ? distance : best[idx];
        nearest[idx] = closer ? static_cast<std::uint32_t>(centre) : nearest[idx];
      }
    }
    for (std::size_t idx = 0; idx < count; ++idx) {
      best[idx] = std::sqrt(best[idx]);
      second[idx] = std::sqrt(second[idx]);
    }
  }

  // Per-cluster sums are kept up to date as points move, so an M-step costs O(k d), not O(n d): after the first
  // iterations only a few points change cluster.
  std::vector<double> sums(k * dims, 0.0);
  std::vector<std::uint64_t> counts(k, 0);
  for (std::size_t row = 0; row < rows; ++row) {
    ++counts[assigned[row]];
    for (std::size_t dim = 0; dim < dims; ++dim) sums[assigned[row] * dims + dim] += points[row * dims + dim];
  }
  std::vector<double> moved(k);
  std::vector<double> final_squared;  // each point's squared distance to its final centre, from the last E-step

  std::vector<double> half_gap(k);
  // Moves every bound by the last centre shifts, then re-examines only the points whose bounds overlap. With
  // exact_upper every point's distance to its centre is recomputed (for the final inertia).
  auto reassign = [&](bool exact_upper) {
    std::size_t largest = 0;
    for (std::size_t centre = 1; centre < k; ++centre) largest = moved[centre] > moved[largest] ? centre : largest;
    double second_largest = 0.0;
    for (std::size_t centre = 0; centre < k; ++centre) {
      if (centre != largest) second_largest = std::max(second_largest, moved[centre]);
    }
    for (std::size_t centre = 0; centre < k; ++centre) {
      double closest = std::numeric_limits<double>::max();
      for (std::size_t other = 0; other < k; ++other) {
        if (other != centre)
          closest = std::min(closest, SquaredDistance(&centres[centre * dims], &centres[other * dims], dims));
      }
      half_gap[centre] = k > 1 ? 0.5 * std::sqrt(closest) : std::numeric_limits<double>::max();
    }
    for (std::size_t row = 0; row < rows; ++row) {
      const std::uint32_t centre = assigned[row];
      upper[row] += moved[centre];
      lower[row] -= centre == largest ? second_largest : moved[largest];
      const double bound = std::max(half_gap[centre], lower[row]);
      if (upper[row] <= bound && !exact_upper) continue;
      const double* point = &points[row * dims];
      double squared = SquaredDistance(point, &centres[centre * dims], dims);
      upper[row] = std::sqrt(squared);
      if (upper[row] > bound) {
        const std::uint32_t previous = assigned[row];
        ScanCentres(point, centres, k, dims, assigned[row], upper[row], lower[row], squared);
        if (assigned[row] != previous) {
          --counts[previous];
          ++counts[assigned[row]];
          for (std::size_t dim = 0; dim < dims; ++dim) {
            sums[previous * dims + dim] -= point[dim];
            sums[assigned[row] * dims + dim] += point[dim];
          }
        }
      }
      if (exact_upper) final_squared[row] = squared;
    }
  };
  LloydResult result;
  for (int iteration = 0; iteration < max_iter; ++iteration) {
    result.iterations = iteration + 1;
    // M-step from the running sums.
    double shift = 0.0;
    for (std::size_t centre = 0; centre < k; ++centre) {
      double moved_squared = 0.0;
      if (counts[centre] > 0) {  // an empty cluster keeps its centre
        for (std::size_t dim = 0; dim < dims; ++dim) {
          const double updated = sums[centre * dims + dim] / static_cast<double>(counts[centre]);
          const double delta = updated - centres[centre * dims + dim];
          moved_squared += delta * delta;
          centres[centre * dims + dim] = updated;
        }
      }
      shift += moved_squared;
      moved[centre] = std::sqrt(moved_squared);
    }
    if (shift <= shift_tolerance) break;
    reassign(/*exact_upper=*/false);
  }
  // A last E-step against the final centres gives the final labels and, with every upper bound made exact, the
  // inertia: one distance per point instead of k.
  // (After max_iter the last shifts are applied to the bounds twice: looser bounds, still valid.)
  final_squared.resize(rows);
  reassign(/*exact_upper=*/true);
  result.inertia = 0.0;
  for (std::size_t row = 0; row < rows; ++row) result.inertia += final_squared[row];
  result.centres = std::move(centres);
  return result;
}

}  // namespace recon::models
