// Every figure of the triage evaluation on tables small enough to count by hand.
#include "recon/pipeline/triage_metrics.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace recon::pipeline {
namespace {

using categorise::Category;
using categorise::Severity;

constexpr double kUnvalued = std::numeric_limits<double>::infinity();

TriageRow Normal(double score, bool flagged = false) {
  TriageRow row;
  row.score = score;
  row.flagged = flagged;
  return row;
}

TriageRow Anomaly(double score, bool flagged, Category truth, Category category = Category::kUnknown) {
  TriageRow row;
  row.is_anomaly = true;
  row.true_category = truth;
  row.score = score;
  row.flagged = flagged;
  row.category = category;
  return row;
}

TriageRow AutoResolved(TriageRow row, double at_risk, std::string trade_id) {
  row.flagged = true;
  row.category = Category::kTimingIssue;
  row.auto_resolved = true;
  row.at_risk_reporting = at_risk;
  row.trade_id = std::move(trade_id);
  return row;
}

TriageRow Graded(Severity severity, Severity floor, double at_risk, std::string trade_id) {
  TriageRow row = Anomaly(0.9, true, Category::kMissingTrade, Category::kMissingTrade);
  row.severity = severity;
  row.amount_floor = floor;
  row.at_risk_reporting = at_risk;
  row.trade_id = std::move(trade_id);
  return row;
}

TEST(TriageMetricsTest, DetectionRanksAndCountsAgainstTheLabel) {
  // Anomalies score 0.9 and 0.6; normals 0.8, 0.3, 0.2, 0.1. The 0.9 anomaly outranks all four normals, the 0.6
  // one three of them: ROC-AUC 7/8. Ranked: A(0.9) N(0.8) A(0.6): AP = 1/2 * 1 + 1/2 * 2/3.
  const std::vector<TriageRow> rows = {Anomaly(0.9, true, Category::kTimingIssue),
                                       Normal(0.8, true),
                                       Anomaly(0.6, true, Category::kMissingTrade),
                                       Normal(0.3),
                                       Normal(0.2),
                                       Normal(0.1)};
  const DetectionQuality detection = ComputeTriageMetrics(rows, {}).detection;
  EXPECT_EQ(detection.rows, 6u);
  EXPECT_EQ(detection.anomalies, 2u);
  EXPECT_EQ(detection.flagged, 3u);
  EXPECT_EQ(detection.flagged_anomalies, 2u);
  ASSERT_TRUE(detection.roc_auc && detection.average_precision && detection.precision && detection.recall);
  EXPECT_DOUBLE_EQ(*detection.roc_auc, 7.0 / 8.0);
  EXPECT_DOUBLE_EQ(*detection.average_precision, 0.5 + 0.5 * 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*detection.precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*detection.recall, 1.0);
}

TEST(TriageMetricsTest, FiguresWithoutADenominatorAreEmptyNotErrors) {
  const TriageMetrics metrics = ComputeTriageMetrics({Normal(0.2), Normal(0.1)}, {});
  EXPECT_FALSE(metrics.detection.roc_auc);  // one label only: no ranking to measure
  EXPECT_FALSE(metrics.detection.average_precision);
  EXPECT_FALSE(metrics.detection.precision);  // nothing flagged
  EXPECT_FALSE(metrics.detection.recall);     // no anomalies
  EXPECT_FALSE(metrics.categories.accuracy);
  EXPECT_FALSE(metrics.auto_resolution.precision);
  EXPECT_FALSE(metrics.auto_resolution.recall);
  EXPECT_EQ(metrics.severity_floors.checked, 0u);
}

TEST(TriageMetricsTest, ConfusionMatrixCountsOnlyFlaggedTrueAnomalies) {
  const std::vector<TriageRow> rows = {Anomaly(0.9, true, Category::kTimingIssue, Category::kTimingIssue),
                                       Anomaly(0.9, true, Category::kTimingIssue, Category::kMissingTrade),
                                       Anomaly(0.9, true, Category::kRoundingError, Category::kRoundingError),
                                       Anomaly(0.9, true, Category::kPriceMismatch, Category::kPriceMismatch),
                                       Anomaly(0.1, false, Category::kPriceMismatch),  // missed: no category to judge
                                       [] {
                                         TriageRow flagged_normal = Normal(0.95, true);
                                         flagged_normal.category = Category::kRoundingError;
                                         return flagged_normal;  // not a true anomaly: no true category to compare with
                                       }()};
  const CategoryQuality categories = ComputeTriageMetrics(rows, {}).categories;
  const auto at = [&](Category truth, Category given) {
    return categories.confusion[static_cast<std::size_t>(truth)][static_cast<std::size_t>(given)];
  };
  EXPECT_EQ(categories.total, 4u);
  EXPECT_EQ(categories.correct, 3u);
  ASSERT_TRUE(categories.accuracy);
  EXPECT_DOUBLE_EQ(*categories.accuracy, 0.75);
  EXPECT_EQ(at(Category::kTimingIssue, Category::kTimingIssue), 1u);
  EXPECT_EQ(at(Category::kTimingIssue, Category::kMissingTrade), 1u);
  EXPECT_EQ(at(Category::kRoundingError, Category::kRoundingError), 1u);
  EXPECT_EQ(at(Category::kPriceMismatch, Category::kPriceMismatch), 1u);
  EXPECT_EQ(at(Category::kPriceMismatch, Category::kUnknown), 0u);
}

TEST(TriageMetricsTest, AutoResolutionPrecisionRecallAndTheMoneyClosedWrongly) {
  std::vector<TriageRow> rows = {
      AutoResolved(Anomaly(0.9, true, Category::kTimingIssue), 500.0, "T1"),
      AutoResolved(Anomaly(0.9, true, Category::kTimingIssue), 700.0, "T2"),
      AutoResolved(Anomaly(0.9, true, Category::kTimingIssue), 900.0, "T3"),
      AutoResolved(Anomaly(0.9, true, Category::kMissingTrade), 250'000.0, "W1"),  // above the 100,000 limit
      AutoResolved(Anomaly(0.9, true, Category::kQuantityMismatch), 40'000.0, "W2"),
      AutoResolved(Normal(0.9), 10.0, "W3"),                                        // closed, yet no break at all
      AutoResolved(Anomaly(0.9, true, Category::kPriceMismatch), kUnvalued, "W4"),  // no FX rate: counts as large
      Anomaly(0.9, true, Category::kTimingIssue, Category::kTimingIssue),           // flagged, left for review
      Anomaly(0.1, false, Category::kTimingIssue),                                  // never flagged: not in recall
  };
  const AutoResolutionQuality quality = ComputeTriageMetrics(rows, {100'000.0, 3}).auto_resolution;
  EXPECT_EQ(quality.auto_resolved, 7u);
  EXPECT_EQ(quality.true_timing, 3u);
  EXPECT_EQ(quality.other_breaks, 3u);
  EXPECT_EQ(quality.not_breaks, 1u);
  EXPECT_EQ(quality.flagged_timing, 4u);
  ASSERT_TRUE(quality.precision && quality.recall);
  EXPECT_DOUBLE_EQ(*quality.precision, 3.0 / 7.0);
  EXPECT_DOUBLE_EQ(*quality.recall, 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(quality.wrong_amount, 250'000.0 + 40'000.0 + 10.0);
  EXPECT_EQ(quality.wrong_unvalued, 1u);
  EXPECT_EQ(quality.wrong_above_limit, 2u);  // W1 and the unvalued W4
  // The largest wrong ones first, the unvalued leading, cut to max_examples.
  ASSERT_EQ(quality.worst_wrong.size(), 3u);
  EXPECT_EQ(quality.worst_wrong[0].trade_id, "W4");
  EXPECT_EQ(quality.worst_wrong[1].trade_id, "W1");
  EXPECT_EQ(quality.worst_wrong[1].true_category, Category::kMissingTrade);
  EXPECT_EQ(quality.worst_wrong[2].trade_id, "W2");
}

TEST(TriageMetricsTest, AnAmountExactlyAtTheLimitIsNotAboveIt) {
  const std::vector<TriageRow> rows = {AutoResolved(Anomaly(0.9, true, Category::kMissingTrade), 100'000.0, "W")};
  EXPECT_EQ(ComputeTriageMetrics(rows, {100'000.0}).auto_resolution.wrong_above_limit, 0u);
  EXPECT_EQ(ComputeTriageMetrics(rows, {99'999.99}).auto_resolution.wrong_above_limit, 1u);
}

TEST(TriageMetricsTest, SeverityBelowTheAmountFloorIsAViolation) {
  std::vector<TriageRow> rows = {
      Graded(Severity::kLow, Severity::kLow, 10.0, "OK1"),
      Graded(Severity::kCritical, Severity::kMedium, 5'000.0, "OK2"),  // above its floor: allowed
      Graded(Severity::kLow, Severity::kMedium, 2'000.0, "V1"),
      Graded(Severity::kMedium, Severity::kCritical, 9'000'000.0, "V2"),
      Graded(Severity::kLow, Severity::kHigh, kUnvalued, "V3"),
  };
  TriageRow unflagged = Graded(Severity::kLow, Severity::kCritical, 1e9, "NOT_FLAGGED");
  unflagged.flagged = false;  // recon graded nothing: nothing to check
  rows.push_back(unflagged);
  const SeverityFloorQuality quality = ComputeTriageMetrics(rows, {}).severity_floors;
  EXPECT_EQ(quality.checked, 5u);
  EXPECT_EQ(quality.violations, 3u);
  EXPECT_EQ(quality.low_above_medium_floor, 2u);  // V1 and V3; V2 is medium, not low
  ASSERT_EQ(quality.worst.size(), 3u);
  EXPECT_EQ(quality.worst[0].trade_id, "V3");
  EXPECT_EQ(quality.worst[1].trade_id, "V2");
  EXPECT_EQ(quality.worst[1].amount_floor, Severity::kCritical);
  EXPECT_EQ(quality.worst[2].trade_id, "V1");
}

}  // namespace
}  // namespace recon::pipeline
