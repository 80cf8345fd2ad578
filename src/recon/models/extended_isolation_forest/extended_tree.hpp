#pragma once
// One tree of an Extended Isolation Forest (Hariri, Carrasco Kind & Brunner, "Extended Isolation Forest", IEEE
// TKDE 2021): each split is a random hyperplane, not a cut on one coordinate. Its normal has independent standard
// normal components (a uniformly random direction) and it passes through a point drawn uniformly in the node's
// bounding box; a row goes left when n . x <= n . p. Axis-parallel cuts leave bands of low anomaly score along
// the coordinate axes through dense regions ("ghost clusters"); random directions do not.
//
// Flat arrays, children side by side after their parent (right = left + 1), as in the axis-parallel tree.
#include <cstdint>
#include <vector>

#include "recon/core/random.hpp"
#include "recon/features/feature_matrix.hpp"

namespace recon::models {

struct ExtendedTree {
  std::size_t dims = 0;
  std::vector<std::int32_t> left;     ///< per node: the left child, or -1 for a leaf
  std::vector<double> offset;         ///< per node: n . p, the split's threshold on n . x
  std::vector<float> leaf_depth;      ///< per node: for leaves, depth + c(training points in the leaf)
  std::vector<std::uint32_t> sizes;   ///< per node: training points that reached it
  std::vector<float> normals;         ///< nodes x dims: n (zeros for leaves)
  std::vector<float> intercepts;      ///< nodes x dims: p, the point the hyperplane passes through
  std::vector<float> log2_sizes;      ///< derived: log2(max(size, 1)), for explanations
  // Derived scoring form: a leaf leads to itself (its normal is zero and its offset infinite), so every row takes
  // exactly `depth` steps and several rows can walk a tree in lockstep with no branch on the node type.
  std::vector<std::uint32_t> step_left;
  std::vector<double> step_offset;
  int depth = 0;

  std::size_t NodeCount() const { return left.size(); }
  /// n . x of the row at a node, in double precision (the same computation in fitting and scoring).
  double Projection(std::size_t node, const float* row) const {
    const float* normal = &normals[node * dims];
    double sum = 0.0;
    for (std::size_t dim = 0; dim < dims; ++dim) sum += static_cast<double>(normal[dim]) * row[dim];
    return sum;
  }
  /// The child of internal node `node` that `row` goes to.
  std::size_t ChildOf(std::size_t node, const float* row) const {
    return static_cast<std::size_t>(left[node]) + (Projection(node, row) > offset[node] ? 1 : 0);
  }
  /// Path length h(x) of `row`, including the c(n) adjustment at the leaf.
  float PathLength(const float* row) const {
    std::size_t node = 0;
    while (left[node] >= 0) node = ChildOf(node, row);
    return leaf_depth[node];
  }
  /// Adds the path lengths of `kLanes` rows to `sums`, walking them in lockstep: their dot products are
  /// independent, so the processor overlaps them. Same values as PathLength.
  template <std::size_t kLanes>
  void AddPathLengths(const float* const* rows, double* sums) const {
    std::uint32_t at[kLanes] = {};
    for (int level = 0; level < depth; ++level) {
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        at[lane] = step_left[at[lane]] + (Projection(at[lane], rows[lane]) > step_offset[at[lane]] ? 1u : 0u);
      }
    }
    for (std::size_t lane = 0; lane < kLanes; ++lane) sums[lane] += leaf_depth[at[lane]];
  }
  /// Recomputes the derived members (log2_sizes, the scoring form, depth) from the node arrays.
  void Derive();
};

/// Grows a tree on `sample` (row indices into `data`) to at most `max_depth`. A node whose points are all equal
/// becomes a leaf (no hyperplane can separate them); a hyperplane may leave one side empty, as in the paper.
ExtendedTree BuildExtendedTree(const features::FeatureMatrix& data, std::vector<std::uint32_t> sample, int max_depth,
                               Random& random);

}  // namespace recon::models
