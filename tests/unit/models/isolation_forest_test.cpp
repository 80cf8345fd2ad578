#include "recon/models/isolation_forest/isolation_forest.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "recon/core/error.hpp"
#include "recon/models/isolation_forest/path_length.hpp"
#include "unit/models/test_data.hpp"

namespace recon::models {
namespace {

TEST(PathLengthTest, ClosedForm) {
  EXPECT_EQ(AveragePathLength(0), 0.0);
  EXPECT_EQ(AveragePathLength(1), 0.0);
  EXPECT_EQ(AveragePathLength(2), 1.0);
  // c(256) = 2 H(255) - 2 * 255 / 256 with H(i) = ln(i) + gamma: the constant of the original paper.
  EXPECT_NEAR(AveragePathLength(256), 2.0 * (std::log(255.0) + 0.5772156649015329) - 2.0 * 255.0 / 256.0, 1e-12);
  EXPECT_NEAR(AveragePathLength(256), 10.2448, 1e-3);
}

TEST(IsolationForestTest, PlantedOutliersScoreHighest) {
  const auto data = testing::BlobsWithOutliers(2000, 10, 4, 3);
  IsolationForest forest({100, 256, 42});
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

TEST(IsolationForestTest, DeterministicAcrossThreadCountsAndSingleRows) {
  const auto data = testing::BlobsWithOutliers(3000, 30, 5, 9);
  IsolationForest forest({50, 128, 7});
  forest.Fit(data);
  const auto one = forest.Score(data, 1);
  const auto many = forest.Score(data, 4);
  ASSERT_EQ(one, many);
  for (std::size_t row = 0; row < data.Rows(); row += 97) EXPECT_EQ(forest.ScoreRow(data.Row(row)), one[row]);
  IsolationForest again({50, 128, 7});
  again.Fit(data);
  EXPECT_EQ(again.Score(data, 3), one);
  IsolationForest other_seed({50, 128, 8});
  other_seed.Fit(data);
  EXPECT_NE(other_seed.Score(data, 1), one);
}

TEST(IsolationForestTest, DuplicateRowsScoreTheSame) {
  auto data = testing::BlobsWithOutliers(500, 0, 3, 1);
  data.AppendRow(data.Row(17));
  IsolationForest forest({30, 64, 1});
  forest.Fit(data);
  const auto scores = forest.Score(data, 1);
  EXPECT_EQ(scores[17], scores.back());
}

TEST(IsolationForestTest, ExplanationNamesTheDeviatingFeature) {
  auto data = testing::BlobsWithOutliers(2000, 0, 4, 5);
  const float odd[] = {0.1f, 0.0f, 9.0f, -0.2f};  // only feature 2 is unusual
  data.AppendRow(odd);
  IsolationForest forest({100, 256, 42});
  forest.Fit(data);
  const auto contributions = forest.Explain(odd);
  ASSERT_FALSE(contributions.empty());
  EXPECT_EQ(contributions.front().column, 2u);
  double total = 0.0;
  for (const auto& contribution : contributions) total += contribution.share;
  EXPECT_NEAR(total, 1.0, 1e-9);
}

// The lockstep walk over eight rows at a time must give exactly what one Explain per row gives, for a count
// that leaves a remainder after the blocks of eight.
TEST(IsolationForestTest, ExplainRowsEqualsOneExplainPerRow) {
  const auto data = testing::BlobsWithOutliers(1500, 20, 6, 11);
  IsolationForest forest({60, 256, 3});
  forest.Fit(data);
  std::vector<const float*> rows;
  for (std::size_t row = 0; row < data.Rows(); row += 71) rows.push_back(data.Row(row));
  rows.push_back(data.Row(data.Rows() - 1));
  ASSERT_NE(rows.size() % 8, 0u);
  std::vector<std::vector<FeatureContribution>> together(rows.size());
  forest.ExplainRows(rows, together);
  for (std::size_t idx = 0; idx < rows.size(); ++idx) {
    const auto alone = forest.Explain(rows[idx]);
    ASSERT_EQ(together[idx].size(), alone.size()) << idx;
    for (std::size_t rank = 0; rank < alone.size(); ++rank) {
      EXPECT_EQ(together[idx][rank].column, alone[rank].column) << idx;
      EXPECT_EQ(together[idx][rank].share, alone[rank].share) << idx;
    }
  }
}

TEST(IsolationForestTest, SaveLoadRoundTripGivesIdenticalScoresAndBytes) {
  const auto data = testing::BlobsWithOutliers(1000, 5, 3, 2);
  IsolationForest forest({20, 64, 3});
  forest.Fit(data);
  BinaryWriter first;
  forest.Save(first);
  BinaryReader reader(first.Bytes());
  const auto loaded = IsolationForest::Load(reader);
  EXPECT_EQ(loaded->Score(data, 2), forest.Score(data, 2));
  BinaryWriter second;
  loaded->Save(second);
  EXPECT_EQ(first.Bytes(), second.Bytes());
}

TEST(IsolationForestTest, MalformedTreesAreRefused) {
  const auto data = testing::BlobsWithOutliers(200, 0, 2, 2);
  IsolationForest forest({2, 16, 3});
  forest.Fit(data);
  BinaryWriter writer;
  forest.Save(writer);
  std::string bytes = writer.Bytes();
  // Point the root's left child back at the root (a cycle): the root node starts after tag(4) + params(4+4+8)
  // + feature count(8) + sample size(8) + node count(8); its `left` field follows threshold and feature.
  const std::size_t root_left = 4 + 16 + 16 + 8 + 4 + 4;
  const std::uint32_t cycle = 0;
  std::memcpy(bytes.data() + root_left, &cycle, sizeof cycle);
  BinaryReader reader(bytes);
  EXPECT_THROW(IsolationForest::Load(reader), Error);
  BinaryReader truncated(std::string_view(writer.Bytes()).substr(0, writer.Bytes().size() / 2));
  EXPECT_THROW(IsolationForest::Load(truncated), Error);
}

}  // namespace
}  // namespace recon::models
