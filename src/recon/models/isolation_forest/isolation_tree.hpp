#pragma once
// One isolation tree in a flat array. Children of an internal node sit side by side (right = left + 1) and
// always after their parent, so scoring is a short loop with no pointers, and a loaded file can be checked
// to terminate.
#include <cmath>
#include <cstdint>
#include <vector>

#include "recon/features/feature_matrix.hpp"
#include "recon/models/isolation_forest/sklearn_random.hpp"

namespace recon::models {

struct IsolationNode {
  float threshold = 0.0f;     ///< go left when x[feature] <= threshold
  std::int32_t feature = -1;  ///< -1 for a leaf
  std::uint32_t left = 0;     ///< index of the left child; right child is left + 1
  float leaf_depth = 0.0f;    ///< leaf: depth + c(training points in the leaf)
};

/// The scoring form of a node: leaves point to themselves with an infinite threshold, so a row can take exactly
/// `depth` steps whatever its path, with no branch on the node type.
struct ScoringNode {
  float threshold;
  std::uint32_t feature;
  std::uint32_t left;
};

struct IsolationTree {
  std::vector<IsolationNode> nodes;
  std::vector<std::uint32_t> sizes;  ///< training points that reached each node (for explanations)
  std::vector<float> log2_sizes;     ///< log2(max(size, 1)), derived from sizes (not persisted)

  std::vector<ScoringNode> scoring;  ///< derived from nodes (not persisted)
  int depth = 0;                     ///< longest root-to-leaf path, derived

  /// Recomputes the derived members (log2_sizes, scoring, depth) after nodes and sizes change.
  void Derive();

  /// Adds the path lengths of `kLanes` rows to `sums`, walking them in lockstep: the rows' node loads are
  /// independent, so the processor overlaps them instead of waiting on one path at a time.
  template <std::size_t kLanes>
  void AddPathLengths(const float* const* rows, double* sums) const {
    std::uint32_t at[kLanes] = {};
    for (int level = 0; level < depth; ++level) {
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        const ScoringNode& node = scoring[at[lane]];
        at[lane] = node.left + (rows[lane][node.feature] > node.threshold ? 1u : 0u);
      }
    }
    for (std::size_t lane = 0; lane < kLanes; ++lane) sums[lane] += nodes[at[lane]].leaf_depth;
  }

  /// Path length h(x) of `row`, including the c(n) adjustment at the leaf.
  float PathLength(const float* row) const {
    std::uint32_t node_idx = 0;
    while (nodes[node_idx].feature >= 0) {
      const IsolationNode& node = nodes[node_idx];
      node_idx = node.left + (row[node.feature] > node.threshold ? 1u : 0u);
    }
    return nodes[node_idx].leaf_depth;
  }
};

/// Grows a tree on `sample` (row indices into `data`) to at most `max_depth` (Algorithm 2 of the paper): a random
/// feature that is not constant in the node, split uniformly between its min and max. The draws follow
/// scikit-learn's RandomSplitter with max_features=1 and its depth-first builder exactly (which feature is drawn
/// depends on the features found constant above the node), so the same `random` state gives scikit-learn's tree.
IsolationTree BuildIsolationTree(const features::FeatureMatrix& data, std::vector<std::uint32_t> sample, int max_depth,
                                 SklearnTreeRandom& random);

}  // namespace recon::models
