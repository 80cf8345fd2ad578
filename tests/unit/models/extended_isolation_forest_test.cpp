#include "recon/models/extended_isolation_forest/extended_isolation_forest.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "recon/core/error.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"
#include "unit/models/test_data.hpp"

namespace recon::models {
namespace {

TEST(ExtendedIsolationForestTest, PlantedOutliersScoreHighest) {
  const auto data = testing::BlobsWithOutliers(2000, 10, 4, 3);
  ExtendedIsolationForest forest({100, 256, 42});
  forest.Fit(data);
  const auto scores = forest.Score(data, 2);
  const double lowest_outlier = *std::min_element(scores.end() - 10, scores.end());
  const double highest_inlier = *std::max_element(scores.begin(), scores.end() - 10);
  EXPECT_GT(lowest_outlier, highest_inlier);
  for (const double score : scores) {
    ASSERT_GT(score, 0.0);
    ASSERT_LT(score, 1.0);
  }
}

TEST(ExtendedIsolationForestTest, DeterministicAcrossThreadCountsAndSingleRows) {
  const auto data = testing::BlobsWithOutliers(3000, 30, 5, 9);
  ExtendedIsolationForest forest({50, 128, 7});
  forest.Fit(data);
  const auto one = forest.Score(data, 1);
  ASSERT_EQ(forest.Score(data, 4), one);
  for (std::size_t row = 0; row < data.Rows(); row += 97) EXPECT_EQ(forest.ScoreRow(data.Row(row)), one[row]);
  ExtendedIsolationForest again({50, 128, 7});
  again.Fit(data);
  EXPECT_EQ(again.Score(data, 3), one);
  ExtendedIsolationForest other_seed({50, 128, 8});
  other_seed.Fit(data);
  EXPECT_NE(other_seed.Score(data, 1), one);
}

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

TEST(ExtendedIsolationForestTest, ExplanationNamesTheDeviatingFeature) {
  auto data = testing::BlobsWithOutliers(2000, 0, 4, 5);
  const float odd[] = {0.1f, 0.0f, 9.0f, -0.2f};  // only feature 2 is unusual
  data.AppendRow(odd);
  ExtendedIsolationForest forest({100, 256, 42});
  forest.Fit(data);
  const auto contributions = forest.Explain(odd);
  ASSERT_FALSE(contributions.empty());
  EXPECT_EQ(contributions.front().column, 2u);
  double total = 0.0;
  for (const auto& contribution : contributions) total += contribution.share;
  EXPECT_NEAR(total, 1.0, 1e-9);
}

TEST(ExtendedIsolationForestTest, SaveLoadRoundTripGivesIdenticalScoresAndBytes) {
  const auto data = testing::BlobsWithOutliers(1000, 5, 3, 2);
  ExtendedIsolationForest forest({20, 64, 3});
  forest.Fit(data);
  BinaryWriter first;
  forest.Save(first);
  BinaryReader reader(first.Bytes());
  const auto loaded = LoadDetector("eif", reader);
  EXPECT_EQ(loaded->Name(), "eif");
  EXPECT_EQ(loaded->Score(data, 2), forest.Score(data, 2));
  BinaryWriter second;
  loaded->Save(second);
  EXPECT_EQ(first.Bytes(), second.Bytes());
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
