#include "recon/features/distinct_rows.hpp"

#include <gtest/gtest.h>

namespace recon::features {
namespace {

TEST(DistinctRowsTest, CollapsesIdenticalRowsAndScattersBack) {
  FeatureMatrix matrix(0, {"a", "b"});
  const float rows[][2] = {{0, 0}, {1, 2}, {0, 0}, {1, 2}, {3, 4}, {0, 0}};
  for (const auto& row : rows) matrix.AppendRow(row);
  const DistinctRows distinct = FindDistinctRows(matrix);
  ASSERT_EQ(distinct.rows.Rows(), 3u);
  EXPECT_EQ(distinct.index_of, (std::vector<std::uint32_t>{0, 1, 0, 1, 2, 0}));
  const std::vector<int> per_distinct = {10, 20, 30};
  EXPECT_EQ(ScatterToRows(per_distinct, distinct), (std::vector<int>{10, 20, 10, 20, 30, 10}));
}

}  // namespace
}  // namespace recon::features
