#include "recon/pipeline/batch_detector.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "recon/core/date.hpp"
#include "recon/core/parallel.hpp"
#include "recon/features/distinct_rows.hpp"
#include "recon/pipeline/stage_timer.hpp"

namespace recon::pipeline {
namespace {

constexpr std::size_t kExplainTopFeatures = 3;

std::string FormatScore(double score) {
  char buffer[400];  // room for any double in fixed notation (LOF scores are not bounded)
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, score, std::chars_format::fixed, 6);
  return std::string(buffer, result.ptr);
}

// Counts each "; "-separated condition of a held-back reason by its label (the text before any parenthesis).
void CountHeldReasons(std::string_view reason, std::map<std::string, std::uint64_t>& counts) {
  while (!reason.empty()) {
    const std::size_t end = std::min(reason.find("; "), reason.size());
    std::string_view clause = reason.substr(0, end);
    clause = clause.substr(0, std::min(clause.find(" ("), clause.size()));
    ++counts[std::string(clause)];
    reason.remove_prefix(std::min(end + 2, reason.size()));
  }
}

}  // namespace

const std::vector<std::string>& BatchDetector::ResultColumns() {
  // category_source (local, llm, cache) and resolution_reason come last so the documented column order stays intact.
  static const std::vector<std::string> kColumns = {"anomaly_score", "flagged", "cluster",     "category",
                                                    "severity",      "summary", "status",      "ticket_id",
                                                    "explanation",   "category_source", "resolution_reason"};
  return kColumns;
}

BatchDetector::BatchDetector(const Config& config, const DetectOptions& options, models::ModelBundle& bundle,
                             store::Store& store, categorise::Categoriser& categoriser, AsyncStoreWriter& store_writer,
                             std::int64_t run_id, const std::vector<std::string>& header, io::CsvWriter& output,
                             DetectReport& report)
    : options_(options),
      bundle_(bundle),
      store_writer_(store_writer),
      run_id_(run_id),
      header_(header),
      output_(output),
      report_(report),
      categoriser_(categoriser),
      valuer_(config.valuation),
      resolver_(config.resolution, store, config.valuation.reporting_currency),
      threads_(ResolveThreadCount(config.threads)),
      top_(config.email.top_anomalies) {
  const auto& builder = *bundle.features;
  for (const std::size_t col_idx : builder.ModelColumns()) model_names_.push_back(builder.Names()[col_idx]);
}

void BatchDetector::Process(FeaturedBatch& batch) {
  const io::RawBatch& raw = batch.ingest->raw;
  const io::RecordBatch& records = batch.ingest->records;
  const features::FeatureMatrix& all_features = batch.all_features;
  features::FeatureMatrix& model_input = batch.model_input;
  {
    ScopedStage stage(report_.times, "select");
    all_features.SelectInto(bundle_.features->ModelColumns(), model_input);
  }
  std::vector<double> scores;
  std::vector<std::size_t> flagged_rows;
  features::DistinctRows distinct;
  {
    ScopedStage stage(report_.times, "detect");
    distinct = features::FindDistinctRows(model_input);
    scores = features::ScatterToRows(bundle_.detector->Score(distinct.rows, threads_), distinct);
    for (std::size_t row_idx = 0; row_idx < scores.size(); ++row_idx) {
      if (scores[row_idx] > bundle_.threshold) flagged_rows.push_back(row_idx);
    }
  }
  std::vector<std::int32_t> clusters;
  {
    ScopedStage stage(report_.times, "cluster");
    clusters = features::ScatterToRows(bundle_.clusterer->Assign(distinct.rows, threads_), distinct);
  }
  std::vector<categorise::AnomalyEvidence> evidence(flagged_rows.size());
  std::vector<categorise::Categorisation> verdicts;
  {
    ScopedStage stage(report_.times, "categorise");
    ParallelFor(flagged_rows.size(), 64, threads_, [&](std::size_t begin, std::size_t end) {
      std::vector<const float*> rows(end - begin);
      for (std::size_t idx = begin; idx < end; ++idx) rows[idx - begin] = model_input.Row(flagged_rows[idx]);
      std::vector<std::vector<models::FeatureContribution>> contributions(end - begin);
      bundle_.detector->ExplainRows(rows, contributions);
      for (std::size_t idx = begin; idx < end; ++idx) {
        const std::size_t row_idx = flagged_rows[idx];
        evidence[idx] = BuildEvidence(records, row_idx, all_features.Row(row_idx));
        valuer_.Value(evidence[idx]);
        evidence[idx].explanation =
            FormatExplanation(contributions[idx - begin], model_names_, rows[idx - begin], kExplainTopFeatures);
        evidence[idx].cluster = clusters[row_idx];
        evidence[idx].score = scores[row_idx];
      }
    });
    verdicts = categoriser_.Categorise(evidence);
  }
  std::vector<std::string> keys(flagged_rows.size());
  std::vector<resolve::Resolution> resolutions;
  {
    ScopedStage stage(report_.times, "resolve");
    std::vector<resolve::ResolutionInput> inputs(flagged_rows.size());
    for (std::size_t idx = 0; idx < flagged_rows.size(); ++idx) {
      keys[idx] = natural_keys_.KeyOf(raw, records.RawRowIndex(flagged_rows[idx]));
      inputs[idx] = {keys[idx], &evidence[idx], verdicts[idx].category, verdicts[idx].confidence,
                     verdicts[idx].local_category};
    }
    resolutions = resolver_.Resolve(inputs);
  }
  ScopedStage stage(report_.times, "output");
  std::vector<store::AnomalyRecord> stored(flagged_rows.size());
  for (std::size_t idx = 0; idx < flagged_rows.size(); ++idx) {
    const std::size_t row_idx = flagged_rows[idx];
    const auto& verdict = verdicts[idx];
    store::AnomalyRecord& record = stored[idx];
    record.natural_key = keys[idx];
    record.run_id = run_id_;
    record.source = options_.input;
    record.line = records.Line(row_idx);
    record.trade_id = evidence[idx].trade_id;
    record.trade_date = FormatIsoDate(records.Date(Field::kTradeDate, row_idx));
    record.desk = evidence[idx].desk;
    record.score = scores[row_idx];
    record.cluster = clusters[row_idx];
    record.category = categorise::CategoryName(verdict.category);
    record.category_source = categorise::SourceName(verdict.source);
    record.confidence = verdict.confidence;
    record.severity = categorise::SeverityName(verdict.severity);
    record.summary = verdict.summary;
    record.status = resolutions[idx].status;
    record.ticket_id = resolutions[idx].ticket_id;
    record.resolution_reason = resolutions[idx].reason;
    record.explanation = evidence[idx].explanation;
    record.row_json = RowJson(raw, records.RawRowIndex(row_idx), header_);
    if (top_.Wants(record.score)) {
      top_.Offer({record.trade_id, record.desk, record.category, record.severity, record.status, record.score,
                  evidence[idx].amount_diff, evidence[idx].comment, record.summary});
    }
    ++report_.by_category[record.category];
    ++report_.by_status[record.status];
    ++report_.by_severity[record.severity];
    if (verdict.category == categorise::Category::kTimingIssue && record.status == resolve::kStatusPendingReview) {
      CountHeldReasons(record.resolution_reason, report_.timing_held_by_reason);
    }
  }
  // Queued for the store before the CSV is written: the tickets are already issued, so if writing fails the
  // anomalies must still reach the store (RunDetect flushes them on failure).
  const std::size_t first_new = pending_.size();
  pending_.insert(pending_.end(), std::make_move_iterator(stored.begin()), std::make_move_iterator(stored.end()));
  report_.flagged += flagged_rows.size();
  WriteRows(raw, records, scores, clusters, flagged_rows, std::span(pending_).subspan(first_new));
  Flush();  // every batch: the writer sorts out the stored ones at once and gathers new ones into large inserts
}

void BatchDetector::Flush() {
  report_.top_anomalies = top_.Sorted();
  ScopedStage stage(report_.times, "store (wait)");
  store_writer_.Submit(std::move(pending_));
  pending_.clear();
}

void BatchDetector::WriteRows(const io::RawBatch& raw, const io::RecordBatch& records,
                              const std::vector<double>& scores, const std::vector<std::int32_t>& clusters,
                              const std::vector<std::size_t>& flagged_rows,
                              std::span<const store::AnomalyRecord> stored) {
  std::size_t next_flagged = 0;
  for (std::size_t row_idx = 0; row_idx < records.RowCount(); ++row_idx) {
    const bool is_flagged = next_flagged < flagged_rows.size() && flagged_rows[next_flagged] == row_idx;
    if (!is_flagged && !options_.all_rows) continue;
    const std::uint32_t raw_row = records.RawRowIndex(row_idx);
    for (std::size_t col_idx = 0; col_idx < header_.size(); ++col_idx) output_.Field(raw.Field(raw_row, col_idx));
    output_.Field(FormatScore(scores[row_idx]));
    output_.Field(is_flagged ? "1" : "0");
    output_.Field(std::to_string(clusters[row_idx]));
    if (is_flagged) {
      const store::AnomalyRecord& record = stored[next_flagged++];
      for (const std::string* value : {&record.category, &record.severity, &record.summary, &record.status,
                                       &record.ticket_id, &record.explanation, &record.category_source,
                                       &record.resolution_reason}) {
        output_.Field(*value);
      }
    } else {
      for (int empty = 0; empty < 8; ++empty) output_.Field("");
    }
    output_.EndRow();
  }
}

}  // namespace recon::pipeline
