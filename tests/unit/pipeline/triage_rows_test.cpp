// The labelled input is refused with the file, line and columns before any work; the run's output is read back
// with each flagged row's amount valued again from its own numbers.
#include "recon/pipeline/triage_rows.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "recon/core/error.hpp"
#include "recon/pipeline/batch_detector.hpp"
#include "support/temp_dir.hpp"

namespace recon::pipeline {
namespace {

using categorise::Category;
using categorise::Severity;

const std::string kLabelledHeader = std::string(testing::kTradeHeader) + ",IS_ANOMALY,CATEGORY";

std::string Trade(const std::string& trade_id, const std::string& currency, const std::string& numbers,
                  const std::string& truth) {
  return trade_id + ",2025-01-02,2025-01-06,Desk,Trader,Cpty,INST1,Equity," + currency + "," + numbers + ",comment," +
         truth;
}

// Numbers of a balanced trade, of one missing on the street side (1,000,000 at 2.0 = 2,000,000 at risk) and of
// a small amount break (12.5 at risk).
constexpr const char* kBalanced = "100,100,0,10.0,10.0,0.0,1000.00,1000.00,0.00";
constexpr const char* kStreetMissing = "1000000,0,1000000,2.0,0,2.0,2000000.00,0.00,2000000.00";
constexpr const char* kSmallBreak = "100,100,0,10.0,10.0,0.0,1000.00,987.50,12.50";

std::string ErrorOf(const std::string& path, const TruthColumns& truth = {}) {
  try {
    CheckLabelledInput(path, truth, {});
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kInvalidInput);
    return error.what();
  }
  return "";
}

TEST(TriageRowsTest, MissingTruthColumnsNameTheFileAndTheColumnsFound) {
  testing::TempDir dir;
  const std::string path = dir.Write(
      "plain.csv", std::string(testing::kTradeHeader) + ",LABEL\n" + Trade("T1", "USD", kBalanced, "0") + "\n");
  const std::string message = ErrorOf(path);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("label column 'IS_ANOMALY' and category column 'CATEGORY'"), std::string::npos) << message;
  EXPECT_NE(message.find("The header has: TRADE_ID, TRADE_DATE,"), std::string::npos) << message;
  EXPECT_NE(message.find("AMOUNT_DIFF, COMMENT, LABEL"), std::string::npos) << message;

  const std::string only_category = ErrorOf(path, {"LABEL", "TRUTH"});
  EXPECT_NE(only_category.find("has no category column 'TRUTH'"), std::string::npos) << only_category;
  EXPECT_EQ(only_category.find("label column"), std::string::npos) << only_category;
}

TEST(TriageRowsTest, ALabelOtherThanZeroOrOneNamesItsLine) {
  testing::TempDir dir;
  // The first trade's comment spans two lines, so the bad label is on physical line 4, not the third row.
  const std::string path = dir.Write(
      "labels.csv", kLabelledHeader + "\n" + "T1,2025-01-02,2025-01-06,Desk,Trader,Cpty,INST1,Equity,USD," + kBalanced +
                        ",\"two\nlines\",0,\n" + Trade("T2", "USD", kBalanced, "yes,Timing Issue") + "\n");
  const std::string message = ErrorOf(path);
  EXPECT_NE(message.find("'" + path + "' line 4, column IS_ANOMALY: the label must be 0 or 1, not 'yes'"),
            std::string::npos)
      << message;
}

TEST(TriageRowsTest, AnAnomalysCategoryMustBeOneOfRecons) {
  testing::TempDir dir;
  const std::string path = dir.Write(
      "categories.csv", kLabelledHeader + "\n" + Trade("T1", "USD", kBalanced, "0,whatever a normal row says") + "\n" +
                            Trade("T2", "USD", kSmallBreak, "1,Settlement Delay") + "\n");
  const std::string message = ErrorOf(path);
  EXPECT_NE(message.find("line 3, column CATEGORY: 'Settlement Delay' is not a recon category"), std::string::npos)
      << message;
  EXPECT_NE(message.find("Rounding Error, Timing Issue,"), std::string::npos) << message;
}

TEST(TriageRowsTest, AColumnNamedLikeReconsOutputIsRefused) {
  testing::TempDir dir;
  const std::string path =
      dir.Write("clash.csv", kLabelledHeader + ",severity\n" + Trade("T1", "USD", kBalanced, "0,,high") + "\n");
  const std::string message = ErrorOf(path);
  EXPECT_NE(message.find("has a column named 'severity', which recon's output adds too"), std::string::npos) << message;
}

TEST(TriageRowsTest, ReadsTheRunsOutputAndValuesFlaggedRowsFromTheirNumbers) {
  testing::TempDir dir;
  std::string header = kLabelledHeader;
  for (const std::string& name : BatchDetector::ResultColumns()) header += "," + name;
  // Result columns: anomaly_score, flagged, cluster, category, severity, summary, status, ticket_id, explanation,
  // category_source, resolution_reason.
  const std::string output =
      dir.Write("all_rows.csv", header + "\n" + Trade("N1", "USD", kBalanced, "0,") + ",0.400000,0,2,,,,,,,,\n" +
                                    Trade("M1", "GBP", kStreetMissing, "1,Missing Trade") +
                                    ",0.800000,1,1,Missing Trade,low,s,Pending User Review,,e,local,r\n" +
                                    Trade("A1", "EUR", kSmallBreak, "1,Timing Issue") +
                                    ",0.700000,1,0,Timing Issue,low,s,Auto-Resolved,RECON-000001,e,local,r\n" +
                                    Trade("X1", "XYZ", kSmallBreak, "1,Unknown") +
                                    ",0.750000,1,0,Unknown,high,s,Pending User Review,,e,local,r\n");
  Config config;
  config.valuation.as_of = "2025-03-31";
  std::vector<std::string> input_header;
  for (std::size_t pos = 0, end = 0; end != std::string::npos; pos = end + 1) {
    end = kLabelledHeader.find(',', pos);
    input_header.push_back(kLabelledHeader.substr(pos, end == std::string::npos ? end : end - pos));
  }
  const std::vector<TriageRow> rows = ReadTriageRows(output, input_header, {}, config);
  ASSERT_EQ(rows.size(), 4u);

  EXPECT_EQ(rows[0].trade_id, "N1");
  EXPECT_FALSE(rows[0].is_anomaly);
  EXPECT_FALSE(rows[0].flagged);
  EXPECT_DOUBLE_EQ(rows[0].score, 0.4);

  // 2,000,000 GBP at the default 1.27 USD: 2,540,000 USD, a high floor, although the output graded it low.
  EXPECT_TRUE(rows[1].is_anomaly);
  EXPECT_EQ(rows[1].true_category, Category::kMissingTrade);
  EXPECT_TRUE(rows[1].flagged);
  EXPECT_EQ(rows[1].category, Category::kMissingTrade);
  EXPECT_EQ(rows[1].severity, Severity::kLow);
  EXPECT_FALSE(rows[1].auto_resolved);
  EXPECT_NEAR(rows[1].at_risk_reporting, 2'540'000.0, 1e-6);
  EXPECT_EQ(rows[1].amount_floor, Severity::kHigh);

  EXPECT_TRUE(rows[2].auto_resolved);
  EXPECT_NEAR(rows[2].at_risk_reporting, 12.5 * 1.085, 1e-9);
  EXPECT_EQ(rows[2].amount_floor, Severity::kLow);

  // A currency without a rate is unvalued and its floor is high (never small).
  EXPECT_TRUE(std::isinf(rows[3].at_risk_reporting));
  EXPECT_EQ(rows[3].amount_floor, Severity::kHigh);

  const TriageMetrics metrics = ComputeTriageMetrics(rows, {config.resolution.max_auto_resolve_amount});
  EXPECT_EQ(metrics.severity_floors.violations, 1u);
  EXPECT_EQ(metrics.severity_floors.worst.at(0).trade_id, "M1");

  // Every trade settles on 2025-01-06: judged as of 2025-03-31 none is still to come; as of 2025-01-03 all are.
  EXPECT_FALSE(rows[0].settles_after_as_of);
  config.valuation.as_of = "2025-01-03";
  for (const TriageRow& row : ReadTriageRows(output, input_header, {}, config)) EXPECT_TRUE(row.settles_after_as_of);
}

}  // namespace
}  // namespace recon::pipeline
