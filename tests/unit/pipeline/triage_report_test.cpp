// The text and JSON forms of a triage evaluation carry the same figures; what has no value is n/a or null.
#include "recon/pipeline/triage_report.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace recon::pipeline {
namespace {

using categorise::Category;
using categorise::Severity;

TriageEvalReport SampleReport() {
  TriageEvalReport report;
  report.input = "history.csv";
  report.rows_read = 12345;
  report.algorithm = "iforest";
  report.model_rows = 12345;
  report.reporting_currency = "USD";
  report.as_of = "2025-03-31";
  report.max_auto_resolve_amount = 100'000.0;
  TriageMetrics& metrics = report.metrics;
  metrics.detection.rows = 12345;
  metrics.detection.anomalies = 2;
  metrics.detection.roc_auc = 0.98765;
  constexpr auto kMissing = static_cast<std::size_t>(Category::kMissingTrade);
  constexpr auto kTiming = static_cast<std::size_t>(Category::kTimingIssue);
  metrics.categories.confusion[kMissing][kTiming] = 7;
  metrics.categories.total = 7;
  metrics.auto_resolution.auto_resolved = 3;
  metrics.auto_resolution.true_timing = 2;
  metrics.auto_resolution.other_breaks = 1;
  metrics.auto_resolution.precision = 2.0 / 3.0;
  metrics.auto_resolution.wrong_amount = 1'234'567.891;
  metrics.auto_resolution.wrong_above_limit = 1;
  // A trade id with a byte that is not UTF-8 (files are the user's): replaced in JSON, never an error.
  metrics.auto_resolution.worst_wrong.push_back({"\xffT1", Category::kMissingTrade, true, Category::kTimingIssue,
                                                 Severity::kHigh, Severity::kHigh, 1'234'567.891});
  metrics.severity_floors.worst.push_back({"T2", Category::kUnknown, true, Category::kUnknown, Severity::kLow,
                                           Severity::kHigh, std::numeric_limits<double>::infinity()});
  metrics.severity_floors.violations = 1;
  metrics.severity_floors.checked = 9;
  return report;
}

TEST(TriageReportTest, TextShowsTheFiguresAndNaForWhatHasNoValue) {
  const std::string text = RenderTriageEval(SampleReport());
  for (const std::string expected :
       {"rows read 12,345, rejected 0; 2 labelled anomalies", "ROC-AUC 0.9877, average precision n/a",
        "  MT Missing Trade                  0      7", "accuracy n/a (0 of 7)",
        "auto-resolved 3: 2 true Timing Issues, 1 break of another category, 0 trades that were no break",
        "precision 0.6667, recall n/a", "wrongly auto-resolved 1: 1,234,567.89 USD at risk, 1 above the limit",
        "truly Missing Trade", "graded below their floor: 1 of 9 flagged", "unknown (no FX rate)"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
}

TEST(TriageReportTest, JsonIsOneObjectWithNullsWhereThereIsNoValue) {
  const std::string text = TriageEvalJson(SampleReport());
  EXPECT_EQ(text.find('\n'), text.size() - 1);  // one line
  const auto report = nlohmann::json::parse(text);
  EXPECT_DOUBLE_EQ(report["detection"]["roc_auc"].get<double>(), 0.98765);
  EXPECT_TRUE(report["detection"]["average_precision"].is_null());
  EXPECT_TRUE(report["categories"]["accuracy"].is_null());
  EXPECT_EQ(report["categories"]["labels"][7], "Missing Trade");
  EXPECT_EQ(report["categories"]["confusion"][7][1], 7);
  EXPECT_EQ(report["auto_resolution"]["wrong"]["count"], 1);
  EXPECT_EQ(report["auto_resolution"]["wrong"]["largest"][0]["trade_id"], "\xEF\xBF\xBDT1");
  EXPECT_EQ(report["auto_resolution"]["wrong"]["largest"][0]["true_category"], "Missing Trade");
  EXPECT_TRUE(report["severity_floors"]["largest"][0]["at_risk"].is_null());  // no FX rate
  EXPECT_EQ(report["severity_floors"]["largest"][0]["amount_floor"], "high");
  EXPECT_FALSE(report.contains("seconds"));  // same file and config, same bytes
}

}  // namespace
}  // namespace recon::pipeline
