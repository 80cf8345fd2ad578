#pragma once
// The distance LOF measures neighbourhoods with (config `detector.lof.metric`), named as scikit-learn names them.
#include <cmath>
#include <cstdint>
#include <string>

namespace recon::models {

enum class Metric : std::uint32_t {
  kEuclidean = 0,  ///< sqrt(sum (a_i - b_i)^2): scikit-learn's default (minkowski, p = 2)
  kManhattan = 1,  ///< sum |a_i - b_i|: less dominated by one large coordinate difference
};

/// "euclidean" (or "l2", "minkowski") | "manhattan" (or "l1", "cityblock"); throws InvalidInput naming `field`.
Metric ParseMetric(const std::string& text, const std::string& field);
std::string MetricName(Metric metric);

/// The distance from what neighbour searches rank by: squared Euclidean (cheaper to compare) or Manhattan as is.
/// Inline: the searches call it for every neighbour they hand over.
inline double DistanceFromRanked(double ranked, Metric metric) {
  return metric == Metric::kManhattan ? ranked : std::sqrt(ranked);
}

}  // namespace recon::models
