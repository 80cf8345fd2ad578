#include "recon/models/extended_isolation_forest/extended_isolation_forest.hpp"

#include <algorithm>
#include <cmath>

#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/core/random.hpp"
#include "recon/models/isolation_forest/path_length.hpp"
#include "recon/models/isolation_forest/sampling.hpp"

namespace recon::models {
namespace {

constexpr std::uint32_t kExtendedForestTag = 0x45494652;  // "EIFR"
constexpr std::size_t kScoreBlockRows = 256;

}  // namespace

ExtendedIsolationForest::ExtendedIsolationForest(IsolationForestParams params) : params_(params) {
  params_.Validate();
}

void ExtendedIsolationForest::Fit(const features::FeatureMatrix& data) {
  if (data.Rows() < 2) {
    ThrowInvalidInput("Extended Isolation Forest needs at least 2 training rows, got " + std::to_string(data.Rows()));
  }
  feature_count_ = data.Cols();
  sample_size_ = std::min<std::uint64_t>(static_cast<std::uint64_t>(params_.max_samples), data.Rows());
  normaliser_ = AveragePathLength(sample_size_);
  const int max_depth = static_cast<int>(std::ceil(std::log2(static_cast<double>(sample_size_))));
  trees_.assign(static_cast<std::size_t>(params_.n_estimators), ExtendedTree{});
  ParallelFor(trees_.size(), 1, ResolveThreadCount(0), [&](std::size_t begin, std::size_t end) {
    for (std::size_t tree_idx = begin; tree_idx < end; ++tree_idx) {
      Random random(DeriveSeed(params_.seed, tree_idx));
      auto sample = SampleWithoutReplacement(data.Rows(), sample_size_, random);
      trees_[tree_idx] = BuildExtendedTree(data, std::move(sample), max_depth, random);
    }
  });
}

double ExtendedIsolationForest::ScoreRow(const float* row) const {
  double depth_sum = 0.0;
  for (const ExtendedTree& tree : trees_) depth_sum += tree.PathLength(row);
  return std::exp2(-(depth_sum / static_cast<double>(trees_.size())) / normaliser_);
}

std::vector<double> ExtendedIsolationForest::Score(const features::FeatureMatrix& data, unsigned threads) const {
  if (trees_.empty()) ThrowInternal("Extended Isolation Forest scored before it was fitted");
  if (data.Cols() != feature_count_) {
    ThrowInvalidInput("Extended Isolation Forest was trained on " + std::to_string(feature_count_) +
                      " features, got " + std::to_string(data.Cols()));
  }
  std::vector<double> scores(data.Rows());
  ParallelFor(data.Rows(), kScoreBlockRows, threads, [&](std::size_t begin, std::size_t end) {
    // Tree-major within a block, eight rows in lockstep; each row's depths are summed in tree order, as in
    // ScoreRow, so block and single-row scores are bit-identical.
    constexpr std::size_t kLanes = 8;
    double depth_sums[kScoreBlockRows] = {};
    const float* rows[kScoreBlockRows];
    for (std::size_t row = begin; row < end; ++row) rows[row - begin] = data.Row(row);
    const std::size_t count = end - begin;
    const std::size_t laned = count - count % kLanes;
    for (const ExtendedTree& tree : trees_) {
      for (std::size_t offset = 0; offset < laned; offset += kLanes) {
        tree.AddPathLengths<kLanes>(rows + offset, depth_sums + offset);
      }
      for (std::size_t offset = laned; offset < count; ++offset) depth_sums[offset] += tree.PathLength(rows[offset]);
    }
    for (std::size_t row = begin; row < end; ++row) {
      scores[row] = std::exp2(-(depth_sums[row - begin] / static_cast<double>(trees_.size())) / normaliser_);
    }
  });
  return scores;
}

std::vector<FeatureContribution> ExtendedIsolationForest::Explain(const float* row) const {
  std::vector<double> credit(feature_count_, 0.0);
  std::vector<double> terms(feature_count_);
  for (const ExtendedTree& tree : trees_) {
    std::size_t node = 0;
    while (tree.left[node] >= 0) {
      const std::size_t child = tree.ChildOf(node, row);
      const double gain = tree.log2_sizes[node] - tree.log2_sizes[child];
      const float* normal = &tree.normals[node * feature_count_];
      const float* intercept = &tree.intercepts[node * feature_count_];
      double total = 0.0;
      for (std::size_t dim = 0; dim < feature_count_; ++dim) {
        terms[dim] = std::fabs(static_cast<double>(normal[dim]) * (static_cast<double>(row[dim]) - intercept[dim]));
        total += terms[dim];
      }
      if (gain > 0.0 && total > 0.0) {
        for (std::size_t dim = 0; dim < feature_count_; ++dim) credit[dim] += gain * terms[dim] / total;
      }
      node = child;
    }
  }
  return ContributionsFromCredit(credit);
}

void ExtendedIsolationForest::Save(BinaryWriter& writer) const {
  writer.WriteTag(kExtendedForestTag);
  writer.Write<std::int32_t>(params_.n_estimators);
  writer.Write<std::int32_t>(params_.max_samples);
  writer.Write<std::uint64_t>(params_.seed);
  writer.Write<std::uint64_t>(feature_count_);
  writer.Write<std::uint64_t>(sample_size_);
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
  reader.ExpectTag(kExtendedForestTag, "extended isolation forest");
  IsolationForestParams params;
  params.n_estimators = reader.Read<std::int32_t>("tree count");
  params.max_samples = reader.Read<std::int32_t>("max_samples");
  params.seed = reader.Read<std::uint64_t>("seed");
  try {
    params.Validate();
  } catch (const Error& error) {
    ThrowCorrupt(std::string("model file holds invalid forest settings: ") + error.what());
  }
  auto forest = std::make_unique<ExtendedIsolationForest>(params);
  forest->feature_count_ = reader.Read<std::uint64_t>("feature count");
  forest->sample_size_ = reader.Read<std::uint64_t>("sample size");
  if (forest->feature_count_ == 0 || forest->feature_count_ > 4096 || forest->sample_size_ < 2 ||
      forest->sample_size_ > static_cast<std::uint64_t>(params.max_samples)) {
    ThrowCorrupt("model file holds an implausible forest shape");
  }
  forest->normaliser_ = AveragePathLength(forest->sample_size_);
  forest->trees_.resize(static_cast<std::size_t>(params.n_estimators));
  const std::size_t dims = forest->feature_count_;
  for (ExtendedTree& tree : forest->trees_) {
    tree.dims = dims;
    tree.left = reader.ReadVector<std::int32_t>("tree children");
    const std::size_t nodes = tree.left.size();
    if (nodes == 0 || nodes > 4 * forest->sample_size_ + 4) ThrowCorrupt("model file holds an implausible tree size");
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
