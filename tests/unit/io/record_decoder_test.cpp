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

// Dates repeat from row to row (the decoder reuses the previous row's value for the same text): each row still
// gets its own date, blanks around a date are accepted, and a bad date after a good one is still rejected.
// A recycled batch decoded from a file without COMMENT reads COMMENT as empty.
TEST(RecordDecoderTest, RepeatedAndChangingDatesAndRecycledBatches) {
  testing::TempDir dir;
  const std::string header =
      "TRADE_ID,TRADE_DATE,SETTLEMENT_DATE,DESKNAME,BOOK_QUANTITY,STREET_QUANTITY,QUANTITY_DIFF,BOOK_PRICE,"
      "STREET_PRICE,PRICE_DIFF,BOOK_AMOUNT,STREET_AMOUNT,AMOUNT_DIFF";
  const std::string numbers = ",1,1,0,2,2,0,2,2,0";
  const auto with_comment = dir.Write("c.csv", header + ",COMMENT\n" + "T1,2025-01-02,2025-01-03,D" + numbers +
                                                   ",hello\n");
  const auto path = dir.Write("d.csv", header + "\n" + "T1,2025-01-02,2025-01-03,D" + numbers + "\n" +
                                           "T2,2025-01-02,2025-01-06,D" + numbers + "\n" +
                                           "T3, 2025-01-02 ,2025-01-06,D" + numbers + "\n" +
                                           "T4,2025-01-03,2025-13-06,D" + numbers + "\n" +
                                           "T5,2025-01-03,2025-01-06,D" + numbers + "\n");
  RecordBatch records;
  std::vector<RowError> errors;
  {
    CsvReader reader(with_comment, {});
    RecordDecoder decoder(reader.Header(), ColumnMapping(), with_comment);
    RawBatch raw;
    ASSERT_TRUE(reader.Next(raw));
    decoder.Decode(raw, records, errors);
    ASSERT_EQ(records.Text(Field::kComment, 0), "hello");
  }
  CsvReader reader(path, {});
  RecordDecoder decoder(reader.Header(), ColumnMapping(), path);
  RawBatch raw;
  ASSERT_TRUE(reader.Next(raw));
  decoder.Decode(raw, records, errors);
  ASSERT_EQ(records.RowCount(), 4u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 5u);
  EXPECT_EQ(errors[0].kind, RowErrorKind::kBadDate);
  const std::int32_t expected_trade[] = {DaysFromCivil(2025, 1, 2), DaysFromCivil(2025, 1, 2),
                                         DaysFromCivil(2025, 1, 2), DaysFromCivil(2025, 1, 3)};
  const std::int32_t expected_settlement[] = {DaysFromCivil(2025, 1, 3), DaysFromCivil(2025, 1, 6),
                                              DaysFromCivil(2025, 1, 6), DaysFromCivil(2025, 1, 6)};
  for (std::size_t row = 0; row < 4; ++row) {
    EXPECT_EQ(records.Date(Field::kTradeDate, row), expected_trade[row]) << row;
    EXPECT_EQ(records.Date(Field::kSettlementDate, row), expected_settlement[row]) << row;
    EXPECT_EQ(records.Text(Field::kComment, row), "") << row;
  }
}

}  // namespace
}  // namespace recon::io
