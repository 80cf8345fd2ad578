#pragma once
// Anomalies and their audit trail: each flagged trade stored once under its natural key, with an audit row from
// its first verdict on; listed, paged and looked up by id, key or trade.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace recon::store {

/// One flagged trade with its verdict.
struct AnomalyRecord {
  std::string natural_key;  ///< SHA-256 of the source row's content and its occurrence number
  std::int64_t run_id = 0;
  std::string source;
  std::uint64_t line = 0;
  std::string trade_id;
  std::string trade_date;
  std::string desk;
  double score = 0.0;
  int cluster = -1;
  std::string category;
  std::string category_source;
  double confidence = 0.0;
  std::string severity;
  std::string summary;
  std::string status;
  std::string ticket_id;
  std::string resolution_reason;  ///< the evidence it was auto-resolved on, or why it was held back
  std::string explanation;
  std::string row_json;  ///< the input row as a JSON object of header -> text
};

/// Which stored anomalies to list (empty strings match everything; dates are ISO yyyy-mm-dd, inclusive).
struct AnomalyFilter {
  std::string status;
  std::string category;
  std::string desk;
  std::string trade_date_from;
  std::string trade_date_to;
  std::size_t limit = 50;
  std::size_t offset = 0;
  std::int64_t before_id = 0;  ///< > 0: only ids below it (a page read in parts goes on from its last id, not by offset)
};

/// An anomaly as stored, with its row id and timestamps.
struct StoredAnomaly {
  std::int64_t id = 0;
  AnomalyRecord record;
  std::string created_at;
  std::string updated_at;
};

/// One line of an anomaly's audit trail.
struct AuditEntry {
  std::string at;
  std::string actor;
  std::string old_status;
  std::string new_status;
  std::string note;
};

/// Stored anomalies: inserted once per natural key with their first audit row, then read.
class AnomalyStore {
 public:
  virtual ~AnomalyStore() = default;
  /// Inserts the anomalies whose natural key is not stored yet, with an audit row each ("detected", and the
  /// resolution reason when there is one); returns how many were new.
  virtual std::size_t InsertAnomalies(std::span<const AnomalyRecord> anomalies) = 0;
  /// Indexes (ascending) of the anomalies whose natural key is not stored yet. A read: it never waits for, nor
  /// holds up, a writer, so a re-run's already-stored anomalies cost no write transaction.
  virtual std::vector<std::size_t> UnstoredAnomalies(std::span<const AnomalyRecord> anomalies) = 0;
  /// Anomalies matching `filter`, newest first, and how many match in all (for pagination).
  virtual std::pair<std::vector<StoredAnomaly>, std::uint64_t> ListAnomalies(const AnomalyFilter& filter) = 0;
  /// The anomaly with row id `id`, when stored.
  virtual std::optional<StoredAnomaly> GetAnomaly(std::int64_t id) = 0;
  /// Up to `limit` anomalies with ids above `after_id`, oldest first: how the live feed follows the store, whichever
  /// process writes it.
  virtual std::vector<StoredAnomaly> AnomaliesAfter(std::int64_t after_id, std::size_t limit) = 0;
  /// The highest anomaly id (0 when none).
  virtual std::int64_t LastAnomalyId() = 0;
  /// The verdict of the anomaly with `natural_key` (id, category, source, confidence, severity, summary, status,
  /// ticket, resolution reason; not its row or explanation), when stored: the service's check for a trade posted
  /// again.
  virtual std::optional<StoredAnomaly> FindAnomalyVerdict(std::string_view natural_key) = 0;
  /// Row id of the anomaly with `natural_key`, when stored.
  virtual std::optional<std::int64_t> FindAnomalyId(std::string_view natural_key) = 0;
  /// Ids of the stored anomalies of `trade_id`, ascending, at most `limit` (2 is enough to tell one from several).
  virtual std::vector<std::int64_t> FindAnomalyIdsByTrade(std::string_view trade_id, std::size_t limit) = 0;
  /// The newest `max_entries` rows of an anomaly's audit trail, oldest first.
  virtual std::vector<AuditEntry> AuditTrail(std::int64_t id, std::size_t max_entries) = 0;
  /// How many anomalies are stored.
  virtual std::uint64_t CountAnomalies() = 0;
};

}  // namespace recon::store
