#include "recon/pipeline/batch_detector.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "recon/core/parallel.hpp"
#include "recon/pipeline/stage_timer.hpp"

namespace recon::pipeline {
namespace {

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
      store_writer_(store_writer),
      run_id_(run_id),
      header_(header),
      output_(output),
      report_(report),
      resolver_(config.resolution, store, config.valuation.reporting_currency),
      // A trade stored already (by the API, or an earlier run) keeps its verdict, ticket and reviewer decision.
      path_(bundle, categoriser, resolver_, config.valuation, ResolveThreadCount(config.threads),
            [&store](const std::vector<std::string>& keys) {
              std::vector<std::optional<store::StoredAnomaly>> known(keys.size());
              for (std::size_t idx = 0; idx < keys.size(); ++idx) known[idx] = store.FindAnomalyVerdict(keys[idx]);
              return known;
            }),
      top_(config.email.top_anomalies) {}

void BatchDetector::Process(FeaturedBatch& batch) {
  const io::RawBatch& raw = batch.ingest->raw;
  const io::RecordBatch& records = batch.ingest->records;
  const AssessedBatch assessed =
      path_.Assess(records, batch.all_features, batch.model_input, natural_keys_, report_.times);
  const BatchOrigin origin{run_id_, options_.input, [&](std::size_t row_idx) {
                             return RowJson(raw, records.RawRowIndex(row_idx), header_);
                           }};
  std::vector<store::AnomalyRecord> stored = path_.Resolve(assessed, records, origin, report_.times);
  ScopedStage stage(report_.times, "output");
  for (std::size_t idx = 0; idx < stored.size(); ++idx) {
    const store::AnomalyRecord& record = stored[idx];
    if (top_.Wants(record.score)) {
      top_.Offer({record.trade_id, record.desk, record.category, record.severity, record.status, record.score,
                  assessed.evidence[idx].amount_diff, assessed.evidence[idx].comment, record.summary});
    }
    ++report_.by_category[record.category];
    ++report_.by_status[record.status];
    ++report_.by_severity[record.severity];
    if (record.category == categorise::CategoryName(categorise::Category::kTimingIssue) &&
        record.status == resolve::kStatusPendingReview) {
      CountHeldReasons(record.resolution_reason, report_.timing_held_by_reason);
    }
  }
  // Queued for the store before the CSV is written: the tickets are already issued, so if writing fails the
  // anomalies must still reach the store (RunDetect flushes them on failure).
  const std::size_t first_new = pending_.size();
  pending_.insert(pending_.end(), std::make_move_iterator(stored.begin()), std::make_move_iterator(stored.end()));
  report_.flagged += assessed.flagged_rows.size();
  WriteRows(raw, records, assessed.scores, assessed.clusters, assessed.flagged_rows,
            std::span(pending_).subspan(first_new));
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
