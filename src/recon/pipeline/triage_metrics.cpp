#include "recon/pipeline/triage_metrics.hpp"

#include <algorithm>
#include <cmath>

#include "recon/models/metrics.hpp"

namespace recon::pipeline {
namespace {

using categorise::Category;
using categorise::Severity;

std::optional<double> Ratio(std::uint64_t numerator, std::uint64_t denominator) {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

TriageExample ExampleOf(const TriageRow& row) {
  return {row.trade_id, row.true_category, row.is_anomaly,       row.category,
          row.severity, row.amount_floor,  row.at_risk_reporting};
}

// Largest amount first (an unvalued one, +infinity, leads), then trade id, so the list is the same on every run.
void KeepLargest(std::vector<TriageExample>& examples, std::size_t max_examples) {
  std::sort(examples.begin(), examples.end(), [](const TriageExample& a, const TriageExample& b) {
    if (a.at_risk_reporting != b.at_risk_reporting) return a.at_risk_reporting > b.at_risk_reporting;
    return a.trade_id < b.trade_id;
  });
  if (examples.size() > max_examples) examples.resize(max_examples);
}

DetectionQuality MeasureDetection(const std::vector<TriageRow>& rows) {
  DetectionQuality quality;
  std::vector<double> scores;
  std::vector<int> labels;
  scores.reserve(rows.size());
  labels.reserve(rows.size());
  for (const TriageRow& row : rows) {
    scores.push_back(row.score);
    labels.push_back(row.is_anomaly ? 1 : 0);
    quality.anomalies += row.is_anomaly;
    quality.flagged += row.flagged;
    quality.flagged_anomalies += row.flagged && row.is_anomaly;
  }
  quality.rows = rows.size();
  // The ranking metrics need both labels; a file of one kind has none (reported as such, not as an error).
  if (quality.anomalies > 0 && quality.anomalies < quality.rows) {
    quality.roc_auc = models::RocAuc(scores, labels);
    quality.average_precision = models::AveragePrecision(scores, labels);
  }
  quality.precision = Ratio(quality.flagged_anomalies, quality.flagged);
  quality.recall = Ratio(quality.flagged_anomalies, quality.anomalies);
  return quality;
}

CategoryQuality MeasureCategories(const std::vector<TriageRow>& rows) {
  CategoryQuality quality;
  for (const TriageRow& row : rows) {
    if (!row.flagged || !row.is_anomaly) continue;
    ++quality.confusion[static_cast<std::size_t>(row.true_category)][static_cast<std::size_t>(row.category)];
    ++quality.total;
    quality.correct += row.category == row.true_category;
  }
  quality.accuracy = Ratio(quality.correct, quality.total);
  return quality;
}

AutoResolutionQuality MeasureAutoResolution(const std::vector<TriageRow>& rows, const TriageMetricsParams& params) {
  AutoResolutionQuality quality;
  for (const TriageRow& row : rows) {
    const bool true_timing = row.is_anomaly && row.true_category == Category::kTimingIssue;
    quality.flagged_timing += row.flagged && true_timing;
    if (!row.auto_resolved) continue;
    ++quality.auto_resolved;
    if (true_timing) {
      ++quality.true_timing;
      continue;
    }
    // Closing a trade that is not a break at all is counted as wrong too: the decision was taken on a break that
    // was not there, and the figure a team relies on is "what share of closures were right".
    ++(row.is_anomaly ? quality.other_breaks : quality.not_breaks);
    if (std::isfinite(row.at_risk_reporting)) {
      quality.wrong_amount += row.at_risk_reporting;
    } else {
      ++quality.wrong_unvalued;
    }
    quality.wrong_above_limit += row.at_risk_reporting > params.max_auto_resolve_amount;
    quality.worst_wrong.push_back(ExampleOf(row));
  }
  quality.precision = Ratio(quality.true_timing, quality.auto_resolved);
  quality.recall = Ratio(quality.true_timing, quality.flagged_timing);
  KeepLargest(quality.worst_wrong, params.max_examples);
  return quality;
}

SeverityFloorQuality MeasureSeverityFloors(const std::vector<TriageRow>& rows, const TriageMetricsParams& params) {
  SeverityFloorQuality quality;
  for (const TriageRow& row : rows) {
    if (!row.flagged) continue;
    ++quality.checked;
    if (row.severity >= row.amount_floor) continue;
    ++quality.violations;
    quality.low_above_medium_floor += row.severity == Severity::kLow && row.amount_floor >= Severity::kMedium;
    quality.worst.push_back(ExampleOf(row));
  }
  KeepLargest(quality.worst, params.max_examples);
  return quality;
}

}  // namespace

TriageMetrics ComputeTriageMetrics(const std::vector<TriageRow>& rows, const TriageMetricsParams& params) {
  TriageMetrics metrics;
  metrics.detection = MeasureDetection(rows);
  metrics.categories = MeasureCategories(rows);
  metrics.auto_resolution = MeasureAutoResolution(rows, params);
  metrics.severity_floors = MeasureSeverityFloors(rows, params);
  return metrics;
}

}  // namespace recon::pipeline
