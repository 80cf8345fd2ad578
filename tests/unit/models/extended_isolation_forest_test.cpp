#include "recon/models/extended_isolation_forest/extended_isolation_forest.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>

#include "recon/core/error.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"
#include "unit/models/test_data.hpp"

namespace recon::models {
namespace {

// The reason for hyperplane splits: around an isotropic Gaussian, axis-parallel cuts score a point on a
// diagonal as less anomalous than a point on an axis at the same distance from the centre (a point on a diagonal
// is less extreme in each coordinate); random directions depend on the direction much less. Averaged over four
// data sets and seeds, since a single forest's figure is noisy.
TEST(ExtendedIsolationForestTest, ScoresDependLessOnDirectionThanAxisParallelSplits) {
  // Mean score of directions within 10 degrees of a diagonal minus that within 10 degrees of an axis, at a
  // radius of 2 standard deviations.
  auto diagonal_minus_axis = [](const auto& forest) {
    double diagonal = 0.0;
    double axis = 0.0;
    for (int quadrant = 0; quadrant < 4; ++quadrant) {
      for (int step = -10; step <= 10; ++step) {
        const double axis_angle = (90.0 * quadrant + step) * std::numbers::pi / 180.0;
        const double diagonal_angle = (90.0 * quadrant + 45.0 + step) * std::numbers::pi / 180.0;
        const float on_axis[] = {static_cast<float>(2.0 * std::cos(axis_angle)),
                                 static_cast<float>(2.0 * std::sin(axis_angle))};
        const float on_diagonal[] = {static_cast<float>(2.0 * std::cos(diagonal_angle)),
                                     static_cast<float>(2.0 * std::sin(diagonal_angle))};
        axis += forest.ScoreRow(on_axis);
        diagonal += forest.ScoreRow(on_diagonal);
      }
    }
    return (diagonal - axis) / 84.0;
  };
  double axis_parallel_gap = 0.0;
  double extended_gap = 0.0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    features::FeatureMatrix data(0, {"x", "y"});  // the same density in every direction
    Random random(100 + seed);
    for (int idx = 0; idx < 4000; ++idx) {
      const float point[] = {static_cast<float>(random.Normal()), static_cast<float>(random.Normal())};
      data.AppendRow(point);
    }
    IsolationForest axis_parallel({300, 256, seed});
    ExtendedIsolationForest extended({300, 256, seed});
    axis_parallel.Fit(data);
    extended.Fit(data);
    axis_parallel_gap += diagonal_minus_axis(axis_parallel) / 4.0;
    extended_gap += diagonal_minus_axis(extended) / 4.0;
  }
  EXPECT_LT(axis_parallel_gap, -0.004);
  EXPECT_LT(std::fabs(extended_gap), 0.6 * std::fabs(axis_parallel_gap))
      << "iforest " << axis_parallel_gap << ", eif " << extended_gap;
}

TEST(ExtendedIsolationForestTest, MalformedTreesAreRefused) {
  const auto data = testing::BlobsWithOutliers(200, 0, 2, 2);
  ExtendedIsolationForest forest({2, 16, 3});
  forest.Fit(data);
  BinaryWriter writer;
  forest.Save(writer);
  std::string bytes = writer.Bytes();
  // Point the root's left child back at the root (a cycle): the first tree's children follow tag(4) +
  // params(4+4+8) + feature count(8) + sample size(8) + the vector's length(8).
  const std::size_t root_left = 4 + 16 + 16 + 8;
  const std::int32_t cycle = 0;
  std::memcpy(bytes.data() + root_left, &cycle, sizeof cycle);
  BinaryReader reader(bytes);
  EXPECT_THROW(ExtendedIsolationForest::Load(reader), Error);
  BinaryReader truncated(std::string_view(writer.Bytes()).substr(0, writer.Bytes().size() / 2));
  EXPECT_THROW(ExtendedIsolationForest::Load(truncated), Error);
}

}  // namespace
}  // namespace recon::models
