#pragma once
// The persistence seam: runs, anomalies, tickets and the audit trail. Writes are idempotent on natural keys, so
// re-running a file or retrying a request never duplicates an anomaly or a ticket. SqliteStore is the embedded
// default; a PostgreSQL implementation will share the same contract and test suite.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "recon/store/run_owner.hpp"

namespace recon {
class Logger;
}

namespace recon::store {

/// A batch run as it starts.
struct RunRecord {
  std::string input_path;
  std::string input_fingerprint;
  std::string model_fingerprint;
  std::string command;  ///< "detect", "train"
  /// The process that runs it; empty = this process (tests name another).
  std::optional<RunOwner> owner = std::nullopt;
};

/// A batch run's outcome.
struct RunStats {
  std::uint64_t rows_read = 0;
  std::uint64_t rows_rejected = 0;
  std::uint64_t anomalies_flagged = 0;
  std::uint64_t anomalies_new = 0;
  std::string status;  ///< "ok" or "failed: reason" ("interrupted: ..." is set only by MarkInterruptedRuns)
};

/// A run found without an outcome whose process had ended, now recorded as interrupted.
struct InterruptedRun {
  std::int64_t run_id = 0;
  std::uint64_t committed = 0;  ///< anomalies stored with its run id: what it committed before it died
};

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

/// A reviewer's correction of an anomaly's category.
struct CategoryCorrection {
  std::int64_t anomaly_id = 0;
  std::string comment;   ///< the anomaly's COMMENT as the categoriser read it: what the correction teaches
  std::string category;  ///< the right category (a categorise::CategoryName)
  std::string reviewer;
  std::string note;
  /// When the anomaly's status is `reopen_status` (e.g. closed automatically as the category corrected away), it
  /// becomes `reopened_status` in the same transaction; empty: the status stays.
  std::string reopen_status;
  std::string reopened_status;
};

/// What RecordCategoryCorrection did.
enum class CorrectionResult {
  kApplied,    ///< kept, and the anomaly's category changed
  kUnchanged,  ///< the anomaly already had that category: nothing was written
  kNotFound,   ///< there is no anomaly with that id
};

/// A kept correction, as the local categoriser learns it.
struct LearnedCategory {
  std::string comment;
  std::string category;
  bool operator==(const LearnedCategory&) const = default;
};

/// An LLM answer kept for reuse, under the SHA-256 key of its question (llm/prompt.hpp).
struct CachedVerdict {
  std::string key;
  std::string category;
  std::string severity;
  std::string summary;
  double confidence = 0.0;
  std::string model;
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

/// A report in the durable outbox: written before any send attempt, delivered at most once per Message-ID.
struct OutboxMail {
  std::int64_t id = 0;
  std::string message_id;  ///< stable across retries, so a receiving server can drop a duplicate
  std::string kind;        ///< "batch", "digest"
  std::string subject;
  std::string text;
  std::string html;
  std::string attachment_path;  ///< empty when none (or when it was too large: the text then names the path)
  std::string created_at;
  std::string state = "pending";  ///< pending | sent | failed (gave up after max attempts)
  int attempts = 0;
  std::string next_attempt_at;
  std::string last_error;
  std::string sent_at;
};

/// One delivery attempt of an outbox mail.
struct MailAttempt {
  std::string at;
  std::string error;  ///< empty when the attempt delivered the mail
};

class Store {
 public:
  virtual ~Store() = default;
  /// Records the start of a run and its owner; returns its id. Commands start runs with StartRun (below), which
  /// calls MarkInterruptedRuns first, so that a run killed earlier does not stay "running" forever.
  virtual std::int64_t BeginRun(const RunRecord& run) = 0;
  /// Finishes every run that has no outcome and whose owner has ended (CheckRunOwner says kEnded: runs of live
  /// processes and of other hosts are left alone) with InterruptedStatus and its committed count as anomalies_new,
  /// in one transaction. Returns them, oldest first; a run is returned by one call only.
  virtual std::vector<InterruptedRun> MarkInterruptedRuns() = 0;
  /// How many stored anomalies run `run_id` inserted (the honest count of what it committed, whatever its end).
  virtual std::uint64_t CountRunAnomalies(std::int64_t run_id) = 0;
  /// Records how a run ended.
  virtual void FinishRun(std::int64_t run_id, const RunStats& stats) = 0;
  /// Inserts the anomalies whose natural key is not stored yet, with an audit row each; returns how many were new.
  virtual std::size_t InsertAnomalies(std::span<const AnomalyRecord> anomalies) = 0;
  /// Indexes (ascending) of the anomalies whose natural key is not stored yet. A read: it never waits for, nor
  /// holds up, a writer, so a re-run's already-stored anomalies cost no write transaction.
  virtual std::vector<std::size_t> UnstoredAnomalies(std::span<const AnomalyRecord> anomalies) = 0;
  /// The ticket of each anomaly key, issuing the next number of the persistent sequence where none exists yet.
  virtual std::vector<std::string> IssueTickets(std::span<const std::string> anomaly_keys, std::string_view prefix) = 0;
  /// How run `run_id` ended ("ok", "failed: ...", "interrupted: ..."); empty while it runs or when there is no
  /// such run.
  virtual std::string RunStatus(std::int64_t run_id) = 0;
  /// Anomalies matching `filter`, newest first, and how many match in all (for pagination).
  virtual std::pair<std::vector<StoredAnomaly>, std::uint64_t> ListAnomalies(const AnomalyFilter& filter) = 0;
  virtual std::optional<StoredAnomaly> GetAnomaly(std::int64_t id) = 0;
  /// The verdict of the anomaly with `natural_key` (id, category, source, confidence, severity, summary, status,
  /// ticket; not its row or explanation), when stored: the service's check for a trade posted again.
  virtual std::optional<StoredAnomaly> FindAnomalyVerdict(std::string_view natural_key) = 0;
  /// Row id of the anomaly with `natural_key`, when stored.
  virtual std::optional<std::int64_t> FindAnomalyId(std::string_view natural_key) = 0;
  /// A reviewer's decision: sets the status and appends an audit row (actor, old and new status, note) in one
  /// transaction. Returns the updated anomaly, or nullopt when there is no such id.
  virtual std::optional<StoredAnomaly> RecordFeedback(std::int64_t id, std::string_view new_status,
                                                      std::string_view reviewer, std::string_view note) = 0;
  /// A reviewer's category correction, in one transaction: keeps it in category_corrections (with the anomaly's key
  /// and trade id and the category it replaces), sets the anomaly's category and its category_source to
  /// "reviewer", and appends an audit row "category X -> Y" (the status stays). A correction to the category the
  /// anomaly already has writes nothing.
  virtual CorrectionResult RecordCategoryCorrection(const CategoryCorrection& correction) = 0;
  /// The comment and category of each corrected anomaly's latest correction, oldest first: what the local
  /// categoriser learns from.
  virtual std::vector<LearnedCategory> CategoryCorrections() = 0;
  /// Ids of the stored anomalies of `trade_id`, ascending, at most `limit` (2 is enough to tell one from several).
  virtual std::vector<std::int64_t> FindAnomalyIdsByTrade(std::string_view trade_id, std::size_t limit) = 0;
  /// The newest `max_entries` rows of an anomaly's audit trail, oldest first.
  virtual std::vector<AuditEntry> AuditTrail(std::int64_t id, std::size_t max_entries) = 0;
  /// Adds a mail to the outbox (due at once); a message_id already there is not added twice. Returns its id.
  virtual std::int64_t EnqueueMail(const OutboxMail& mail) = 0;
  /// Pending mails due at `now` (ISO 8601 UTC), oldest first.
  virtual std::vector<OutboxMail> DueMail(std::string_view now, std::size_t limit) = 0;
  /// Records an attempt: delivered (error empty) marks it sent; otherwise the next attempt time, or failed when
  /// `give_up`.
  virtual void RecordMailAttempt(std::int64_t id, std::string_view error, std::string_view next_attempt_at,
                                 bool give_up) = 0;
  /// Mails in `state` ("" = all), newest first.
  virtual std::vector<OutboxMail> ListMail(std::string_view state) = 0;
  virtual std::vector<MailAttempt> MailAttempts(std::int64_t id) = 0;
  /// Failed mails back to pending, due now; returns how many.
  virtual std::size_t RetryFailedMail(std::string_view now) = 0;
  /// Deletes sent mails (and failed ones too when `include_failed`); returns how many.
  virtual std::size_t PurgeMail(bool include_failed) = 0;
  /// The cached verdict of each key (nullopt where none is stored).
  virtual std::vector<std::optional<CachedVerdict>> FindCachedVerdicts(std::span<const std::string> keys) = 0;
  /// Stores verdicts; a key already present keeps its first answer.
  virtual void SaveCachedVerdicts(std::span<const CachedVerdict> verdicts) = 0;
  virtual std::uint64_t CountCachedVerdicts() = 0;
  virtual std::uint64_t CountAnomalies() = 0;
  virtual std::uint64_t CountTickets() = 0;
  virtual std::uint64_t CountRuns() = 0;
  /// A number that changes whenever another connection (another process, or another Store on the same file)
  /// commits a change; this connection's own commits leave it as it is. For caches kept beside the store.
  virtual std::uint64_t ChangesByOthers() = 0;
};

/// How every command starts a run: marks the runs left without an outcome by a process that died (SIGKILL, a crash,
/// a power cut) as interrupted, logging `run.interrupted` with run_id and committed for each, then begins `run`.
/// Returns its id. Written once for every backend: the liveness rule is CheckRunOwner's.
std::int64_t StartRun(Store& store, const RunRecord& run, const Logger& logger);

/// Opens the SQLite store at `path` (created with its folder when missing). Throws Unavailable or Corrupt.
std::unique_ptr<Store> OpenSqliteStore(const std::string& path);

}  // namespace recon::store
