#include "recon/models/extended_isolation_forest/extended_isolation_forest.hpp"

#include <algorithm>
#include <cmath>

#include "recon/core/error.hpp"
#include "recon/core/random.hpp"
#include "recon/models/isolation_forest/sampling.hpp"

namespace recon::models {
namespace {

constexpr std::uint32_t kExtendedForestTag = 0x45494652;  // "EIFR"

}  // namespace

ExtendedIsolationForest::ExtendedIsolationForest(IsolationForestParams params) : params_(params) {
  params_.Validate();
}

void ExtendedIsolationForest::Fit(const features::FeatureMatrix& data) {
  shape_ = ShapeForFit(params_, data, "Extended Isolation Forest");
  // Tree i draws its sub-sample and hyperplanes from its own stream of the seed.
  trees_ = GrowTrees<ExtendedTree>(static_cast<std::size_t>(params_.n_estimators), [&](std::size_t tree_idx) {
    Random random(DeriveSeed(params_.seed, tree_idx));
    auto sample = SampleWithoutReplacement(data.Rows(), shape_.sample_size, random);
    return BuildExtendedTree(data, std::move(sample), shape_.MaxDepth(), random);
  });
}

double ExtendedIsolationForest::ScoreRow(const float* row) const { return ScoreOneRow(trees_, shape_, row); }

std::vector<double> ExtendedIsolationForest::Score(const features::FeatureMatrix& data, unsigned threads) const {
  return ScoreInBlocks(trees_, shape_, data, threads, "Extended Isolation Forest");
}

std::vector<FeatureContribution> ExtendedIsolationForest::Explain(const float* row) const {
  std::vector<double> credit(shape_.feature_count, 0.0);
  std::vector<double> terms(shape_.feature_count);
  for (const ExtendedTree& tree : trees_) {
    std::size_t node = 0;
    while (tree.left[node] >= 0) {
      const std::size_t child = tree.ChildOf(node, row);
      const double gain = tree.log2_sizes[node] - tree.log2_sizes[child];
      const float* normal = &tree.normals[node * shape_.feature_count];
      const float* intercept = &tree.intercepts[node * shape_.feature_count];
      double total = 0.0;
      for (std::size_t dim = 0; dim < shape_.feature_count; ++dim) {
        terms[dim] = std::fabs(static_cast<double>(normal[dim]) * (static_cast<double>(row[dim]) - intercept[dim]));
        total += terms[dim];
      }
      if (gain > 0.0 && total > 0.0) {
        for (std::size_t dim = 0; dim < shape_.feature_count; ++dim) credit[dim] += gain * terms[dim] / total;
      }
      node = child;
    }
  }
  return ContributionsFromCredit(credit);
}

void ExtendedIsolationForest::Save(BinaryWriter& writer) const {
  WriteForestHeader(writer, kExtendedForestTag, params_, shape_);
  for (const ExtendedTree& tree : trees_) {
    writer.WriteVector(tree.left);
    writer.WriteVector(tree.offset);
    writer.WriteVector(tree.leaf_depth);
    writer.WriteVector(tree.sizes);
    writer.WriteVector(tree.normals);
    writer.WriteVector(tree.intercepts);
  }
}

std::unique_ptr<ExtendedIsolationForest> ExtendedIsolationForest::Load(BinaryReader& reader) {
  IsolationForestParams params;
  ForestShape shape;
  ReadForestHeader(reader, kExtendedForestTag, "extended isolation forest", params, shape);
  auto forest = std::make_unique<ExtendedIsolationForest>(params);
  forest->shape_ = shape;
  forest->trees_.resize(static_cast<std::size_t>(params.n_estimators));
  const std::size_t dims = shape.feature_count;
  for (ExtendedTree& tree : forest->trees_) {
    tree.dims = dims;
    tree.left = reader.ReadVector<std::int32_t>("tree children");
    const std::size_t nodes = tree.left.size();
    if (nodes == 0 || nodes > 4 * shape.sample_size + 4) ThrowCorrupt("model file holds an implausible tree size");
    tree.offset = reader.ReadVector<double>("split offsets");
    tree.leaf_depth = reader.ReadVector<float>("leaf depths");
    tree.sizes = reader.ReadVector<std::uint32_t>("node sizes");
    tree.normals = reader.ReadVector<float>("split normals");
    tree.intercepts = reader.ReadVector<float>("split points");
    if (tree.offset.size() != nodes || tree.leaf_depth.size() != nodes || tree.sizes.size() != nodes ||
        tree.normals.size() != nodes * dims || tree.intercepts.size() != nodes * dims) {
      ThrowCorrupt("model file holds inconsistent tree arrays");
    }
    for (std::size_t node = 0; node < nodes; ++node) {
      // Children must exist and come after their parent, so every path ends at a leaf.
      const std::int32_t child = tree.left[node];
      const bool bad_child = child != -1 && (child < 0 || static_cast<std::size_t>(child) <= node ||
                                             static_cast<std::size_t>(child) + 1 >= nodes);
      if (bad_child || !std::isfinite(tree.offset[node]) || !std::isfinite(tree.leaf_depth[node])) {
        ThrowCorrupt("model file holds a malformed tree node");
      }
    }
    const auto finite = [](float value) { return std::isfinite(value); };
    if (!std::all_of(tree.normals.begin(), tree.normals.end(), finite) ||
        !std::all_of(tree.intercepts.begin(), tree.intercepts.end(), finite)) {
      ThrowCorrupt("model file holds a malformed split hyperplane");
    }
    tree.Derive();
  }
  return forest;
}

}  // namespace recon::models
