#include "recon/pipeline/anomaly_rows.hpp"

#include <gtest/gtest.h>

#include "recon/io/csv_reader.hpp"
#include "recon/io/record_batch.hpp"
#include "support/temp_dir.hpp"

namespace recon::pipeline {
namespace {

// Rows of one trade each: every field set, `variant` changing the street quantity.
io::RecordBatch Trades(const std::vector<int>& variants) {
  io::RecordBatch records;
  records.Resize(variants.size());
  for (std::size_t row = 0; row < variants.size(); ++row) {
    for (const FieldInfo& info : AllFields()) {
      switch (info.type) {
        case FieldType::kNumber: records.SetNumber(info.field, row, 100.5); break;
        case FieldType::kDate: records.SetDate(info.field, row, 20100); break;
        case FieldType::kText: records.SetTextCopy(info.field, row, std::string(info.key)); break;
      }
    }
    records.SetNumber(Field::kStreetQuantity, row, 90.0 + variants[row]);
    records.SetOrigin(row, row + 2, static_cast<std::uint32_t>(row));
  }
  return records;
}

TEST(NaturalKeysTest, IdenticalTradesGetDistinctKeysAndReplaysTheSameKeys) {
  const io::RecordBatch records = Trades({1, 1, 2, 1});
  auto keys_of_batch = [&] {
    NaturalKeys keys;
    std::vector<std::string> out;
    for (std::size_t row = 0; row < records.RowCount(); ++row) out.push_back(keys.KeyOf(records, row));
    return out;
  };
  const auto first = keys_of_batch();
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[0].size(), 64u);
  EXPECT_EQ(first[1], first[0] + "#1");
  EXPECT_NE(first[2].substr(0, 64), first[0]);
  EXPECT_EQ(first[3], first[0] + "#2");
  EXPECT_EQ(keys_of_batch(), first);
}

TEST(TradeKeyTest, IsTheTradesFieldsNotWhereOrHowTheyWereWritten) {
  io::RecordBatch records = Trades({1, 1, 1, 1, 1, 1});
  records.SetOrigin(1, 999, 7);                              // another line of another file
  records.SetNumber(Field::kStreetQuantity, 2, 91.0000000);  // the same number, written otherwise
  records.SetNumber(Field::kBookPrice, 3, 100.50000001);     // another price
  records.SetTextCopy(Field::kComment, 4, "comment ");       // another comment
  records.SetDate(Field::kSettlementDate, 5, 20101);         // another settlement date
  for (std::size_t row = 1; row < records.RowCount(); ++row) records.SetNumber(Field::kQuantityDiff, row, 0.0);
  records.SetNumber(Field::kQuantityDiff, 0, -0.0);  // a zero difference written "-0"
  const std::string key = TradeKey(records, 0);
  EXPECT_EQ(TradeKey(records, 1), key);
  EXPECT_EQ(TradeKey(records, 2), key);
  EXPECT_NE(TradeKey(records, 3), key);
  EXPECT_NE(TradeKey(records, 4), key);
  EXPECT_NE(TradeKey(records, 5), key);
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
