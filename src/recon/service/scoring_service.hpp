#pragma once
// The service's side of the scoring path (pipeline/scoring_path.hpp) for trades arriving one at a time or in
// small batches (REST and WebSocket): what is its own is concurrency, the model it holds, and the store it
// answers from. Feature history (per-desk windows, lag profiles, recent keys) advances under one lock, so a trade
// scored here gets what it would get in a batch after the same history. Categorisation (possibly an LLM call)
// runs outside that lock; store writes are serialised on their own lock, since SQLite transactions cannot
// interleave on one connection.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recon/categorise/categoriser.hpp"
#include "recon/core/logger.hpp"
#include "recon/models/model_bundle.hpp"
#include "recon/pipeline/categoriser_factory.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/pipeline/scoring_path.hpp"
#include "recon/resolve/resolver.hpp"
#include "recon/service/report_mailer.hpp"
#include "recon/service/trade_json.hpp"
#include "recon/service/verdict_cache.hpp"
#include "recon/store/store.hpp"

namespace recon::service {

/// The verdict on one trade.
struct TradeVerdict {
  std::string trade_id;
  double score = 0.0;
  bool flagged = false;
  int cluster = -1;
  nlohmann::json explanation = nlohmann::json::array();  ///< [{feature, value, share}], flagged trades only
  std::string category;
  std::string severity;
  std::string summary;
  std::string status = "Normal";
  std::string ticket_id;
  std::string resolution_reason;  ///< the evidence it was auto-resolved on, or why it was held back
  std::string category_source;
  double confidence = 0.0;
  std::optional<std::int64_t> anomaly_id;  ///< the stored anomaly, for /anomalies/{id} and feedback
};
nlohmann::json ToJson(const TradeVerdict& verdict);

/// Which API entry point a batch of trades came by (the anomaly's `source`, and what is e-mailed).
enum class EntryPoint { kRealtime, kBatch, kStream };
std::string_view EntryPointName(EntryPoint entry);

/// Counters for /health and /metrics.
struct ServiceCounters {
  std::atomic<std::uint64_t> trades_scored{0};
  std::atomic<std::uint64_t> anomalies_flagged{0};
  std::atomic<std::uint64_t> anomalies_stored{0};
};

class ScoringService {
 public:
  /// Opens the store, loads the model bundle (or trains it from server.train_data when missing and saves it).
  /// Without a model the service is degraded: Ready() is false and scoring throws Unavailable.
  ScoringService(const pipeline::Config& config, const Logger& logger, bool use_llm = false);
  ~ScoringService();

  bool Ready() const { return bundle_.has_value(); }
  /// Why the service is degraded ("" when ready).
  const std::string& DegradedReason() const { return degraded_reason_; }
  /// SHA-256 of the loaded model bundle ("" when degraded), with its training metadata.
  const std::string& ModelFingerprint() const { return model_fingerprint_; }
  nlohmann::json ModelInfo() const;

  /// Scores `trades` (JSON objects) in order; stores, tickets and reports the anomalies. When any trade is
  /// malformed, nothing is scored: the result is empty and `problems` lists every bad field (named
  /// "trades[i].FIELD" when `indexed`). Throws Unavailable when degraded.
  std::vector<TradeVerdict> Score(const std::vector<const nlohmann::json*>& trades, EntryPoint entry,
                                  bool indexed, std::vector<FieldProblem>& problems);

  /// Called after a request stored new anomalies, from the scoring thread (wakes the live feed's store reader).
  void SetStoredListener(std::function<void()> listener);

  // Review API. Reads run on reader connections of their own (SQLite's WAL lets them go on beside the writer), so
  // a long listing holds up neither scoring nor other reads; a decision is serialised with store writes.
  std::pair<std::vector<store::StoredAnomaly>, std::uint64_t> ListAnomalies(const store::AnomalyFilter& filter);
  std::optional<store::StoredAnomaly> GetAnomaly(std::int64_t id);
  /// The newest `max_entries` rows of the audit trail, oldest first.
  std::vector<store::AuditEntry> AuditTrail(std::int64_t id, std::size_t max_entries);
  /// Anomalies stored after `after_id`, oldest first, and the newest id: the live feed follows the store by them.
  std::vector<store::StoredAnomaly> AnomaliesAfter(std::int64_t after_id, std::size_t limit);
  std::int64_t LastAnomalyId();
  std::optional<store::StoredAnomaly> RecordFeedback(std::int64_t id, std::string_view status,
                                                     std::string_view reviewer, std::string_view note);
  /// A reviewer's category correction (pipeline::CorrectCategory). When it changed the category, the local
  /// categoriser has learnt it before this returns: the next trade scored sees it. nullopt when there is no such
  /// anomaly. `reviewer` must have passed pipeline::ReviewerNameProblem.
  std::optional<store::CorrectionResult> CorrectCategory(std::int64_t id, categorise::Category category,
                                                         std::string_view reviewer, std::string_view note);
  /// Store state for /health (probed at most once a second); throws Unavailable when the store cannot be read.
  nlohmann::json StoreState();

  const ServiceCounters& Counters() const { return counters_; }
  /// E-mail reports queued since start.
  std::uint64_t ReportsQueued() const { return mailer_ ? mailer_->Queued() : 0; }
  /// LLM counters when an LLM is configured, else null.
  const llm::LlmStats* LlmStats() const { return categoriser_.llm_stats; }
  /// Stops LLM calls in flight and records the serving run as finished.
  void Shutdown();

 private:
  const pipeline::Config& config_;
  const Logger& logger_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Store> cache_store_;  // the LLM cache's own connection
  // Read connections for the per-request "stored already?" check: SQLite in WAL mode serves readers in parallel
  // with each other and with the writer, which one shared connection (and its lock) would serialise.
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<store::Store>> idle_readers_;
  std::unique_ptr<store::Store> TakeReader();
  void ReturnReader(std::unique_ptr<store::Store> reader);
  /// `read(store)` on a reader connection, returned to the pool afterwards.
  template <class Read>
  auto WithReader(Read read);
  std::mutex store_mutex_;
  // Verdicts of anomalies already stored, for trades posted again; emptied when another process changes the
  // store (checked at most once a second, so a reviewer's decision made elsewhere shows within that second).
  VerdictCache known_verdicts_;
  std::atomic<std::int64_t> changes_checked_at_ms_{0};
  std::uint64_t changes_by_others_ = 0;  // under store_mutex_
  void ForgetVerdictsChangedElsewhere();
  std::vector<std::optional<store::StoredAnomaly>> FindKnownVerdicts(const std::vector<std::string>& keys);
  void RememberStored(const std::vector<store::AnomalyRecord>& records, const std::vector<std::int64_t>& ids);
  std::optional<models::ModelBundle> bundle_;
  std::mutex model_mutex_;  // feature history and the clusterer/detector scratch
  std::string degraded_reason_;
  std::string model_fingerprint_;
  pipeline::RunCategoriser categoriser_;
  // Learning is serialised and reads every kept correction after the caller's was committed, so the last model
  // swapped in has them all. A burst of corrections retrains once per waiting caller at most: a caller whose
  // correction a retraining already read (corrections_learned_ >= its number) returns at once.
  std::mutex learn_mutex_;
  std::atomic<std::uint64_t> corrections_committed_{0};
  std::uint64_t corrections_learned_ = 0;  // under learn_mutex_
  void LearnCorrections(std::uint64_t committed);
  std::unique_ptr<resolve::Resolver> resolver_;
  std::unique_ptr<pipeline::ScoringPath> path_;  // when the model is loaded
  std::int64_t run_id_ = 0;
  ServiceCounters counters_;
  std::unique_ptr<ReportMailer> mailer_;
  std::function<void()> stored_listener_;
  std::mutex health_mutex_;
  std::chrono::steady_clock::time_point store_probed_at_{};
  std::string store_error_;
  bool shut_down_ = false;
};

}  // namespace recon::service
