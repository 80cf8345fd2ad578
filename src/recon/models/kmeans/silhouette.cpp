#include "recon/models/kmeans/silhouette.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"

namespace recon::models {

double MeanSilhouette(const std::vector<double>& points, std::size_t dims, std::span<const std::int32_t> labels,
                      std::size_t clusters, unsigned threads) {
  const std::size_t rows = labels.size();
  if (rows == 0 || clusters < 2) return 0.0;
  std::vector<std::size_t> sizes(clusters, 0);
  for (const std::int32_t label : labels) ++sizes[static_cast<std::size_t>(label)];
  std::vector<double> values(rows, 0.0);
  ParallelFor(rows, 64, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> sums(clusters);
    for (std::size_t point = begin; point < end; ++point) {
      const auto own = static_cast<std::size_t>(labels[point]);
      if (sizes[own] < 2) continue;  // alone in its cluster: 0
      std::fill(sums.begin(), sums.end(), 0.0);
      const double* from = &points[point * dims];
      for (std::size_t other = 0; other < rows; ++other) {
        const double* to = &points[other * dims];
        double squared = 0.0;
        for (std::size_t dim = 0; dim < dims; ++dim) squared += (from[dim] - to[dim]) * (from[dim] - to[dim]);
        sums[static_cast<std::size_t>(labels[other])] += std::sqrt(squared);
      }
      const double within = sums[own] / static_cast<double>(sizes[own] - 1);
      double nearest_other = std::numeric_limits<double>::infinity();
      for (std::size_t cluster = 0; cluster < clusters; ++cluster) {
        if (cluster == own || sizes[cluster] == 0) continue;
        nearest_other = std::min(nearest_other, sums[cluster] / static_cast<double>(sizes[cluster]));
      }
      if (!std::isfinite(nearest_other)) continue;  // every point in one cluster: 0
      const double scale = std::max(within, nearest_other);
      values[point] = scale > 0.0 ? (nearest_other - within) / scale : 0.0;
    }
  });
  double total = 0.0;
  for (const double value : values) total += value;
  return total / static_cast<double>(rows);
}

std::pair<ClusterCountChoice, KMeans> ChooseClusterCount(const features::FeatureMatrix& fit_rows,
                                                         const features::FeatureMatrix& judge_rows,
                                                         KMeansParams params, int k_max, unsigned threads) {
  if (k_max < 2) ThrowInvalidInput("the automatic choice of k needs k_max >= 2");
  if (judge_rows.Cols() != fit_rows.Cols()) {
    ThrowInvalidInput("the automatic choice of k judges rows of " + std::to_string(judge_rows.Cols()) +
                      " columns against clusters of " + std::to_string(fit_rows.Cols()));
  }
  if (judge_rows.Rows() < 2) ThrowInvalidInput("the automatic choice of k needs at least 2 rows to judge it on");
  ClusterCountChoice choice;
  std::optional<KMeans> best;
  const auto largest_k = std::min<std::size_t>(static_cast<std::size_t>(k_max), fit_rows.Rows());
  for (std::size_t k = 2; k <= largest_k; ++k) {
    params.k = static_cast<int>(k);
    KMeans model(params);
    model.Fit(fit_rows, threads);
    const std::vector<double> points = model.Standardised(judge_rows);
    const std::vector<std::int32_t> labels = model.Assign(judge_rows, threads);
    const double silhouette = MeanSilhouette(points, judge_rows.Cols(), labels, k, threads);
    choice.tried.emplace_back(static_cast<int>(k), silhouette);
    if (!best || silhouette > choice.silhouette) {
      choice.k = static_cast<int>(k);
      choice.silhouette = silhouette;
      best = std::move(model);
    }
  }
  if (!best) ThrowInvalidInput("the automatic choice of k needs at least 2 rows to fit on");
  return {choice, std::move(*best)};
}

}  // namespace recon::models
