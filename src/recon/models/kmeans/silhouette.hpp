#pragma once
// Choosing the number of clusters: the mean silhouette coefficient (Rousseeuw 1987) of a clustering, and the k in
// 2..k_max whose KMeans clustering scores best. For each point, a = its mean distance to the other points of its
// cluster, b = the smallest mean distance to the points of another cluster, s = (b - a) / max(a, b), 0 for a
// point alone in its cluster: close to 1 when clusters are tight and apart. Exact, so O(n^2 d): computed on a
// sample (clustering.silhouette_rows), as scikit-learn's silhouette_score(sample_size=...) does.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "recon/features/feature_matrix.hpp"
#include "recon/models/kmeans/kmeans.hpp"

namespace recon::models {

/// Mean silhouette of `labels` (0 .. clusters-1) over `points` (rows x dims, row-major), Euclidean distances.
/// The same on any thread count.
double MeanSilhouette(const std::vector<double>& points, std::size_t dims, std::span<const std::int32_t> labels,
                      std::size_t clusters, unsigned threads);

/// What the automatic choice of k tried and kept.
struct ClusterCountChoice {
  int k = 0;
  double silhouette = 0.0;
  std::vector<std::pair<int, double>> tried;  ///< (k, mean silhouette) for k = 2 .. k_max
};

/// Fits KMeans (`params`, k replaced) for k = 2 .. k_max on `fit_rows` and keeps the k whose clustering of
/// `judge_rows` has the highest mean silhouette, in KMeans's standardised space (ties: the smaller k). Returns
/// the choice and the model fitted for it.
std::pair<ClusterCountChoice, KMeans> ChooseClusterCount(const features::FeatureMatrix& fit_rows,
                                                         const features::FeatureMatrix& judge_rows,
                                                         KMeansParams params, int k_max, unsigned threads);

}  // namespace recon::models
