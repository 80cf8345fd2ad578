#pragma once
// Exact k-nearest-neighbour search (Euclidean or Manhattan) over a fixed point set: a KD-tree (lof/kd_tree.hpp) in
// up to 16 dimensions, brute force above, where KD-trees stop paying off (measured on the ODDS sets).
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "recon/features/feature_matrix.hpp"
#include "recon/models/lof/metric.hpp"

namespace recon::models {

/// One neighbour: index into the point set and distance.
struct Neighbour {
  std::uint32_t index;
  double distance;
};

/// Receives one point's neighbour list as soon as a search has it (from any of the search's threads, each list
/// once): `row` is the point, `list` its neighbours nearest first, for the receiver to use or change in place.
/// `place` is the list's place in the search's own order of the points (0 .. rows - 1, each once): one thread hands
/// over runs of consecutive places, so a receiver that stores lists by place writes its memory in order (by row,
/// the writes of a large set would scatter over megabytes).
using NeighbourSink = std::function<void(std::uint32_t row, std::uint32_t place, std::span<Neighbour> list)>;

class KdTree;

/// Buffers a KnnIndex query reuses, one per thread, so that repeated queries do not allocate.
struct KnnScratch {
  std::vector<double> query;
};

class KnnIndex {
 public:
  /// Indexes `points`, which must outlive the index, for distances in `metric`.
  KnnIndex(const features::FeatureMatrix& points, Metric metric);
  ~KnnIndex();
  KnnIndex(const KnnIndex&) = delete;
  KnnIndex& operator=(const KnnIndex&) = delete;

  /// The `k` nearest points to `query`, nearest first (fewer when the set is smaller).
  std::vector<Neighbour> Nearest(const float* query, std::size_t k) const;
  /// The same into `out`, with `scratch`'s buffers.
  void Nearest(const float* query, std::size_t k, KnnScratch& scratch, std::vector<Neighbour>& out) const;

  /// For every indexed point, its `count` nearest points of the set (itself among them, at distance 0), nearest
  /// first, ties by index, each list handed to `sink`: what fitting LOF asks for.
  void AllNeighbours(std::size_t count, unsigned threads, const NeighbourSink& sink) const;

 private:
  /// Brute force reads every point per query: column by column in double precision, as the scan reads them.
  const std::vector<double>& BruteForceColumns() const;
  /// The KD-tree, built on first use (thread-safe: scoring runs in parallel).
  const KdTree& Tree() const;

  const features::FeatureMatrix& points_;
  Metric metric_;
  bool uses_tree_;  // else brute force
  mutable std::once_flag tree_built_;
  mutable std::unique_ptr<KdTree> tree_;
  mutable std::once_flag columns_built_;
  mutable std::vector<double> columns_;               // brute force: dims x (rows + 4) doubles, column by column
  mutable std::vector<std::uint32_t> rows_in_order_;  // brute force: 0, 1, ..., rows - 1
};

}  // namespace recon::models
