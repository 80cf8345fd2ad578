#include "recon/io/record_decoder.hpp"

#include <gtest/gtest.h>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/io/csv_reader.hpp"
#include "support/temp_dir.hpp"

namespace recon::io {
namespace {

TEST(ParseNumberTest, AcceptsDecimalsAndMatchesFromChars) {
  EXPECT_EQ(ParseNumber("0"), 0.0);
  EXPECT_EQ(ParseNumber("-47734.89"), -47734.89);
  EXPECT_EQ(ParseNumber("98.830000"), 98.83);
  EXPECT_EQ(ParseNumber(" +12.5 "), 12.5);
  EXPECT_EQ(ParseNumber("1e3"), 1000.0);
  EXPECT_EQ(ParseNumber("123456789012345678"), 123456789012345678.0);
  EXPECT_EQ(ParseNumber(".5"), 0.5);
  EXPECT_EQ(ParseNumber("0.1"), 0.1);
  EXPECT_EQ(ParseNumber("11852160.70"), 11852160.70);
}

TEST(ParseNumberTest, RejectsNonNumbers) {
  for (const char* text : {"", "abc", "1,000", "inf", "nan", "-", "1.2.3", "12abc", "0x10", "--1"}) {
    EXPECT_FALSE(ParseNumber(text).has_value()) << text;
  }
}

TEST(RecordDecoderTest, MissingRequiredColumnsFailBeforeAnyWork) {
  try {
    RecordDecoder decoder({"TRADE_ID", "TRADE_DATE", "COMMENT"}, ColumnMapping(), "f.csv");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kInvalidInput);
    const std::string message = error.what();
    EXPECT_NE(message.find("AMOUNT_DIFF"), std::string::npos);
    EXPECT_NE(message.find("SETTLEMENT_DATE"), std::string::npos);
    EXPECT_NE(message.find("The header has: TRADE_ID, TRADE_DATE, COMMENT"), std::string::npos);
  }
}

TEST(RecordDecoderTest, ConfiguredHeaderNamesAndOptionalColumns) {
  testing::TempDir dir;
  const auto path = dir.Write("custom.csv",
                              "id,td,sd,desk,bq,sq,qd,bp,sp,pd,ba,sa,ad,extra\n"
                              "T1,2025-01-02,2025-01-03,Rates,10,10,0,1.5,1.5,0,15,15,0,ignored\n");
  ColumnMapping mapping;
  const std::vector<std::pair<Field, std::string>> names = {
      {Field::kTradeId, "id"},      {Field::kTradeDate, "td"},    {Field::kSettlementDate, "sd"},
      {Field::kDesk, "desk"},       {Field::kBookQuantity, "bq"}, {Field::kStreetQuantity, "sq"},
      {Field::kQuantityDiff, "qd"}, {Field::kBookPrice, "bp"},    {Field::kStreetPrice, "sp"},
      {Field::kPriceDiff, "pd"},    {Field::kBookAmount, "ba"},   {Field::kStreetAmount, "sa"},
      {Field::kAmountDiff, "ad"}};
  for (const auto& [field, header] : names) mapping.headers[static_cast<std::size_t>(field)] = header;
  CsvReader reader(path, {});
  RecordDecoder decoder(reader.Header(), mapping, path);
  RawBatch raw;
  ASSERT_TRUE(reader.Next(raw));
  RecordBatch records;
  std::vector<RowError> errors;
  decoder.Decode(raw, records, errors);
  ASSERT_TRUE(errors.empty());
  ASSERT_EQ(records.RowCount(), 1u);
  EXPECT_EQ(records.Text(Field::kTradeId, 0), "T1");
  EXPECT_EQ(records.Date(Field::kSettlementDate, 0), DaysFromCivil(2025, 1, 3));
  EXPECT_EQ(records.Number(Field::kBookAmount, 0), 15.0);
  EXPECT_EQ(records.Text(Field::kComment, 0), "");  // optional and absent
}

}  // namespace
}  // namespace recon::io
