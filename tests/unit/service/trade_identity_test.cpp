// One identity for a trade (issue 18): each row of the sample file, decoded from the CSV and from the JSON an API
// client sends for it (numbers as JSON numbers, keys in another order, a field the schema does not know), has the
// same natural key.
#include <gtest/gtest.h>

#include <set>

#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"
#include "recon/pipeline/anomaly_rows.hpp"
#include "recon/service/trade_json.hpp"

namespace recon::service {
namespace {

TEST(TradeIdentityTest, ARowHasTheSameKeyFromTheCsvAndAsJson) {
  const std::string path = std::string(RECON_SOURCE_DIR) + "/data/recon_sample_10k.csv";
  const ColumnMapping columns;
  io::CsvReaderParams whole_file;
  whole_file.batch_rows = 20000;
  io::CsvReader reader(path, whole_file);
  const io::RecordDecoder decoder(reader.Header(), columns, path);
  io::RawBatch raw;
  ASSERT_TRUE(reader.Next(raw));
  io::RecordBatch from_csv;
  std::vector<io::RowError> errors;
  decoder.Decode(raw, from_csv, errors);
  ASSERT_EQ(from_csv.RowCount(), 10000u);

  std::set<std::string> numbers;
  for (const FieldInfo& info : AllFields()) {
    if (info.type == FieldType::kNumber) numbers.insert(columns.HeaderOf(info.field));
  }
  io::RecordBatch from_json;
  from_json.Resize(1);
  std::set<std::string> distinct;
  for (std::size_t row = 0; row < from_csv.RowCount(); ++row) {
    nlohmann::json trade = {{"CLIENT_REQUEST_ID", "r" + std::to_string(row)}};
    const std::uint32_t raw_row = from_csv.RawRowIndex(row);
    for (std::size_t col = reader.Header().size(); col-- > 0;) {
      const std::string& name = reader.Header()[col];
      const std::string text(raw.Field(raw_row, col));
      trade[name] = numbers.count(name) > 0 ? nlohmann::json(std::stod(text)) : nlohmann::json(text);
    }
    std::vector<FieldProblem> problems;
    ASSERT_TRUE(ParseTrade(trade, columns, "", from_json, 0, problems)) << trade.dump();
    ASSERT_EQ(pipeline::TradeKey(from_json, 0), pipeline::TradeKey(from_csv, row)) << "line " << from_csv.Line(row);
    distinct.insert(pipeline::TradeKey(from_csv, row));
  }
  EXPECT_GT(distinct.size(), 9900u) << "distinct trades have distinct keys";
}

}  // namespace
}  // namespace recon::service
