#include "recon/pipeline/anomaly_rows.hpp"

#include <gtest/gtest.h>

#include "recon/io/csv_reader.hpp"
#include "support/temp_dir.hpp"

namespace recon::pipeline {
namespace {

TEST(NaturalKeysTest, IdenticalRowsGetDistinctKeysAndReplaysTheSameKeys) {
  testing::TempDir dir;
  const auto path = dir.Write("a.csv", "a,b\n1,x\n1,x\n2,x\n1,x\n");
  auto keys_of_file = [&] {
    io::CsvReader reader(path, {});
    io::RawBatch raw;
    reader.Next(raw);
    NaturalKeys keys;
    std::vector<std::string> out;
    for (std::size_t row = 0; row < raw.RowCount(); ++row) out.push_back(keys.KeyOf(raw, row));
    return out;
  };
  const auto first = keys_of_file();
  ASSERT_EQ(first.size(), 4u);
  EXPECT_NE(first[0], first[1]);
  EXPECT_EQ(first[1], first[0] + "#1");
  EXPECT_EQ(first[3], first[0] + "#2");
  EXPECT_EQ(first[0].size(), 64u);
  EXPECT_EQ(keys_of_file(), first);
}

TEST(ExplanationTest, TopFeaturesWithValuesAndShares) {
  const std::vector<models::FeatureContribution> contributions = {{1, 0.5}, {0, 0.3}, {2, 0.15}, {3, 0.05}};
  const std::vector<std::string> names = {"a", "b", "c", "d"};
  const float row[] = {1.5f, 7.0f, 0.25f, 9.0f};
  EXPECT_EQ(FormatExplanation(contributions, names, row, 3), "b=7 (50%); a=1.5 (30%); c=0.25 (15%)");
}

}  // namespace
}  // namespace recon::pipeline
