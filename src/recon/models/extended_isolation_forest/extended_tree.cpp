#include "recon/models/extended_isolation_forest/extended_tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "recon/models/isolation_forest/path_length.hpp"

namespace recon::models {
namespace {

class ExtendedGrower {
 public:
  ExtendedGrower(const features::FeatureMatrix& data, std::vector<std::uint32_t>& rows, int max_depth, Random& random,
                 ExtendedTree& tree)
      : data_(data), rows_(rows), max_depth_(max_depth), random_(random), tree_(tree), low_(data.Cols()),
        high_(data.Cols()) {}

  std::size_t AddNode() {
    tree_.left.push_back(-1);
    tree_.offset.push_back(0.0);
    tree_.leaf_depth.push_back(0.0F);
    tree_.sizes.push_back(0);
    tree_.normals.resize(tree_.normals.size() + tree_.dims, 0.0F);
    tree_.intercepts.resize(tree_.intercepts.size() + tree_.dims, 0.0F);
    return tree_.left.size() - 1;
  }

  // Rows [begin, end) of rows_ belong to `node`.
  void Grow(std::size_t node, std::size_t begin, std::size_t end, int depth) {
    const std::size_t count = end - begin;
    const std::size_t dims = tree_.dims;
    tree_.sizes[node] = static_cast<std::uint32_t>(count);
    tree_.leaf_depth[node] = static_cast<float>(depth + AveragePathLength(count));
    if (depth >= max_depth_ || count <= 1) return;
    std::fill(low_.begin(), low_.end(), std::numeric_limits<float>::max());
    std::fill(high_.begin(), high_.end(), std::numeric_limits<float>::lowest());
    for (std::size_t pos = begin; pos < end; ++pos) {
      const float* row = data_.Row(rows_[pos]);
      for (std::size_t dim = 0; dim < dims; ++dim) {
        low_[dim] = std::min(low_[dim], row[dim]);
        high_[dim] = std::max(high_[dim], row[dim]);
      }
    }
    bool spread = false;
    for (std::size_t dim = 0; dim < dims; ++dim) spread |= high_[dim] > low_[dim];
    if (!spread) return;  // identical points: a leaf, as the axis-parallel tree makes it
    float* normal = &tree_.normals[node * dims];
    float* intercept = &tree_.intercepts[node * dims];
    double offset = 0.0;
    for (std::size_t dim = 0; dim < dims; ++dim) {
      normal[dim] = static_cast<float>(random_.Normal());
      intercept[dim] = static_cast<float>(random_.Uniform(low_[dim], high_[dim]));
      if (!(intercept[dim] <= high_[dim])) intercept[dim] = high_[dim];  // float rounding of the draw
      offset += static_cast<double>(normal[dim]) * intercept[dim];
    }
    tree_.offset[node] = offset;
    const auto first = rows_.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = rows_.begin() + static_cast<std::ptrdiff_t>(end);
    const auto middle =
        std::partition(first, last, [&](std::uint32_t row) { return tree_.Projection(node, data_.Row(row)) <= offset; });
    const auto split = static_cast<std::size_t>(middle - rows_.begin());
    const std::size_t left = AddNode();
    AddNode();
    tree_.left[node] = static_cast<std::int32_t>(left);
    Grow(left, begin, split, depth + 1);
    Grow(left + 1, split, end, depth + 1);
  }

 private:
  const features::FeatureMatrix& data_;
  std::vector<std::uint32_t>& rows_;
  int max_depth_;
  Random& random_;
  ExtendedTree& tree_;
  std::vector<float> low_;
  std::vector<float> high_;
};

}  // namespace

void ExtendedTree::Derive() {
  const std::size_t nodes = left.size();
  log2_sizes.resize(nodes);
  for (std::size_t node = 0; node < nodes; ++node) {
    log2_sizes[node] = static_cast<float>(std::log2(static_cast<double>(std::max<std::uint32_t>(sizes[node], 1))));
  }
  step_left.resize(nodes);
  step_offset.resize(nodes);
  std::vector<int> node_depth(nodes, 0);
  depth = 0;
  // Children always follow their parent, so one forward sweep sees every parent before its children.
  for (std::size_t node = 0; node < nodes; ++node) {
    if (left[node] < 0) {
      step_left[node] = static_cast<std::uint32_t>(node);
      step_offset[node] = std::numeric_limits<double>::infinity();
      std::fill_n(normals.begin() + static_cast<std::ptrdiff_t>(node * dims), dims, 0.0F);
      depth = std::max(depth, node_depth[node]);
    } else {
      const auto child = static_cast<std::size_t>(left[node]);
      step_left[node] = static_cast<std::uint32_t>(child);
      step_offset[node] = offset[node];
      node_depth[child] = node_depth[child + 1] = node_depth[node] + 1;
    }
  }
}

ExtendedTree BuildExtendedTree(const features::FeatureMatrix& data, std::vector<std::uint32_t> sample, int max_depth,
                               Random& random) {
  ExtendedTree tree;
  tree.dims = data.Cols();
  ExtendedGrower grower(data, sample, max_depth, random, tree);
  grower.AddNode();
  grower.Grow(0, 0, sample.size(), 0);
  tree.Derive();
  return tree;
}

}  // namespace recon::models
