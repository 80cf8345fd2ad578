#include "recon/pipeline/triage_report.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recon/categorise/valuation.hpp"

namespace recon::pipeline {
namespace {

using categorise::Category;
using json = nlohmann::ordered_json;  // keys in the order the report reads, not sorted

// Column headings of the confusion matrix, in Category order: the full names would make it 200 characters wide.
constexpr const char* kShortNames[categorise::kCategoryCount] = {"RE", "TI", "QM", "PM", "FX", "FC", "DE", "MT", "UN"};

std::string Name(Category category) { return std::string(categorise::CategoryName(category)); }

std::string Count(std::uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string grouped;
  for (std::size_t idx = 0; idx < digits.size(); ++idx) {
    if (idx > 0 && (digits.size() - idx) % 3 == 0) grouped += ',';
    grouped += digits[idx];
  }
  return grouped;
}

std::string Ratio(const std::optional<double>& value) {
  if (!value) return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", *value);
  return text;
}

std::string Money(double amount, const std::string& currency) {
  return std::isfinite(amount) ? categorise::FormatMoney(amount) + " " + currency : "unknown (no FX rate)";
}

std::string Plural(std::uint64_t count, const std::string& one, const std::string& many) {
  return Count(count) + " " + (count == 1 ? one : many);
}

std::string ExampleLine(const TriageExample& example, const std::string& currency) {
  const std::string truth = example.is_anomaly ? "truly " + Name(example.true_category) : "truly no break";
  char line[256];
  std::snprintf(line, sizeof line, "    %-14s %-34s recon: %s, %s (floor %s)  %s\n", example.trade_id.c_str(),
                truth.c_str(), Name(example.category).c_str(),
                std::string(categorise::SeverityName(example.severity)).c_str(),
                std::string(categorise::SeverityName(example.amount_floor)).c_str(),
                Money(example.at_risk_reporting, currency).c_str());
  return line;
}

void RenderCategories(const CategoryQuality& categories, std::ostringstream& out) {
  out << "categories of the " << Plural(categories.total, "flagged true anomaly", "flagged true anomalies")
      << " (rows: truth, columns: recon)\n";
  char cell[64];
  std::snprintf(cell, sizeof cell, "  %-28s", "");
  out << cell;
  for (const char* short_name : kShortNames) {
    std::snprintf(cell, sizeof cell, "%7s", short_name);
    out << cell;
  }
  out << "\n";
  for (std::size_t truth_idx = 0; truth_idx < categorise::kCategoryCount; ++truth_idx) {
    std::snprintf(cell, sizeof cell, "  %s %-25s", kShortNames[truth_idx],
                  Name(static_cast<Category>(truth_idx)).c_str());
    out << cell;
    for (const std::uint64_t count : categories.confusion[truth_idx]) {
      std::snprintf(cell, sizeof cell, "%7llu", static_cast<unsigned long long>(count));
      out << cell;
    }
    out << "\n";
  }
  out << "  accuracy " << Ratio(categories.accuracy) << " (" << Count(categories.correct) << " of "
      << Count(categories.total) << ")\n";
}

void RenderAutoResolution(const TriageEvalReport& report, std::ostringstream& out) {
  const AutoResolutionQuality& quality = report.metrics.auto_resolution;
  const std::string& currency = report.reporting_currency;
  out << "auto-resolution (limit " << Money(report.max_auto_resolve_amount, currency) << " at risk"
      << (report.auto_resolve_timing ? "" : "; off: resolution.auto_resolve_timing is false") << ")\n";
  out << "  auto-resolved " << Count(quality.auto_resolved) << ": "
      << Plural(quality.true_timing, "true Timing Issue", "true Timing Issues") << ", "
      << Plural(quality.other_breaks, "break of another category", "breaks of other categories") << ", "
      << Plural(quality.not_breaks, "trade that was no break", "trades that were no break") << "\n";
  out << "  precision " << Ratio(quality.precision) << ", recall " << Ratio(quality.recall) << " ("
      << Count(quality.true_timing) << " of "
      << Plural(quality.flagged_timing, "flagged true Timing Issue", "flagged true Timing Issues") << ")\n";
  const std::uint64_t wrong = quality.other_breaks + quality.not_breaks;
  out << "  wrongly auto-resolved " << Count(wrong) << ": " << Money(quality.wrong_amount, currency) << " at risk";
  if (quality.wrong_unvalued > 0) out << " (and " << Count(quality.wrong_unvalued) << " without an FX rate)";
  out << ", " << Count(quality.wrong_above_limit) << " above the limit\n";
  for (const TriageExample& example : quality.worst_wrong) out << ExampleLine(example, currency);
}

void RenderSeverityFloors(const TriageEvalReport& report, std::ostringstream& out) {
  const SeverityFloorQuality& quality = report.metrics.severity_floors;
  out << "severity floors (categoriser.severity: the least a break's amount alone allows)\n";
  out << "  graded below their floor: " << Count(quality.violations) << " of " << Count(quality.checked) << " flagged ("
      << Count(quality.low_above_medium_floor) << " graded low with a floor of medium or more)\n";
  for (const TriageExample& example : quality.worst) out << ExampleLine(example, report.reporting_currency);
}

json Nullable(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

json Amount(double amount) { return std::isfinite(amount) ? json(amount) : json(nullptr); }

json ExampleJson(const TriageExample& example) {
  return {{"trade_id", example.trade_id},
          {"is_anomaly", example.is_anomaly},
          {"true_category", example.is_anomaly ? json(Name(example.true_category)) : json(nullptr)},
          {"category", Name(example.category)},
          {"severity", categorise::SeverityName(example.severity)},
          {"amount_floor", categorise::SeverityName(example.amount_floor)},
          {"at_risk", Amount(example.at_risk_reporting)}};
}

json ExamplesJson(const std::vector<TriageExample>& examples) {
  json list = json::array();
  for (const TriageExample& example : examples) list.push_back(ExampleJson(example));
  return list;
}

}  // namespace

std::string RenderTriageEval(const TriageEvalReport& report) {
  const TriageMetrics& metrics = report.metrics;
  const DetectionQuality& detection = metrics.detection;
  std::ostringstream out;
  char line[512];
  out << "recon eval: " << report.input << " (triage quality)\n";
  out << "  rows read " << Count(report.rows_read) << ", rejected " << Count(report.rows_rejected)
      << (report.rows_rejected > 0 ? " (not scored: their labels are left out)" : "") << "; "
      << Plural(detection.anomalies, "labelled anomaly", "labelled anomalies") << "\n";
  std::snprintf(line, sizeof line, "  model: %s fitted on the leading %s rows, threshold %.6f\n",
                report.algorithm.c_str(), Count(report.model_rows).c_str(), report.threshold);
  out << line;
  out << "  amounts in " << report.reporting_currency << ", breaks aged as of " << report.as_of
      << (report.as_of_is_today ? " (today: set valuation.as_of to repeat these figures)" : " (valuation.as_of)")
      << "\n";
  if (report.settle_after_as_of > 0) {
    // Judged as of a day inside the file, later trades look not yet due: evidence of a delay to the resolver.
    out << "  note: " << Plural(report.settle_after_as_of, "trade settles", "trades settle") << " after "
        << report.as_of << " and count as not yet due\n";
  }
  out << "detection\n";
  out << "  ROC-AUC " << Ratio(detection.roc_auc) << ", average precision " << Ratio(detection.average_precision)
      << "\n";
  out << "  flagged " << Count(detection.flagged) << ": precision " << Ratio(detection.precision) << ", recall "
      << Ratio(detection.recall) << " (" << Count(detection.flagged_anomalies) << " of " << Count(detection.anomalies)
      << " anomalies)\n";
  RenderCategories(metrics.categories, out);
  RenderAutoResolution(report, out);
  RenderSeverityFloors(report, out);
  std::snprintf(line, sizeof line, "  time %.2fs\n", report.seconds);
  out << line;
  return out.str();
}

std::string TriageEvalJson(const TriageEvalReport& report) {
  const TriageMetrics& metrics = report.metrics;
  const DetectionQuality& detection = metrics.detection;
  const CategoryQuality& categories = metrics.categories;
  const AutoResolutionQuality& resolution = metrics.auto_resolution;
  const SeverityFloorQuality& floors = metrics.severity_floors;
  json labels = json::array();
  json confusion = json::array();
  for (std::size_t truth_idx = 0; truth_idx < categorise::kCategoryCount; ++truth_idx) {
    labels.push_back(Name(static_cast<Category>(truth_idx)));
    confusion.push_back(categories.confusion[truth_idx]);
  }
  const json out = {
      {"input", report.input},
      {"rows_read", report.rows_read},
      {"rows_rejected", report.rows_rejected},
      {"model", {{"algorithm", report.algorithm}, {"fitted_rows", report.model_rows}, {"threshold", report.threshold}}},
      {"valuation",
       {{"reporting_currency", report.reporting_currency},
        {"as_of", report.as_of},
        {"as_of_is_today", report.as_of_is_today},
        {"settle_after_as_of", report.settle_after_as_of}}},
      {"detection",
       {{"rows", detection.rows},
        {"anomalies", detection.anomalies},
        {"flagged", detection.flagged},
        {"flagged_anomalies", detection.flagged_anomalies},
        {"roc_auc", Nullable(detection.roc_auc)},
        {"average_precision", Nullable(detection.average_precision)},
        {"precision", Nullable(detection.precision)},
        {"recall", Nullable(detection.recall)}}},
      {"categories",
       {{"labels", labels},
        {"confusion", confusion},
        {"total", categories.total},
        {"correct", categories.correct},
        {"accuracy", Nullable(categories.accuracy)}}},
      {"auto_resolution",
       {{"enabled", report.auto_resolve_timing},
        {"max_auto_resolve_amount", report.max_auto_resolve_amount},
        {"auto_resolved", resolution.auto_resolved},
        {"true_timing", resolution.true_timing},
        {"other_breaks", resolution.other_breaks},
        {"not_breaks", resolution.not_breaks},
        {"flagged_timing", resolution.flagged_timing},
        {"precision", Nullable(resolution.precision)},
        {"recall", Nullable(resolution.recall)},
        {"wrong",
         {{"count", resolution.other_breaks + resolution.not_breaks},
          {"amount", resolution.wrong_amount},
          {"unvalued", resolution.wrong_unvalued},
          {"above_limit", resolution.wrong_above_limit},
          {"largest", ExamplesJson(resolution.worst_wrong)}}}}},
      {"severity_floors",
       {{"checked", floors.checked},
        {"violations", floors.violations},
        {"low_above_medium_floor", floors.low_above_medium_floor},
        {"largest", ExamplesJson(floors.worst)}}},
  };
  // Invalid UTF-8 (a trade id from the user's file) is replaced, never thrown on.
  return out.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace recon::pipeline
