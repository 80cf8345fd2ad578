#include "recon/models/isolation_forest/isolation_forest.hpp"

#include <algorithm>
#include <cmath>

#include "recon/core/error.hpp"
#include "recon/models/isolation_forest/sampling.hpp"

namespace recon::models {
namespace {

constexpr std::uint32_t kForestTag = 0x49464F52;  // "IFOR"

}  // namespace

void IsolationForestParams::Validate() const {
  if (n_estimators < 1 || n_estimators > 10000)
    ThrowInvalidInput("detector.iforest.n_estimators must be between 1 and 10000");
  if (max_samples < 2 || max_samples > 1'000'000)
    ThrowInvalidInput("detector.iforest.max_samples must be between 2 and 1000000");
  // numpy's RandomState, whose draws the forest reproduces, takes 32-bit seeds.
  if (seed > 0xFFFFFFFFULL) ThrowInvalidInput("detector.iforest.seed must be between 0 and 4294967295");
}

IsolationForest::IsolationForest(IsolationForestParams params) : params_(params) { params_.Validate(); }

void IsolationForest::Fit(const features::FeatureMatrix& data) {
  shape_ = ShapeForFit(params_, data, "Isolation Forest");
  // The draws of scikit-learn's IsolationForest(random_state=seed): one RandomState gives each tree a seed; from
  // that seed one RandomState gives the tree's own seed (BaseEnsemble._set_random_states) and another its rows
  // (bagging); the tree's RandomState then seeds the splitter. Same seed, same trees as scikit-learn.
  constexpr std::uint64_t kMaxInt32 = 0x7FFFFFFF;
  NumpyRandomState bagging(static_cast<std::uint32_t>(params_.seed));
  std::vector<std::uint32_t> tree_seeds(static_cast<std::size_t>(params_.n_estimators));
  for (std::uint32_t& tree_seed : tree_seeds) tree_seed = bagging.RandInt(kMaxInt32);
  trees_ = GrowTrees<IsolationTree>(tree_seeds.size(), [&](std::size_t tree_idx) {
    NumpyRandomState estimator(tree_seeds[tree_idx]);
    NumpyRandomState splitter_seed(estimator.RandInt(kMaxInt32));
    NumpyRandomState rows(tree_seeds[tree_idx]);
    auto sample = SampleLikeScikitLearn(data.Rows(), shape_.sample_size, rows);
    SklearnTreeRandom random(splitter_seed.RandInt(SklearnTreeRandom::kRandRMax));
    return BuildIsolationTree(data, std::move(sample), shape_.MaxDepth(), random);
  });
}

double IsolationForest::ScoreRow(const float* row) const { return ScoreOneRow(trees_, shape_, row); }

std::vector<double> IsolationForest::Score(const features::FeatureMatrix& data, unsigned threads) const {
  return ScoreInBlocks(trees_, shape_, data, threads, "Isolation Forest");
}

std::vector<FeatureContribution> IsolationForest::Explain(const float* row) const {
  std::vector<double> credit(shape_.feature_count, 0.0);
  for (const IsolationTree& tree : trees_) {
    std::uint32_t node_idx = 0;
    while (tree.nodes[node_idx].feature >= 0) {
      const IsolationNode& node = tree.nodes[node_idx];
      const std::uint32_t child = node.left + (row[node.feature] > node.threshold ? 1u : 0u);
      credit[static_cast<std::size_t>(node.feature)] += tree.log2_sizes[node_idx] - tree.log2_sizes[child];
      node_idx = child;
    }
  }
  return ContributionsFromCredit(credit);
}

void IsolationForest::ExplainRows(std::span<const float* const> rows,
                                  std::span<std::vector<FeatureContribution>> out) const {
  // Eight rows walk each tree in lockstep over the scoring form, where a leaf leads to itself with zero credit:
  // their node loads overlap, and every feature's credit is summed in the same tree order as Explain, so the
  // result is bit-identical.
  constexpr std::size_t kLanes = 8;
  const std::size_t laned = rows.size() - rows.size() % kLanes;
  std::vector<double> credit(kLanes * shape_.feature_count);
  std::vector<double> lane_credit(shape_.feature_count);
  for (std::size_t first = 0; first < laned; first += kLanes) {
    std::fill(credit.begin(), credit.end(), 0.0);
    for (const IsolationTree& tree : trees_) {
      std::uint32_t at[kLanes] = {};
      for (int level = 0; level < tree.depth; ++level) {
        for (std::size_t lane = 0; lane < kLanes; ++lane) {
          const ScoringNode& node = tree.scoring[at[lane]];
          const std::uint32_t child = node.left + (rows[first + lane][node.feature] > node.threshold ? 1u : 0u);
          credit[lane * shape_.feature_count + node.feature] += tree.log2_sizes[at[lane]] - tree.log2_sizes[child];
          at[lane] = child;
        }
      }
    }
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      std::copy_n(credit.begin() + static_cast<std::ptrdiff_t>(lane * shape_.feature_count), shape_.feature_count,
                  lane_credit.begin());
      out[first + lane] = ContributionsFromCredit(lane_credit);
    }
  }
  for (std::size_t idx = laned; idx < rows.size(); ++idx) out[idx] = Explain(rows[idx]);
}

void IsolationForest::Save(BinaryWriter& writer) const {
  WriteForestHeader(writer, kForestTag, params_, shape_);
  for (const IsolationTree& tree : trees_) {
    writer.Write<std::uint64_t>(tree.nodes.size());
    for (const IsolationNode& node : tree.nodes) {
      writer.Write(node.threshold);
      writer.Write(node.feature);
      writer.Write(node.left);
      writer.Write(node.leaf_depth);
    }
    writer.WriteVector(tree.sizes);
  }
}

std::unique_ptr<IsolationForest> IsolationForest::Load(BinaryReader& reader) {
  IsolationForestParams params;
  ForestShape shape;
  ReadForestHeader(reader, kForestTag, "isolation forest", params, shape);
  auto forest = std::make_unique<IsolationForest>(params);
  forest->shape_ = shape;
  forest->trees_.resize(static_cast<std::size_t>(params.n_estimators));
  for (IsolationTree& tree : forest->trees_) {
    const auto node_count = reader.Read<std::uint64_t>("node count");
    constexpr std::size_t kNodeBytes = 16;  // threshold, feature, left, leaf depth
    if (node_count == 0 || node_count > 4 * shape.sample_size + 4 || node_count > reader.Remaining() / kNodeBytes)
      ThrowCorrupt("model file holds an implausible tree size");
    tree.nodes.resize(node_count);
    for (std::size_t node_idx = 0; node_idx < node_count; ++node_idx) {
      IsolationNode& node = tree.nodes[node_idx];
      node.threshold = reader.Read<float>("node threshold");
      node.feature = reader.Read<std::int32_t>("node feature");
      node.left = reader.Read<std::uint32_t>("node child");
      node.leaf_depth = reader.Read<float>("leaf depth");
      // Children must exist and come after their parent, so every path ends at a leaf.
      const bool bad_internal =
          node.feature >= 0 && (static_cast<std::size_t>(node.feature) >= shape.feature_count ||
                                node.left <= node_idx || std::uint64_t{node.left} + 1 >= node_count);
      if (bad_internal || node.feature < -1 || !std::isfinite(node.leaf_depth))
        ThrowCorrupt("model file holds a malformed tree node");
    }
    tree.sizes = reader.ReadVector<std::uint32_t>("node sizes");
    if (tree.sizes.size() != node_count) ThrowCorrupt("model file holds inconsistent tree sizes");
    tree.Derive();
  }
  return forest;
}

}  // namespace recon::models
