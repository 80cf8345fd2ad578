#include "recon/models/isolation_forest/isolation_forest.hpp"

#include <gtest/gtest.h>

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
