#include "recon/models/isolation_forest/isolation_forest.hpp"

#include <algorithm>
#include <cmath>

#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/core/random.hpp"
#include "recon/models/isolation_forest/path_length.hpp"
#include "recon/models/isolation_forest/sampling.hpp"

namespace recon::models {
namespace {

constexpr std::uint32_t kForestTag = 0x49464F52;  // "IFOR"
constexpr std::size_t kScoreBlockRows = 512;

}  // namespace

void IsolationForestParams::Validate() const {
  if (n_estimators < 1 || n_estimators > 10000)
    ThrowInvalidInput("detector.iforest.n_estimators must be between 1 and 10000");
  if (max_samples < 2 || max_samples > 1'000'000)
    ThrowInvalidInput("detector.iforest.max_samples must be between 2 and 1000000");
}

IsolationForest::IsolationForest(IsolationForestParams params) : params_(params) { params_.Validate(); }

void IsolationForest::Fit(const features::FeatureMatrix& data) {
  if (data.Rows() < 2)
    ThrowInvalidInput("Isolation Forest needs at least 2 training rows, got " + std::to_string(data.Rows()));
  feature_count_ = data.Cols();
  sample_size_ = std::min<std::uint64_t>(static_cast<std::uint64_t>(params_.max_samples), data.Rows());
  normaliser_ = AveragePathLength(sample_size_);
  const int max_depth = static_cast<int>(std::ceil(std::log2(static_cast<double>(sample_size_))));
  trees_.assign(static_cast<std::size_t>(params_.n_estimators), IsolationTree{});
  ParallelFor(trees_.size(), 1, ResolveThreadCount(0), [&](std::size_t begin, std::size_t end) {
    for (std::size_t tree_idx = begin; tree_idx < end; ++tree_idx) {
      Random random(DeriveSeed(params_.seed, tree_idx));
      auto sample = SampleWithoutReplacement(data.Rows(), sample_size_, random);
      trees_[tree_idx] = BuildIsolationTree(data, std::move(sample), max_depth, random);
    }
  });
}

double IsolationForest::ScoreRow(const float* row) const {
  double depth_sum = 0.0;
  for (const IsolationTree& tree : trees_) depth_sum += tree.PathLength(row);
  const double mean_depth = depth_sum / static_cast<double>(trees_.size());
  return std::exp2(-mean_depth / normaliser_);
}

std::vector<double> IsolationForest::Score(const features::FeatureMatrix& data, unsigned threads) const {
  if (trees_.empty()) ThrowInternal("Isolation Forest scored before it was fitted");
  if (data.Cols() != feature_count_) {
    ThrowInvalidInput("Isolation Forest was trained on " + std::to_string(feature_count_) + " features, got " +
                      std::to_string(data.Cols()));
  }
  std::vector<double> scores(data.Rows(), 0.0);
  ParallelFor(data.Rows(), kScoreBlockRows, threads, [&](std::size_t begin, std::size_t end) {
    // Tree-major within a block: each tree's nodes stay hot in cache across the block's rows. Depth sums
    // accumulate in the same tree order as ScoreRow, so block and single-row scores are bit-identical.
    constexpr std::size_t kLanes = 8;
    double depth_sums[kScoreBlockRows] = {};
    const float* rows[kScoreBlockRows];
    for (std::size_t row_idx = begin; row_idx < end; ++row_idx) rows[row_idx - begin] = data.Row(row_idx);
    const std::size_t count = end - begin;
    const std::size_t laned = count - count % kLanes;
    for (const IsolationTree& tree : trees_) {
      for (std::size_t offset = 0; offset < laned; offset += kLanes)
        tree.AddPathLengths<kLanes>(rows + offset, depth_sums + offset);
      for (std::size_t offset = laned; offset < count; ++offset) depth_sums[offset] += tree.PathLength(rows[offset]);
    }
    for (std::size_t row_idx = begin; row_idx < end; ++row_idx) {
      scores[row_idx] = std::exp2(-(depth_sums[row_idx - begin] / static_cast<double>(trees_.size())) / normaliser_);
    }
  });
  return scores;
}

std::vector<FeatureContribution> IsolationForest::Explain(const float* row) const {
  std::vector<double> credit(feature_count_, 0.0);
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
  std::vector<double> credit(kLanes * feature_count_);
  std::vector<double> lane_credit(feature_count_);
  for (std::size_t first = 0; first < laned; first += kLanes) {
    std::fill(credit.begin(), credit.end(), 0.0);
    for (const IsolationTree& tree : trees_) {
      std::uint32_t at[kLanes] = {};
      for (int level = 0; level < tree.depth; ++level) {
        for (std::size_t lane = 0; lane < kLanes; ++lane) {
          const ScoringNode& node = tree.scoring[at[lane]];
          const std::uint32_t child = node.left + (rows[first + lane][node.feature] > node.threshold ? 1u : 0u);
          credit[lane * feature_count_ + node.feature] += tree.log2_sizes[at[lane]] - tree.log2_sizes[child];
          at[lane] = child;
        }
      }
    }
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      std::copy_n(credit.begin() + static_cast<std::ptrdiff_t>(lane * feature_count_), feature_count_,
                  lane_credit.begin());
      out[first + lane] = ContributionsFromCredit(lane_credit);
    }
  }
  for (std::size_t idx = laned; idx < rows.size(); ++idx) out[idx] = Explain(rows[idx]);
}

void IsolationForest::Save(BinaryWriter& writer) const {
  writer.WriteTag(kForestTag);
  writer.Write<std::int32_t>(params_.n_estimators);
  writer.Write<std::int32_t>(params_.max_samples);
  writer.Write<std::uint64_t>(params_.seed);
  writer.Write<std::uint64_t>(feature_count_);
  writer.Write<std::uint64_t>(sample_size_);
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
  reader.ExpectTag(kForestTag, "isolation forest");
  IsolationForestParams params;
  params.n_estimators = reader.Read<std::int32_t>("tree count");
  params.max_samples = reader.Read<std::int32_t>("max_samples");
  params.seed = reader.Read<std::uint64_t>("seed");
  try {
    params.Validate();
  } catch (const Error& error) {
    ThrowCorrupt(std::string("model file holds invalid forest settings: ") + error.what());
  }
  auto forest = std::make_unique<IsolationForest>(params);
  forest->feature_count_ = reader.Read<std::uint64_t>("feature count");
  forest->sample_size_ = reader.Read<std::uint64_t>("sample size");
  if (forest->feature_count_ == 0 || forest->feature_count_ > 4096 || forest->sample_size_ < 2 ||
      forest->sample_size_ > static_cast<std::uint64_t>(params.max_samples)) {
    ThrowCorrupt("model file holds an implausible forest shape");
  }
  forest->normaliser_ = AveragePathLength(forest->sample_size_);
  forest->trees_.resize(static_cast<std::size_t>(params.n_estimators));
  for (IsolationTree& tree : forest->trees_) {
    const auto node_count = reader.Read<std::uint64_t>("node count");
    constexpr std::size_t kNodeBytes = 16;  // threshold, feature, left, leaf depth
    if (node_count == 0 || node_count > 4 * forest->sample_size_ + 4 || node_count > reader.Remaining() / kNodeBytes)
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
          node.feature >= 0 && (static_cast<std::size_t>(node.feature) >= forest->feature_count_ ||
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
