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

TEST(ExplanationTest, FormatsLikePrintfGeneralNotation) {
  const std::vector<models::FeatureContribution> contributions = {{0, 0.995}, {1, 0.0049}, {2, 0.0001}};
  const std::vector<std::string> names = {"big", "small", "negative"};
  const float row[] = {12345678.0f, 0.000012345f, -3.0f};
  EXPECT_EQ(FormatExplanation(contributions, names, row, 3),
            "big=1.23457e+07 (100%); small=1.2345e-05 (0%); negative=-3 (0%)");
}

TEST(RowJsonTest, EscapesTextAndReplacesInvalidUtf8) {
  testing::TempDir dir;
  const auto path = dir.Write("a.csv",
                              "id,note\n"
                              "1,\"say \"\"hi\"\"\\ back\\slash\ttab\nline\"\n"
                              "2,caf\xC3\xA9 \xFF end\x01\n");
  io::CsvReader reader(path, {});
  io::RawBatch raw;
  ASSERT_TRUE(reader.Next(raw));
  ASSERT_EQ(raw.RowCount(), 2u);
  const std::vector<std::string> header = {"id", "note"};
  EXPECT_EQ(RowJson(raw, 0, header), R"({"id":"1","note":"say \"hi\"\\ back\\slash\ttab\nline"})");
  EXPECT_EQ(RowJson(raw, 1, header), "{\"id\":\"2\",\"note\":\"caf\xC3\xA9 \xEF\xBF\xBD end\\u0001\"}");
}

}  // namespace
}  // namespace recon::pipeline
