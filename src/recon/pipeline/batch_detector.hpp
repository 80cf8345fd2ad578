#pragma once
// `recon detect`'s sinks on the scoring path: each featurised batch goes through ScoringPath, then its rows to the
// anomalies CSV, its anomalies to the store writer and the run's report. One object per run; batches arrive in
// file order.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "recon/categorise/categoriser.hpp"
#include "recon/io/csv_writer.hpp"
#include "recon/models/model_bundle.hpp"
#include "recon/pipeline/anomaly_rows.hpp"
#include "recon/pipeline/async_store_writer.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/pipeline/detect_job.hpp"
#include "recon/pipeline/featured_batch.hpp"
#include "recon/pipeline/scoring_path.hpp"
#include "recon/resolve/resolver.hpp"
#include "recon/store/store.hpp"

namespace recon::pipeline {

class BatchDetector {
 public:
  /// The columns appended to the input's in the anomalies CSV.
  static const std::vector<std::string>& ResultColumns();

  BatchDetector(const Config& config, const DetectOptions& options, models::ModelBundle& bundle, store::Store& store,
                categorise::Categoriser& categoriser, AsyncStoreWriter& store_writer, std::int64_t run_id,
                const std::vector<std::string>& header, io::CsvWriter& output, DetectReport& report);

  /// Scores and resolves one batch, writes its rows and queues its anomalies for the store.
  void Process(FeaturedBatch& batch);
  /// Hands buffered anomalies to the store writer (also called at the end of the run).
  void Flush();

 private:
  void WriteRows(const io::RawBatch& raw, const io::RecordBatch& records, const std::vector<double>& scores,
                 const std::vector<std::int32_t>& clusters, const std::vector<std::size_t>& flagged_rows,
                 std::span<const store::AnomalyRecord> stored);

  const DetectOptions& options_;
  AsyncStoreWriter& store_writer_;
  std::int64_t run_id_;
  const std::vector<std::string>& header_;
  io::CsvWriter& output_;
  DetectReport& report_;
  resolve::Resolver resolver_;
  ScoringPath path_;
  NaturalKeys natural_keys_;  // one per run: identical rows of a file are distinct anomalies
  std::vector<store::AnomalyRecord> pending_;
  report::TopAnomalies top_;
};

}  // namespace recon::pipeline
