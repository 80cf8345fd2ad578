#pragma once
// The quality of recon's triage decisions on a labelled file, from one row per scored trade: how well the scores
// rank the true anomalies, how often the category is right, whether auto-resolution closed only true Timing Issues
// (and how much money it closed wrongly), and whether any anomaly was graded below the floor its amount sets.
// Pure arithmetic on rows, so that each figure can be checked on a table small enough to count by hand.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recon/categorise/category.hpp"

namespace recon::pipeline {

/// One scored trade: the truth from the labelled file and recon's decisions about it.
struct TriageRow {
  std::string trade_id;
  bool is_anomaly = false;                                              ///< the label (1 = a true break)
  categorise::Category true_category = categorise::Category::kUnknown;  ///< meaningful only for true anomalies
  double score = 0.0;                                                   ///< anomaly_score
  bool flagged = false;
  categorise::Category category = categorise::Category::kUnknown;  ///< recon's (flagged rows only)
  categorise::Severity severity = categorise::Severity::kLow;      ///< recon's (flagged rows only)
  bool auto_resolved = false;
  /// Amount at risk in the reporting currency; +infinity for a currency without a rate (counted as large).
  double at_risk_reporting = 0.0;
  categorise::Severity amount_floor = categorise::Severity::kLow;  ///< the floor the amount alone sets
  /// Settles after valuation.as_of: "not yet due" to the resolver (a file judged as of a day inside its range).
  bool settles_after_as_of = false;
};

/// A row worth looking at, listed by the report (a wrong auto-resolution, a severity below its floor).
struct TriageExample {
  std::string trade_id;
  categorise::Category true_category = categorise::Category::kUnknown;
  bool is_anomaly = false;
  categorise::Category category = categorise::Category::kUnknown;
  categorise::Severity severity = categorise::Severity::kLow;
  categorise::Severity amount_floor = categorise::Severity::kLow;
  double at_risk_reporting = 0.0;
};

/// Ranking and flagging against the label.
struct DetectionQuality {
  std::uint64_t rows = 0;
  std::uint64_t anomalies = 0;
  std::uint64_t flagged = 0;
  std::uint64_t flagged_anomalies = 0;
  std::optional<double> roc_auc;            ///< empty when the file has only one label
  std::optional<double> average_precision;  ///< empty when the file has only one label
  std::optional<double> precision;          ///< flagged anomalies / flagged; empty when nothing is flagged
  std::optional<double> recall;             ///< flagged anomalies / anomalies; empty when there are none
};

/// Categories of the flagged true anomalies.
struct CategoryQuality {
  /// confusion[truth][recon's category], indexed by categorise::Category.
  std::array<std::array<std::uint64_t, categorise::kCategoryCount>, categorise::kCategoryCount> confusion{};
  std::uint64_t total = 0;
  std::uint64_t correct = 0;
  std::optional<double> accuracy;  ///< correct / total; empty when no true anomaly was flagged
};

/// Auto-resolution against the truth: only true Timing Issues should be closed.
struct AutoResolutionQuality {
  std::uint64_t auto_resolved = 0;
  std::uint64_t true_timing = 0;           ///< auto-resolved and truly a Timing Issue
  std::uint64_t other_breaks = 0;          ///< auto-resolved, truly a break of another category
  std::uint64_t not_breaks = 0;            ///< auto-resolved, labelled 0
  std::uint64_t flagged_timing = 0;        ///< flagged true Timing Issues (the recall's denominator)
  std::optional<double> precision;         ///< true_timing / auto_resolved; empty when nothing was auto-resolved
  std::optional<double> recall;            ///< true_timing / flagged_timing; empty when none was flagged
  double wrong_amount = 0.0;               ///< at risk (reporting currency) of the wrong ones that have a rate
  std::uint64_t wrong_unvalued = 0;        ///< wrong ones in a currency without a rate (not in wrong_amount)
  std::uint64_t wrong_above_limit = 0;     ///< wrong ones above the materiality limit (the unvalued included)
  std::vector<TriageExample> worst_wrong;  ///< the largest wrong ones, largest first
};

/// Flagged anomalies graded below the floor their amount alone sets.
struct SeverityFloorQuality {
  std::uint64_t checked = 0;                 ///< flagged rows
  std::uint64_t violations = 0;              ///< severity < amount floor
  std::uint64_t low_above_medium_floor = 0;  ///< graded low although the floor is medium or more
  std::vector<TriageExample> worst;          ///< the largest violations, largest first
};

struct TriageMetrics {
  DetectionQuality detection;
  CategoryQuality categories;
  AutoResolutionQuality auto_resolution;
  SeverityFloorQuality severity_floors;
};

/// What the metrics depend on besides the rows.
struct TriageMetricsParams {
  double max_auto_resolve_amount = 100'000.0;  ///< resolution.max_auto_resolve_amount (reporting currency)
  std::size_t max_examples = 10;               ///< rows listed per kind of mistake
};

/// Computes every figure. Deterministic: examples are ordered by amount, then trade id.
TriageMetrics ComputeTriageMetrics(const std::vector<TriageRow>& rows, const TriageMetricsParams& params);

}  // namespace recon::pipeline
