#pragma once
// Exact k-nearest-neighbour search in few dimensions (up to 16): a KD-tree whose leaves are measured four points
// per vector instruction.
//
// IMPLEMENTATION DECISIONS: a general-purpose tree measuring one coordinate at a time spends most of a query in its
// leaves. Here the points are copied in tree order, column by column in double precision, so a leaf's distances
// come four at a time with the same operations, in the same order, as SquaredDistance / ManhattanDistance
// (core/distance.hpp): the distances are exact in that sense, identical to a brute-force scan, on any machine and
// at any vector width. Neighbours are ranked by (distance, row index), so ties are broken the same way whatever
// order the tree visits points in. Subtrees are skipped by a lower bound on their distance kept incrementally along
// the descent (as nanoflann does), with a margin for its rounding, so pruning never drops a point that could rank.
// It is LOF's only index up to 16 dimensions: on the product's model features (9, mostly repeated vectors) the
// blocked brute-force search it once had beside it was 18-79x slower (bench/RESULTS.md, issue 18).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "recon/features/feature_matrix.hpp"
#include "recon/models/lof/knn_index.hpp"
#include "recon/models/lof/metric.hpp"

namespace recon::models {

class KdTree {
 public:
  static constexpr std::size_t kMaxDims = 16;

  /// Indexes a copy of `points` (at most kMaxDims columns) for distances in `metric`.
  KdTree(const features::FeatureMatrix& points, Metric metric);

  std::size_t Rows() const { return original_.size(); }
  std::size_t Dims() const { return dims_; }

  /// The `k` (at most Rows()) nearest points to `query`, nearest first, ties by row index, into out[0, k), with
  /// their distances as ranked: squared Euclidean, or Manhattan.
  void Nearest(const float* query, std::size_t k, Neighbour* out) const;

  /// For every indexed point, its `count` nearest points of the set (itself among them, at distance 0), ranked as
  /// Nearest ranks them: Rows() x count entries, row-major by row index.
  std::vector<Neighbour> AllNearest(std::size_t count, unsigned threads) const;
  /// The same, each list (ranked distances) handed to `sink` (knn_index.hpp) instead of stored.
  void AllNearest(std::size_t count, unsigned threads, const NeighbourSink& sink) const;

  /// One node of the tree, depth first.
  struct Node {
    std::uint32_t begin;  // the node's points: positions [begin, end) of the tree order
    std::uint32_t end;
    std::uint32_t right;  // right child (the left one follows its parent); 0 for a leaf
    std::uint32_t dim;    // the split coordinate
    double low_max;       // the largest coordinate `dim` on the left, and the smallest on the right
    double high_min;
  };

 private:
  friend struct KdTreeAccess;

  Metric metric_;
  std::size_t dims_ = 0;
  std::size_t stride_ = 0;               // positions per column, padded so a leaf's last four-wide load stays inside
  std::vector<std::uint32_t> original_;  // position -> row
  std::vector<std::uint32_t> position_;  // row -> position
  std::vector<double> columns_;          // dims x stride_, by position
  std::vector<double> root_low_;         // the bounding box of all points
  std::vector<double> root_high_;
  std::vector<Node> nodes_;  // depth first; the root is nodes_[0]
};

}  // namespace recon::models
