#include "recon/models/isolation_forest/isolation_tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "recon/models/isolation_forest/path_length.hpp"

namespace recon::models {
namespace {

// scikit-learn counts a feature whose range in the node is at most this as constant (FEATURE_THRESHOLD).
constexpr double kConstantRange = 1e-7;

// The largest float at most `value`: for any float x, x <= value exactly when x <= this, so a threshold drawn in
// double precision keeps its split when stored as a float.
float FloatAtMost(double value) {
  auto rounded = static_cast<float>(value);
  if (static_cast<double>(rounded) > value) rounded = std::nextafter(rounded, -std::numeric_limits<float>::infinity());
  return rounded;
}

struct TreeGrower {
  const features::FeatureMatrix& data;
  std::vector<std::uint32_t>& rows;
  int max_depth;
  SklearnTreeRandom& random;
  IsolationTree& tree;
  // scikit-learn's splitter state, shared by every node of the tree: the feature order that its Fisher-Yates draws
  // permute in place, and the features known to be constant, inherited by a node's descendants.
  std::vector<std::size_t> features;
  std::vector<std::size_t> constant_features;

  void MakeLeaf(std::uint32_t node_idx, std::size_t count, int depth) {
    tree.nodes[node_idx].feature = -1;
    tree.nodes[node_idx].leaf_depth = static_cast<float>(depth + AveragePathLength(count));
  }

  // Rows [begin, end) of `rows` belong to node `node_idx`; the first `known_constants` of `features` are constant
  // in it (found so by its ancestors).
  void Grow(std::uint32_t node_idx, std::size_t begin, std::size_t end, int depth, std::size_t known_constants) {
    const std::size_t count = end - begin;
    tree.sizes[node_idx] = static_cast<std::uint32_t>(count);
    if (depth >= max_depth || count <= 1) return MakeLeaf(node_idx, count, depth);

    // RandomSplitter.node_split: features drawn without replacement until one varies within the node. In
    // `features`: [0, drawn) known constants drawn, [drawn, known) known constants not drawn yet, [known, total)
    // found constant here, [total, unvisited) not drawn yet, [unvisited, cols) drawn and varying.
    std::size_t unvisited = data.Cols();
    std::size_t found = 0;
    std::size_t drawn = 0;
    std::size_t total = known_constants;
    std::size_t visited = 0;
    bool split = false;
    std::size_t split_feature = 0;
    double split_threshold = 0.0;
    std::size_t split_end = end;
    while (unvisited > total && (visited < 1 || visited <= found + drawn)) {
      ++visited;
      std::size_t pick = random.Int(drawn, unvisited - found);
      if (pick < known_constants) {
        std::swap(features[drawn], features[pick]);
        ++drawn;
        continue;
      }
      pick += found;
      const std::size_t feature = features[pick];
      float low = data.At(rows[begin], feature);
      float high = low;
      for (std::size_t pos = begin + 1; pos < end; ++pos) {
        const float value = data.At(rows[pos], feature);
        low = std::min(low, value);
        high = std::max(high, value);
      }
      if (static_cast<double>(high) <= static_cast<double>(low) + kConstantRange) {
        features[pick] = features[total];
        features[total] = feature;
        ++found;
        ++total;
        continue;
      }
      --unvisited;
      std::swap(features[unvisited], features[pick]);
      double threshold = random.Uniform(low, high);
      if (threshold == static_cast<double>(high)) threshold = low;
      const auto middle = std::partition(
          rows.begin() + static_cast<std::ptrdiff_t>(begin), rows.begin() + static_cast<std::ptrdiff_t>(end),
          [&](std::uint32_t row) { return static_cast<double>(data.At(row, feature)) <= threshold; });
      split = true;
      split_feature = feature;
      split_threshold = threshold;
      split_end = static_cast<std::size_t>(middle - rows.begin());
    }
    // Descendants see the known constants in their original order, then the ones found here.
    std::copy_n(constant_features.begin(), known_constants, features.begin());
    std::copy_n(features.begin() + static_cast<std::ptrdiff_t>(known_constants), found,
                constant_features.begin() + static_cast<std::ptrdiff_t>(known_constants));
    if (!split) return MakeLeaf(node_idx, count, depth);  // every feature is constant: duplicates stay together

    const auto left = static_cast<std::uint32_t>(tree.nodes.size());
    tree.nodes.resize(tree.nodes.size() + 2);
    tree.sizes.resize(tree.nodes.size());
    tree.nodes[node_idx].feature = static_cast<std::int32_t>(split_feature);
    tree.nodes[node_idx].threshold = FloatAtMost(split_threshold);
    tree.nodes[node_idx].left = left;
    Grow(left, begin, split_end, depth + 1, total);
    Grow(left + 1, split_end, end, depth + 1, total);
  }
};

}  // namespace

IsolationTree BuildIsolationTree(const features::FeatureMatrix& data, std::vector<std::uint32_t> sample, int max_depth,
                                 SklearnTreeRandom& random) {
  IsolationTree tree;
  tree.nodes.reserve(2 * sample.size());
  tree.nodes.resize(1);
  tree.sizes.resize(1);
  std::vector<std::size_t> features(data.Cols());
  std::iota(features.begin(), features.end(), std::size_t{0});
  TreeGrower grower{data, sample, max_depth, random, tree, std::move(features), std::vector<std::size_t>(data.Cols())};
  grower.Grow(0, 0, sample.size(), 0, 0);
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
