#pragma once
// k-means++ seeding (Arthur & Vassilvitskii, "k-means++: The Advantages of Careful Seeding", SODA 2007), in the
// greedy form scikit-learn uses: at each step draw 2 + ln(k) candidates with probability proportional to
// D(x)^2 and keep the one that lowers the total potential most.
#include <vector>

#include "recon/core/distance.hpp"
#include "recon/core/random.hpp"
#include "recon/models/kmeans/point_columns.hpp"

namespace recon::models {

using recon::SquaredDistance;

/// `k` initial centres (row-major k x dims) chosen from `points` (row-major rows x dims; `columns` holds the same
/// points column by column).
std::vector<double> KMeansPlusPlus(const std::vector<double>& points, const SeedingColumns& columns, std::size_t k,
                                   Random& random);

}  // namespace recon::models
