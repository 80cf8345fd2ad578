#pragma once
// One isolation tree in a flat array. Children of an internal node sit side by side (right = left + 1) and
// always after their parent, so scoring is a short loop with no pointers, and a loaded file can be checked
// to terminate.
#include <cmath>
#include <cstdint>
#include <vector>

#include "recon/core/random.hpp"
#include "recon/features/feature_matrix.hpp"

namespace recon::models {

struct IsolationNode {
  float threshold = 0.0f;     ///< go left when x[feature] <= threshold
  std::int32_t feature = -1;  ///< -1 for a leaf
  std::uint32_t left = 0;     ///< index of the left child; right child is left + 1
  float leaf_depth = 0.0f;    ///< leaf: depth + c(training points in the leaf)
};

struct IsolationTree {
  std::vector<IsolationNode> nodes;
  std::vector<std::uint32_t> sizes;  ///< training points that reached each node (for explanations)
  std::vector<float> log2_sizes;     ///< log2(max(size, 1)), derived from sizes (not persisted)

  /// Recomputes log2_sizes from sizes.
  void DeriveLogSizes() {
    log2_sizes.resize(sizes.size());
    for (std::size_t idx = 0; idx < sizes.size(); ++idx) {
      log2_sizes[idx] = static_cast<float>(std::log2(static_cast<double>(sizes[idx] == 0 ? 1 : sizes[idx])));
    }
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

/// Grows a tree on `sample` (row indices into `data`) to at most `max_depth` (Algorithm 2 of the paper):
/// a random feature that is not constant in the node, split uniformly between its min and max.
IsolationTree BuildIsolationTree(const features::FeatureMatrix& data, std::vector<std::uint32_t> sample,
                                 int max_depth, Random& random);

}  // namespace recon::models
