#pragma once
// The one scoring path every entry point shares (`recon detect`, /realtime_anomaly/, /batch_anomaly/, /ws): from a
// decoded batch with its features to the anomaly records the sinks take (the CSV writer, the store, the outbox,
// the live feed, HTTP answers). Sources decode and featurise in arrival order (feature history is theirs); this
// scores, clusters, explains, keys, categorises and resolves, so a trade gets the same verdict, key and ticket
// whichever way it arrives.
//
// Two steps, so a caller can serialise what writes to the store: Assess (detect, cluster, explain, key,
// categorise; no store writes) and Resolve (tickets, then the records).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recon/categorise/categoriser.hpp"
#include "recon/categorise/valuation.hpp"
#include "recon/features/feature_matrix.hpp"
#include "recon/io/record_batch.hpp"
#include "recon/models/model_bundle.hpp"
#include "recon/pipeline/anomaly_rows.hpp"
#include "recon/pipeline/stage_timer.hpp"
#include "recon/resolve/resolver.hpp"
#include "recon/store/store.hpp"

namespace recon::pipeline {

/// A batch scored and, for its flagged rows, explained, keyed and categorised.
struct AssessedBatch {
  std::vector<double> scores;             ///< per row
  std::vector<std::int32_t> clusters;     ///< per row
  std::vector<std::size_t> flagged_rows;  ///< rows above the model's threshold, ascending
  // Per flagged row, in flagged_rows order:
  std::vector<std::string> keys;  ///< natural keys (NaturalKeys)
  std::vector<categorise::AnomalyEvidence> evidence;  ///< valued, explained, with score and cluster
  std::vector<std::vector<models::FeatureContribution>> contributions;  ///< the detector's, largest first
  /// The stored anomaly when the trade is stored already (a retry, a replay, the same trade by another entry
  /// point): its verdict, ticket and any reviewer decision stand, and it is neither categorised nor resolved.
  std::vector<std::optional<store::StoredAnomaly>> known;
  std::vector<categorise::Categorisation> verdicts;  ///< for the new ones (default-constructed for known ones)
};

/// Where a batch came from, for the records.
struct BatchOrigin {
  std::int64_t run_id = 0;
  std::string_view source;  ///< input file, or "api:realtime", "api:batch", "api:ws"
  /// The input row as stored (a JSON object), asked for flagged rows only.
  std::function<std::string(std::size_t row_idx)> row_json;
};

class ScoringPath {
 public:
  /// The stored anomalies of `keys` (nullopt where none): lets a trade stored already keep its verdict.
  using KnownVerdicts =
      std::function<std::vector<std::optional<store::StoredAnomaly>>(const std::vector<std::string>& keys)>;

  /// Holds references: all must outlive the path. `known` may be empty (every flagged trade treated as new; the
  /// store's idempotent inserts still keep one anomaly per key). Batches of fewer than `parallel_from_rows` rows
  /// are scored on the calling thread (a request's few trades).
  ScoringPath(const models::ModelBundle& bundle, categorise::Categoriser& categoriser, resolve::Resolver& resolver,
              const categorise::ValuationParams& valuation, unsigned threads, KnownVerdicts known = {},
              std::size_t parallel_from_rows = 0);

  /// Scores `records` (whose features are `all_features`; `model_input` is scratch) and assesses the flagged rows,
  /// keyed by `keys`: one per run for a file (identical rows in it are distinct anomalies), one per request for the
  /// API (a trade posted again is the same anomaly). Stage times go to `times`. Safe to call concurrently.
  AssessedBatch Assess(const io::RecordBatch& records, const features::FeatureMatrix& all_features,
                       features::FeatureMatrix& model_input, NaturalKeys& keys, StageTimes& times);

  /// Issues tickets for the new anomalies the resolver closes and returns one record per flagged row (for known
  /// trades, this arrival's row with the stored verdict, ticket and decision). Writes to the resolver's store: callers serialise it.
  std::vector<store::AnomalyRecord> Resolve(const AssessedBatch& batch, const io::RecordBatch& records,
                                            const BatchOrigin& origin, StageTimes& times);

  /// The model's column names, for explanations.
  const std::vector<std::string>& ModelColumnNames() const { return model_names_; }

 private:
  const models::ModelBundle& bundle_;
  categorise::Categoriser& categoriser_;
  resolve::Resolver& resolver_;
  categorise::Valuer valuer_;
  unsigned threads_;
  KnownVerdicts known_;
  std::size_t parallel_from_rows_;
  std::vector<std::string> model_names_;
};

}  // namespace recon::pipeline
