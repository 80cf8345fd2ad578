#include "recon/models/lof/knn_index.hpp"

#include <algorithm>
#include <cmath>

#include <nanoflann.hpp>

namespace recon::models {
namespace {

constexpr std::size_t kMaxTreeDims = 15;

// nanoflann's dataset adaptor over the row-major matrix.
struct MatrixSource {
  const features::FeatureMatrix& points;
  std::size_t kdtree_get_point_count() const { return points.Rows(); }
  float kdtree_get_pt(std::size_t idx, std::size_t dim) const { return points.At(idx, dim); }
  template <class BoundingBox>
  bool kdtree_get_bbox(BoundingBox& /*unused*/) const {
    return false;
  }
};

using Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<float, MatrixSource, double>, MatrixSource>;

}  // namespace

struct KnnIndex::Tree {
  MatrixSource source;
  recon::models::Tree index;
  explicit Tree(const features::FeatureMatrix& points)
      : source{points}, index(static_cast<int>(points.Cols()), source, nanoflann::KDTreeSingleIndexAdaptorParams(16)) {}
};

KnnIndex::KnnIndex(const features::FeatureMatrix& points) : points_(points) {
  if (points.Cols() <= kMaxTreeDims && points.Rows() > 0) tree_ = std::make_unique<Tree>(points);
}

KnnIndex::~KnnIndex() = default;

std::vector<Neighbour> KnnIndex::Nearest(const float* query, std::size_t k) const {
  k = std::min(k, points_.Rows());
  std::vector<Neighbour> result;
  result.reserve(k);
  if (tree_) {
    std::vector<std::uint32_t> indices(k);
    std::vector<double> squared(k);
    const std::size_t found = tree_->index.knnSearch(query, k, indices.data(), squared.data());
    for (std::size_t idx = 0; idx < found; ++idx) result.push_back({indices[idx], std::sqrt(squared[idx])});
    return result;
  }
  // Brute force: squared distances to every point, then a partial sort (ties by index, for determinism).
  std::vector<Neighbour> all(points_.Rows());
  const std::size_t dims = points_.Cols();
  for (std::size_t row_idx = 0; row_idx < points_.Rows(); ++row_idx) {
    const float* point = points_.Row(row_idx);
    double sum = 0.0;
    for (std::size_t dim = 0; dim < dims; ++dim) {
      const double delta = static_cast<double>(query[dim]) - point[dim];
      sum += delta * delta;
    }
    all[row_idx] = {static_cast<std::uint32_t>(row_idx), sum};
  }
  const auto closer = [](const Neighbour& a, const Neighbour& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
  };
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), closer);
  for (std::size_t idx = 0; idx < k; ++idx) result.push_back({all[idx].index, std::sqrt(all[idx].distance)});
  return result;
}

}  // namespace recon::models
