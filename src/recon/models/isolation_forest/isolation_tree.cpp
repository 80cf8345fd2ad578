#include "recon/models/isolation_forest/isolation_tree.hpp"

#include <algorithm>
#include <limits>

#include "recon/models/isolation_forest/path_length.hpp"

namespace recon::models {
namespace {

struct TreeGrower {
  const features::FeatureMatrix& data;
  std::vector<std::uint32_t>& rows;
  int max_depth;
  Random& random;
  IsolationTree& tree;
  std::vector<std::size_t> candidate_features;

  void MakeLeaf(std::uint32_t node_idx, std::size_t count, int depth) {
    tree.nodes[node_idx].feature = -1;
    tree.nodes[node_idx].leaf_depth = static_cast<float>(depth + AveragePathLength(count));
  }

  // Rows [begin, end) of `rows` belong to node `node_idx`.
  void Grow(std::uint32_t node_idx, std::size_t begin, std::size_t end, int depth) {
    const std::size_t count = end - begin;
    tree.sizes[node_idx] = static_cast<std::uint32_t>(count);
    if (depth >= max_depth || count <= 1) return MakeLeaf(node_idx, count, depth);

    // Draw features without replacement until one varies within the node (as scikit-learn does).
    const std::size_t cols = data.Cols();
    candidate_features.resize(cols);
    for (std::size_t col_idx = 0; col_idx < cols; ++col_idx) candidate_features[col_idx] = col_idx;
    std::size_t remaining = cols;
    while (remaining > 0) {
      const std::size_t pick = random.Below(remaining);
      const std::size_t feature = candidate_features[pick];
      candidate_features[pick] = candidate_features[--remaining];
      float low = std::numeric_limits<float>::max();
      float high = std::numeric_limits<float>::lowest();
      for (std::size_t pos = begin; pos < end; ++pos) {
        const float value = data.At(rows[pos], feature);
        low = std::min(low, value);
        high = std::max(high, value);
      }
      if (!(high > low)) continue;
      auto threshold = static_cast<float>(random.Uniform(low, high));
      if (threshold >= high) threshold = low;  // float rounding must keep both sides non-empty
      const auto middle = std::partition(rows.begin() + static_cast<std::ptrdiff_t>(begin),
                                         rows.begin() + static_cast<std::ptrdiff_t>(end),
                                         [&](std::uint32_t row) { return data.At(row, feature) <= threshold; });
      const auto split = static_cast<std::size_t>(middle - rows.begin());
      const auto left = static_cast<std::uint32_t>(tree.nodes.size());
      tree.nodes.resize(tree.nodes.size() + 2);
      tree.sizes.resize(tree.nodes.size());
      tree.nodes[node_idx].feature = static_cast<std::int32_t>(feature);
      tree.nodes[node_idx].threshold = threshold;
      tree.nodes[node_idx].left = left;
      Grow(left, begin, split, depth + 1);
      Grow(left + 1, split, end, depth + 1);
      return;
    }
    MakeLeaf(node_idx, count, depth);  // every feature is constant here: duplicates cannot be separated
  }
};

}  // namespace

IsolationTree BuildIsolationTree(const features::FeatureMatrix& data, std::vector<std::uint32_t> sample, int max_depth,
                                 Random& random) {
  IsolationTree tree;
  tree.nodes.reserve(2 * sample.size());
  tree.nodes.resize(1);
  tree.sizes.resize(1);
  TreeGrower grower{data, sample, max_depth, random, tree, {}};
  grower.Grow(0, 0, sample.size(), 0);
  tree.Derive();
  return tree;
}

void IsolationTree::Derive() {
  log2_sizes.resize(sizes.size());
  for (std::size_t idx = 0; idx < sizes.size(); ++idx) {
    log2_sizes[idx] = static_cast<float>(std::log2(static_cast<double>(sizes[idx] == 0 ? 1 : sizes[idx])));
  }
  scoring.resize(nodes.size());
  std::vector<int> node_depth(nodes.size(), 0);
  depth = 0;
  // Children always follow their parent, so one forward sweep sees every parent before its children.
  for (std::uint32_t idx = 0; idx < nodes.size(); ++idx) {
    const IsolationNode& node = nodes[idx];
    if (node.feature < 0) {
      scoring[idx] = {std::numeric_limits<float>::infinity(), 0, idx};
      depth = std::max(depth, node_depth[idx]);
    } else {
      scoring[idx] = {node.threshold, static_cast<std::uint32_t>(node.feature), node.left};
      node_depth[node.left] = node_depth[node.left + 1] = node_depth[idx] + 1;
    }
  }
}

}  // namespace recon::models
