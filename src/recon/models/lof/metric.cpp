#include "recon/models/lof/metric.hpp"

#include "recon/core/error.hpp"

namespace recon::models {

Metric ParseMetric(const std::string& text, const std::string& field) {
  if (text == "euclidean" || text == "l2" || text == "minkowski") return Metric::kEuclidean;
  if (text == "manhattan" || text == "l1" || text == "cityblock") return Metric::kManhattan;
  ThrowInvalidInput(field + " must be euclidean or manhattan (got '" + text + "')");
}

std::string MetricName(Metric metric) { return metric == Metric::kManhattan ? "manhattan" : "euclidean"; }

}  // namespace recon::models
