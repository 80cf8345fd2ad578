// What both isolation forests (axis-parallel and extended) must do, run against each.
#include <gtest/gtest.h>

#include <algorithm>

#include "recon/models/extended_isolation_forest/extended_isolation_forest.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"
#include "unit/models/test_data.hpp"

namespace recon::models {
namespace {

template <typename Forest>
class IsolationForestsTest : public ::testing::Test {};

using Forests = ::testing::Types<IsolationForest, ExtendedIsolationForest>;
TYPED_TEST_SUITE(IsolationForestsTest, Forests);

TYPED_TEST(IsolationForestsTest, PlantedOutliersScoreHighest) {
  const auto data = testing::BlobsWithOutliers(2000, 10, 4, 3);
  TypeParam forest({100, 256, 42});
  forest.Fit(data);
  const auto scores = forest.Score(data, 2);
  const double lowest_outlier = *std::min_element(scores.end() - 10, scores.end());
  const double highest_inlier = *std::max_element(scores.begin(), scores.end() - 10);
  EXPECT_GT(lowest_outlier, highest_inlier);
  EXPECT_GT(lowest_outlier, 0.6);
  for (const double score : scores) {
    ASSERT_GT(score, 0.0);
    ASSERT_LT(score, 1.0);
  }
}

TYPED_TEST(IsolationForestsTest, DeterministicAcrossThreadCountsAndSingleRows) {
  const auto data = testing::BlobsWithOutliers(3000, 30, 5, 9);
  TypeParam forest({50, 128, 7});
  forest.Fit(data);
  const auto one = forest.Score(data, 1);
  ASSERT_EQ(forest.Score(data, 4), one);
  for (std::size_t row = 0; row < data.Rows(); row += 97) EXPECT_EQ(forest.ScoreRow(data.Row(row)), one[row]);
  TypeParam again({50, 128, 7});
  again.Fit(data);
  EXPECT_EQ(again.Score(data, 3), one);
  TypeParam other_seed({50, 128, 8});
  other_seed.Fit(data);
  EXPECT_NE(other_seed.Score(data, 1), one);
}

TYPED_TEST(IsolationForestsTest, DuplicateRowsScoreTheSame) {
  auto data = testing::BlobsWithOutliers(500, 0, 3, 1);
  data.AppendRow(data.Row(17));
  TypeParam forest({30, 64, 1});
  forest.Fit(data);
  const auto scores = forest.Score(data, 1);
  EXPECT_EQ(scores[17], scores.back());
}

TYPED_TEST(IsolationForestsTest, ExplanationNamesTheDeviatingFeature) {
  auto data = testing::BlobsWithOutliers(2000, 0, 4, 5);
  const float odd[] = {0.1f, 0.0f, 9.0f, -0.2f};  // only feature 2 is unusual
  data.AppendRow(odd);
  TypeParam forest({100, 256, 42});
  forest.Fit(data);
  const auto contributions = forest.Explain(odd);
  ASSERT_FALSE(contributions.empty());
  EXPECT_EQ(contributions.front().column, 2u);
  double total = 0.0;
  for (const auto& contribution : contributions) total += contribution.share;
  EXPECT_NEAR(total, 1.0, 1e-9);
}

TYPED_TEST(IsolationForestsTest, SaveLoadRoundTripGivesIdenticalScoresAndBytes) {
  const auto data = testing::BlobsWithOutliers(1000, 5, 3, 2);
  TypeParam forest({20, 64, 3});
  forest.Fit(data);
  BinaryWriter first;
  forest.Save(first);
  BinaryReader reader(first.Bytes());
  const auto loaded = LoadDetector(forest.Name(), reader);
  EXPECT_EQ(loaded->Name(), forest.Name());
  EXPECT_EQ(loaded->Score(data, 2), forest.Score(data, 2));
  BinaryWriter second;
  loaded->Save(second);
  EXPECT_EQ(first.Bytes(), second.Bytes());
}

}  // namespace
}  // namespace recon::models
