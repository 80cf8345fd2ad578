#pragma once
// What the two isolation forests (axis-parallel and extended) share beyond their trees: the shape a fit derives
// from the settings and the data (sub-sample size psi, c(psi), depth limit), growing the trees from per-tree
// streams, scoring in blocks of rows, and the header of their model-file section. A tree type only needs
// PathLength(row) and AddPathLengths<8>(rows, sums), both giving the same path lengths.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "recon/core/binary_io.hpp"
#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/features/feature_matrix.hpp"
#include "recon/models/isolation_forest/params.hpp"

namespace recon::models {

struct ForestShape {
  std::size_t feature_count = 0;
  std::uint64_t sample_size = 0;  ///< psi: max_samples capped at the training rows
  double normaliser = 1.0;        ///< c(psi)
  /// ceil(log2 psi), the depth limit of Liu et al.
  int MaxDepth() const { return static_cast<int>(std::ceil(std::log2(static_cast<double>(sample_size)))); }
};

/// The shape of a forest fitted on `data`; throws InvalidInput (naming `forest`) under 2 rows.
ForestShape ShapeForFit(const IsolationForestParams& params, const features::FeatureMatrix& data,
                        const std::string& forest);

/// Grows `count` trees in parallel, tree i as build_one(i); each tree draws from its own streams, so the forest is
/// the same on any thread count.
template <typename Tree, typename BuildOne>
std::vector<Tree> GrowTrees(std::size_t count, BuildOne build_one) {
  std::vector<Tree> trees(count);
  ParallelFor(trees.size(), 1, ResolveThreadCount(0), [&](std::size_t begin, std::size_t end) {
    for (std::size_t tree_idx = begin; tree_idx < end; ++tree_idx) trees[tree_idx] = build_one(tree_idx);
  });
  return trees;
}

/// s(x) = 2^(-E[h(x)] / c(psi)) from the sum of a row's path lengths over the trees.
inline double ScoreFromDepthSum(double depth_sum, std::size_t trees, const ForestShape& shape) {
  return std::exp2(-(depth_sum / static_cast<double>(trees)) / shape.normaliser);
}

/// Score of one row: path lengths summed in tree order.
template <typename Tree>
double ScoreOneRow(const std::vector<Tree>& trees, const ForestShape& shape, const float* row) {
  double depth_sum = 0.0;
  for (const Tree& tree : trees) depth_sum += tree.PathLength(row);
  return ScoreFromDepthSum(depth_sum, trees.size(), shape);
}

/// Scores of every row, on `threads` threads. Tree-major within blocks of rows (a tree's nodes stay in cache across
/// the block), eight rows walking a tree in lockstep; each row's path lengths are summed in tree order, so the
/// scores are bit-identical to ScoreOneRow's.
template <typename Tree>
std::vector<double> ScoreInBlocks(const std::vector<Tree>& trees, const ForestShape& shape,
                                  const features::FeatureMatrix& data, unsigned threads, const std::string& forest) {
  if (trees.empty()) ThrowInternal(forest + " scored before it was fitted");
  if (data.Cols() != shape.feature_count) {
    ThrowInvalidInput(forest + " was trained on " + std::to_string(shape.feature_count) + " features, got " +
                      std::to_string(data.Cols()));
  }
  constexpr std::size_t kBlockRows = 512;
  constexpr std::size_t kLanes = 8;
  std::vector<double> scores(data.Rows(), 0.0);
  ParallelFor(data.Rows(), kBlockRows, threads, [&](std::size_t begin, std::size_t end) {
    double depth_sums[kBlockRows] = {};
    const float* rows[kBlockRows];
    for (std::size_t row_idx = begin; row_idx < end; ++row_idx) rows[row_idx - begin] = data.Row(row_idx);
    const std::size_t count = end - begin;
    const std::size_t laned = count - count % kLanes;
    for (const Tree& tree : trees) {
      for (std::size_t offset = 0; offset < laned; offset += kLanes) {
        tree.template AddPathLengths<kLanes>(rows + offset, depth_sums + offset);
      }
      for (std::size_t offset = laned; offset < count; ++offset) depth_sums[offset] += tree.PathLength(rows[offset]);
    }
    for (std::size_t row_idx = begin; row_idx < end; ++row_idx) {
      scores[row_idx] = ScoreFromDepthSum(depth_sums[row_idx - begin], trees.size(), shape);
    }
  });
  return scores;
}

/// Writes the section header: tag, settings and shape.
void WriteForestHeader(BinaryWriter& writer, std::uint32_t tag, const IsolationForestParams& params,
                       const ForestShape& shape);

/// Reads what WriteForestHeader wrote into `params` and `shape`; throws Corrupt on a foreign tag, invalid settings
/// or an implausible shape. `what` names the section in messages.
void ReadForestHeader(BinaryReader& reader, std::uint32_t tag, const char* what, IsolationForestParams& params,
                      ForestShape& shape);

}  // namespace recon::models
