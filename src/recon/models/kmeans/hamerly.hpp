#pragma once
// Lloyd's k-means iterations accelerated with Hamerly's bounds (G. Hamerly, "Making k-means even faster", SDM
// 2010). Each point keeps an upper bound u on the distance to its centre and a lower bound l on the distance to
// any other; after centres move by p_j, u grows by p_a and l shrinks by the largest other move. A point whose
// u <= max(l, s_a), with s_a half the distance from its centre to the nearest other centre, cannot change cluster
// and is skipped. Assignments are exactly Lloyd's; centres come from per-cluster sums kept up to date as points
// move, which differ from a fresh row-order sum only in the last bits.
#include <cstdint>
#include <vector>

#include "recon/models/kmeans/point_columns.hpp"

namespace recon::models {

struct LloydResult {
  std::vector<double> centres;  ///< k x dims
  double inertia = 0.0;         ///< sum of squared distances to the nearest final centre
  int iterations = 0;
};

/// Runs to convergence (total squared centre shift <= shift_tolerance) or max_iter, single-threaded.
/// `points` is row-major (rows x dims); `columns` holds the same points column by column.
LloydResult RunHamerly(const std::vector<double>& points, const PointColumns& columns, std::vector<double> centres,
                       std::size_t k, int max_iter, double shift_tolerance);

}  // namespace recon::models
