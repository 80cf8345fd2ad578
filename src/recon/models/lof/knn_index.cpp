#include "recon/models/lof/knn_index.hpp"

#include <algorithm>
#include <cmath>

#include "recon/core/distance.hpp"
#include "recon/core/vector_clones.hpp"
#include "recon/models/lof/all_neighbours.hpp"
#include "recon/models/lof/kd_tree.hpp"

namespace recon::models {
namespace {

// Squared Euclidean or Manhattan distances from `query` to every point (row-major doubles); compiled for AVX2 too
// (core/vector_clones.hpp).
RECON_VECTOR_CLONES void DistancesTo(const double* query, const std::vector<double>& points, std::size_t dims,
                                     Metric metric, std::vector<Neighbour>& out) {
  const std::size_t rows = out.size();
  if (metric == Metric::kManhattan) {
    for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
      out[row_idx] = {static_cast<std::uint32_t>(row_idx), ManhattanDistance(query, &points[row_idx * dims], dims)};
    }
    return;
  }
  for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
    out[row_idx] = {static_cast<std::uint32_t>(row_idx), SquaredDistance(query, &points[row_idx * dims], dims)};
  }
}

// The distance from what the search ranks by (squared for Euclidean).
double FromRanked(double ranked, Metric metric) { return metric == Metric::kManhattan ? ranked : std::sqrt(ranked); }

}  // namespace

KnnIndex::KnnIndex(const features::FeatureMatrix& points, Metric metric) : points_(points), metric_(metric) {
  if (points.Cols() <= KdTree::kMaxDims && points.Rows() > 0) {
    tree_ = std::make_unique<KdTree>(points, metric);
  } else {
    // Brute force reads every point per query: keep them as doubles so no conversion sits in the inner loop.
    as_double_.assign(points.Data(), points.Data() + points.Rows() * points.Cols());
  }
}

KnnIndex::~KnnIndex() = default;

std::vector<Neighbour> KnnIndex::Nearest(const float* query, std::size_t k) const {
  KnnScratch scratch;
  std::vector<Neighbour> result;
  Nearest(query, k, scratch, result);
  return result;
}

void KnnIndex::Nearest(const float* query, std::size_t k, KnnScratch& scratch, std::vector<Neighbour>& out) const {
  k = std::min(k, points_.Rows());
  out.clear();
  if (tree_) {
    out.resize(k);
    tree_->Nearest(query, k, out.data());
    for (Neighbour& neighbour : out) neighbour.distance = FromRanked(neighbour.distance, metric_);
    return;
  }
  // Brute force: distances to every point, then the k smallest kept in a sorted array (ties by index, for
  // determinism). Once the array is full, most points fail one comparison against its last entry.
  scratch.all.resize(points_.Rows());
  scratch.query.assign(query, query + points_.Cols());
  DistancesTo(scratch.query.data(), as_double_, points_.Cols(), metric_, scratch.all);
  const auto closer = [](const Neighbour& a, const Neighbour& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
  };
  out.reserve(k + 1);
  for (const Neighbour& candidate : scratch.all) {
    if (out.size() == k && !closer(candidate, out.back())) continue;
    out.insert(std::upper_bound(out.begin(), out.end(), candidate, closer), candidate);
    if (out.size() > k) out.pop_back();
  }
  for (Neighbour& neighbour : out) neighbour.distance = FromRanked(neighbour.distance, metric_);
}

std::vector<Neighbour> KnnIndex::AllNeighbours(std::size_t count, unsigned threads) const {
  if (!tree_ || PreferBlockedSearch(points_.Rows(), points_.Cols())) {
    return models::AllNeighbours(points_, count, threads, metric_);
  }
  std::vector<Neighbour> lists = tree_->AllNearest(std::min(count, points_.Rows()), threads);
  for (Neighbour& neighbour : lists) neighbour.distance = FromRanked(neighbour.distance, metric_);
  return lists;
}

}  // namespace recon::models
