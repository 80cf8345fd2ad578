#include "recon/models/lof/knn_index.hpp"

#include <algorithm>
#include <cmath>
#include <nanoflann.hpp>

#include "recon/core/distance.hpp"
#include "recon/core/vector_clones.hpp"

namespace recon::models {
namespace {

constexpr std::size_t kMaxTreeDims = 16;  // measured: the tree wins at 16 dimensions (pendigits), loses at 21 (cardio)

// nanoflann's dataset adaptor over the row-major matrix; with a compile-time width the row stride is a constant.
template <int kDims>
struct MatrixSource {
  const float* data;
  std::size_t rows;
  std::size_t cols;
  std::size_t kdtree_get_point_count() const { return rows; }
  float kdtree_get_pt(std::size_t idx, std::size_t dim) const {
    return data[idx * (kDims > 0 ? static_cast<std::size_t>(kDims) : cols) + dim];
  }
  template <class BoundingBox>
  bool kdtree_get_bbox(BoundingBox& /*unused*/) const {
    return false;
  }
};

template <int kDims>
using EuclideanAdaptor = nanoflann::L2_Simple_Adaptor<float, MatrixSource<kDims>, double>;
template <int kDims>
using ManhattanAdaptor = nanoflann::L1_Adaptor<float, MatrixSource<kDims>, double>;

// A KD-tree whose dimension is a template argument where it is a common one, so nanoflann's distance loops are
// unrolled at compile time; any other dimension uses the run-time form.
template <int kDims, template <int> class Distance>
class FixedTree final : public KnnTree {
 public:
  explicit FixedTree(const features::FeatureMatrix& points)
      : source_{points.Data(), points.Rows(), points.Cols()},
        index_(static_cast<int>(points.Cols()), source_, nanoflann::KDTreeSingleIndexAdaptorParams(16)) {}
  std::size_t Search(const float* query, std::size_t k, std::uint32_t* indices, double* distances) const override {
    return index_.knnSearch(query, k, indices, distances);
  }

 private:
  MatrixSource<kDims> source_;
  nanoflann::KDTreeSingleIndexAdaptor<Distance<kDims>, MatrixSource<kDims>, kDims> index_;
};

template <template <int> class Distance>
std::unique_ptr<KnnTree> MakeTree(const features::FeatureMatrix& points) {
  switch (points.Cols()) {
    case 2: return std::make_unique<FixedTree<2, Distance>>(points);
    case 3: return std::make_unique<FixedTree<3, Distance>>(points);
    case 6: return std::make_unique<FixedTree<6, Distance>>(points);
    case 9: return std::make_unique<FixedTree<9, Distance>>(points);  // recon's default model features
    case 16: return std::make_unique<FixedTree<16, Distance>>(points);
    default: return std::make_unique<FixedTree<-1, Distance>>(points);
  }
}

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
  if (points.Cols() <= kMaxTreeDims && points.Rows() > 0) {
    tree_ = metric == Metric::kManhattan ? MakeTree<ManhattanAdaptor>(points) : MakeTree<EuclideanAdaptor>(points);
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
    scratch.indices.resize(k);
    scratch.distances.resize(k);
    const std::size_t found = tree_->Search(query, k, scratch.indices.data(), scratch.distances.data());
    for (std::size_t idx = 0; idx < found; ++idx) {
      out.push_back({scratch.indices[idx], FromRanked(scratch.distances[idx], metric_)});
    }
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

}  // namespace recon::models
