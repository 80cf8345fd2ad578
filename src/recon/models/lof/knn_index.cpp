#include "recon/models/lof/knn_index.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "recon/core/parallel.hpp"
#include "recon/core/vector_clones.hpp"
#include "recon/models/lof/exact_scan.hpp"
#include "recon/models/lof/kd_tree.hpp"

namespace recon::models {
namespace {

constexpr std::size_t kQueriesPerTask = 64;

// Every point measured against `query` (lof/exact_scan.hpp), the `k` nearest kept: compiled for AVX2 too
// (core/vector_clones.hpp).
template <class Term>
[[gnu::always_inline]] inline void ScanAll(const std::vector<double>& columns, std::size_t dims,
                                           const std::vector<std::uint32_t>& rows, const double* query, std::size_t k,
                                           Neighbour* out) {
  RankedList ranked(out, k);
  ScanPoints<Term>(columns.data(), rows.size() + kScanLanes, dims, 0, rows.size(), query, rows.data(), ranked);
  RankUnknownLast(ranked.Filled(), k, rows.size(), out);
}

RECON_VECTOR_CLONES void ScanAllEuclidean(const std::vector<double>& columns, std::size_t dims,
                                          const std::vector<std::uint32_t>& rows, const double* query, std::size_t k,
                                          Neighbour* out) {
  ScanAll<SquareTerm>(columns, dims, rows, query, k, out);
}

RECON_VECTOR_CLONES void ScanAllManhattan(const std::vector<double>& columns, std::size_t dims,
                                          const std::vector<std::uint32_t>& rows, const double* query, std::size_t k,
                                          Neighbour* out) {
  ScanAll<AbsoluteTerm>(columns, dims, rows, query, k, out);
}

}  // namespace

KnnIndex::KnnIndex(const features::FeatureMatrix& points, Metric metric)
    : points_(points), metric_(metric), uses_tree_(points.Cols() <= KdTree::kMaxDims && points.Rows() > 0) {}

const KdTree& KnnIndex::Tree() const {
  // Built on first use, like the brute-force columns (an index above 16 dimensions never needs it).
  std::call_once(tree_built_, [&] { tree_ = std::make_unique<KdTree>(points_, metric_); });
  return *tree_;
}

const std::vector<double>& KnnIndex::BruteForceColumns() const {
  // Built on first use, not with the index: up to 16 dimensions nothing reads them.
  std::call_once(columns_built_, [&] {
    const std::size_t rows = points_.Rows();
    const std::size_t stride = rows + kScanLanes;
    columns_.assign(points_.Cols() * stride, 0.0);
    for (std::size_t row = 0; row < rows; ++row) {
      for (std::size_t dim = 0; dim < points_.Cols(); ++dim) columns_[dim * stride + row] = points_.At(row, dim);
    }
    rows_in_order_.resize(rows);
    std::iota(rows_in_order_.begin(), rows_in_order_.end(), 0U);
  });
  return columns_;
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
  out.resize(k);
  if (uses_tree_) {
    Tree().Nearest(query, k, out.data());
  } else {
    scratch.query.assign(query, query + points_.Cols());
    const std::vector<double>& columns = BruteForceColumns();
    if (metric_ == Metric::kManhattan) {
      ScanAllManhattan(columns, points_.Cols(), rows_in_order_, scratch.query.data(), k, out.data());
    } else {
      ScanAllEuclidean(columns, points_.Cols(), rows_in_order_, scratch.query.data(), k, out.data());
    }
  }
  for (Neighbour& neighbour : out) neighbour.distance = DistanceFromRanked(neighbour.distance, metric_);
}

void KnnIndex::AllNeighbours(std::size_t count, unsigned threads, const NeighbourSink& sink) const {
  count = std::min(count, points_.Rows());
  if (count == 0) return;
  if (uses_tree_) {
    Tree().AllNearest(count, threads, [&](std::uint32_t row, std::uint32_t place, std::span<Neighbour> list) {
      for (Neighbour& neighbour : list) neighbour.distance = DistanceFromRanked(neighbour.distance, metric_);
      sink(row, place, list);
    });
    return;
  }
  // Brute force: each point a query against all of them.
  ParallelFor(points_.Rows(), kQueriesPerTask, threads, [&](std::size_t begin, std::size_t end) {
    KnnScratch scratch;
    std::vector<Neighbour> list;
    for (std::size_t row = begin; row < end; ++row) {
      Nearest(points_.Row(row), count, scratch, list);
      sink(static_cast<std::uint32_t>(row), static_cast<std::uint32_t>(row), list);
    }
  });
}

}  // namespace recon::models
