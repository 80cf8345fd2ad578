// SQLite implementation of Store (every concern's interface; opened by OpenStore for a `sqlite:` URL): WAL
// journal, one transaction per call; the schema and its upgrades are in sqlite_schema.cpp.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>
#include <unordered_map>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/store/run_owner.hpp"
#include "recon/store/sqlite_schema.hpp"
#include "recon/store/sqlite_statement.hpp"
#include "recon/store/sqlite_store.hpp"

namespace recon::store {
namespace {

constexpr std::size_t kRowsPerTransaction = 2048;

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path) : path_(path) {
    std::error_code error;
    const std::filesystem::path file(path);
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), error);
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      const std::string reason = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      ThrowUnavailable("cannot open the store '" + path + "': " + reason);
    }
    sqlite3_busy_handler(db_, &SqliteStore::WaitForLock, nullptr);
    int version = 0;
    try {
      Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
      version = UserVersion();
    } catch (const Error&) {
      sqlite3_close(db_);
      db_ = nullptr;
      ThrowCorrupt("the store '" + path + "' is not a readable SQLite database; move it aside to start afresh");
    }
    try {
      RefuseNewer(version);
      Execute("BEGIN IMMEDIATE");
      // Read again under the write lock: another process may have upgraded the store since.
      version = UserVersion();
      RefuseNewer(version);
      CreateOrUpgradeSchema(db_, version, path_);
      Execute("COMMIT");
    } catch (const Error&) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      sqlite3_close(db_);
      db_ = nullptr;
      throw;
    }
  }
  ~SqliteStore() override {
    prepared_.clear();
    sqlite3_close(db_);
  }

  // Another connection (the run's background writer, or another process) holds the write lock. SQLite's own
  // busy timeout sleeps in steps of up to 100 ms; this polls every 0.2-2 ms so a short transaction elsewhere costs
  // about its own length, and gives up after about 10 s.
  static int WaitForLock(void* /*unused*/, int attempts) {
    if (attempts >= 5000) return 0;
    std::this_thread::sleep_for(std::chrono::microseconds(attempts < 100 ? 200 : 2000));
    return 1;
  }

  std::int64_t BeginRun(const RunRecord& run) override {
    const RunOwner owner = run.owner ? *run.owner : CurrentRunOwner();
    Statement insert(db_,
                     "INSERT INTO runs(command, input_path, input_fingerprint, model_fingerprint, started_at, "
                     "owner_host, owner_pid, owner_start_ticks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.Bind(1, run.command)
        .Bind(2, run.input_path)
        .Bind(3, run.input_fingerprint)
        .Bind(4, run.model_fingerprint)
        .Bind(5, UtcNowIso8601())
        .Bind(6, owner.host)
        .Bind(7, owner.pid)
        .Bind(8, static_cast<std::int64_t>(owner.start_ticks));
    insert.Step();
    return sqlite3_last_insert_rowid(db_);
  }

  std::vector<InterruptedRun> MarkInterruptedRuns() override {
    std::vector<InterruptedRun> marked;
    // One write transaction: two processes starting at once cannot both mark (and log) the same run.
    Transaction transaction(*this);
    std::vector<std::pair<std::int64_t, RunOwner>> unfinished;
    {
      Statement query(db_,
                      "SELECT id, COALESCE(owner_host, ''), COALESCE(owner_pid, 0), COALESCE(owner_start_ticks, 0), "
                      "started_at FROM runs WHERE status IS NULL ORDER BY id");
      while (query.Step()) {
        unfinished.emplace_back(query.Int(0), RunOwner{query.Text(1), query.Int(2),
                                                       static_cast<std::uint64_t>(query.Int(3)), query.Text(4)});
      }
    }
    if (unfinished.empty()) return marked;  // the rollback of a transaction that wrote nothing
    const std::string now = UtcNowIso8601();
    Statement update(db_,
                     "UPDATE runs SET finished_at = ?, anomalies_new = ?, status = ? WHERE id = ? AND status IS NULL");
    for (const auto& [run_id, owner] : unfinished) {
      if (CheckRunOwner(owner) != OwnerLiveness::kEnded) continue;
      const std::uint64_t committed = CountRunAnomalies(run_id);
      update.Bind(1, now)
          .Bind(2, static_cast<std::int64_t>(committed))
          .Bind(3, InterruptedStatus(committed))
          .Bind(4, run_id);
      update.Step();
      update.Reset();
      marked.push_back({run_id, committed});
    }
    transaction.Commit();
    return marked;
  }

  std::uint64_t CountRunAnomalies(std::int64_t run_id) override {
    Statement count(db_, "SELECT COUNT(*) FROM anomalies WHERE first_run_id = ?");
    count.Bind(1, run_id);
    return count.Step() ? static_cast<std::uint64_t>(count.Int(0)) : 0;
  }

  void FinishRun(std::int64_t run_id, const RunStats& stats) override {
    Statement update(db_,
                     "UPDATE runs SET finished_at = ?, rows_read = ?, rows_rejected = ?, anomalies_flagged = ?, "
                     "anomalies_new = ?, status = ? WHERE id = ?");
    update.Bind(1, UtcNowIso8601())
        .Bind(2, static_cast<std::int64_t>(stats.rows_read))
        .Bind(3, static_cast<std::int64_t>(stats.rows_rejected))
        .Bind(4, static_cast<std::int64_t>(stats.anomalies_flagged))
        .Bind(5, static_cast<std::int64_t>(stats.anomalies_new))
        .Bind(6, stats.status)
        .Bind(7, run_id);
    update.Step();
  }

  std::size_t InsertAnomalies(std::span<const AnomalyRecord> anomalies) override {
    if (anomalies.empty()) return 0;
    const std::string now = UtcNowIso8601();
    Transaction transaction(*this);
    Statement& insert = Prepared(
        "INSERT INTO anomalies(natural_key, first_run_id, source, line, trade_id, trade_date, desk, score, "
        "cluster, category, category_source, confidence, severity, summary, status, ticket_id, explanation, "
        "row_json, created_at, updated_at, resolution_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(natural_key) DO NOTHING");
    Statement& audit = Prepared(
        "INSERT INTO anomaly_audit(anomaly_key, at, actor, old_status, new_status, note) "
        "VALUES (?, ?, 'recon', NULL, ?, ?)");
    ResetOnExit reset_insert{insert};
    ResetOnExit reset_audit{audit};
    std::size_t inserted = 0;
    std::size_t in_transaction = 0;
    for (const AnomalyRecord& record : anomalies) {
      // Short transactions keep other writers (ticket issuing) from waiting long for the lock.
      if (++in_transaction > kRowsPerTransaction) {
        transaction.Commit();
        transaction.Begin();
        in_transaction = 1;
      }
      // `record` outlives the step, so its text is bound in place.
      insert.BindUncopied(1, record.natural_key)
          .Bind(2, record.run_id)
          .BindUncopied(3, record.source)
          .Bind(4, static_cast<std::int64_t>(record.line))
          .BindUncopied(5, record.trade_id)
          .BindUncopied(6, record.trade_date)
          .BindUncopied(7, record.desk)
          .Bind(8, record.score)
          .Bind(9, static_cast<std::int64_t>(record.cluster))
          .BindUncopied(10, record.category)
          .BindUncopied(11, record.category_source)
          .Bind(12, record.confidence)
          .BindUncopied(13, record.severity)
          .BindUncopied(14, record.summary)
          .BindUncopied(15, record.status);
      if (!record.ticket_id.empty()) insert.BindUncopied(16, record.ticket_id);
      insert.BindUncopied(17, record.explanation)
          .BindUncopied(18, record.row_json)
          .BindUncopied(19, now)
          .BindUncopied(20, now)
          .BindUncopied(21, record.resolution_reason);
      insert.Step();
      const bool is_new = sqlite3_changes(db_) > 0;
      insert.Reset();
      if (!is_new) continue;
      ++inserted;
      // The decision and its evidence (or why it was held back) are part of the trail from the first row.
      const std::string note =
          record.resolution_reason.empty() ? std::string("detected") : "detected; " + record.resolution_reason;
      audit.Bind(1, record.natural_key).Bind(2, now).Bind(3, record.status).Bind(4, note);
      audit.Step();
      audit.Reset();
    }
    transaction.Commit();
    return inserted;
  }

  std::vector<std::size_t> UnstoredAnomalies(std::span<const AnomalyRecord> anomalies) override {
    std::vector<std::size_t> unstored;
    if (anomalies.empty()) return unstored;
    // One read transaction for the lot: per-statement transactions would take and drop the file locks each time.
    Execute("BEGIN");
    try {
      Statement& known = Prepared("SELECT 1 FROM anomalies WHERE natural_key = ?");
      ResetOnExit reset_known{known};
      for (std::size_t idx = 0; idx < anomalies.size(); ++idx) {
        known.BindUncopied(1, anomalies[idx].natural_key);
        if (!known.Step()) unstored.push_back(idx);
        known.Reset();
      }
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    Execute("COMMIT");
    return unstored;
  }

  std::vector<std::string> IssueTickets(std::span<const std::string> anomaly_keys, std::string_view prefix) override {
    std::vector<std::string> tickets;
    tickets.reserve(anomaly_keys.size());
    if (anomaly_keys.empty()) return tickets;
    Transaction transaction(*this);
    Statement find(db_, "SELECT ticket_id FROM tickets WHERE anomaly_key = ?");
    Statement insert(db_, "INSERT INTO tickets(anomaly_key, created_at) VALUES (?, ?)");
    Statement name(db_, "UPDATE tickets SET ticket_id = ? WHERE id = ?");
    const std::string now = UtcNowIso8601();
    for (const std::string& key : anomaly_keys) {
      find.Bind(1, key);
      if (find.Step()) {
        tickets.push_back(find.Text(0));
        find.Reset();
        continue;
      }
      find.Reset();
      // AUTOINCREMENT never reuses a number, even after deletes, so ticket IDs stay unique across restarts.
      insert.Bind(1, key).Bind(2, now);
      insert.Step();
      insert.Reset();
      const std::int64_t sequence = sqlite3_last_insert_rowid(db_);
      std::string digits = std::to_string(sequence);
      if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
      std::string ticket = std::string(prefix) + digits;
      name.Bind(1, ticket).Bind(2, sequence);
      name.Step();
      name.Reset();
      tickets.push_back(std::move(ticket));
    }
    transaction.Commit();
    return tickets;
  }

  std::string RunStatus(std::int64_t run_id) override {
    Statement query(db_, "SELECT status FROM runs WHERE id = ?");
    query.Bind(1, run_id);
    return query.Step() ? query.Text(0) : std::string();
  }

  std::vector<std::optional<CachedVerdict>> FindCachedVerdicts(std::span<const std::string> keys) override {
    std::vector<std::optional<CachedVerdict>> found(keys.size());
    Statement query(db_, "SELECT category, severity, summary, confidence, model FROM llm_cache WHERE key = ?");
    for (std::size_t idx = 0; idx < keys.size(); ++idx) {
      query.Bind(1, keys[idx]);
      if (query.Step()) {
        found[idx] = CachedVerdict{keys[idx], query.Text(0), query.Text(1), query.Text(2), query.Double(3),
                                   query.Text(4)};
      }
      query.Reset();
    }
    return found;
  }

  void SaveCachedVerdicts(std::span<const CachedVerdict> verdicts) override {
    if (verdicts.empty()) return;
    const std::string now = UtcNowIso8601();
    Transaction transaction(*this);
    Statement insert(db_,
                     "INSERT INTO llm_cache(key, category, severity, summary, confidence, model, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING");
    for (const CachedVerdict& verdict : verdicts) {
      insert.Bind(1, verdict.key)
          .Bind(2, verdict.category)
          .Bind(3, verdict.severity)
          .Bind(4, verdict.summary)
          .Bind(5, verdict.confidence)
          .Bind(6, verdict.model)
          .Bind(7, now);
      insert.Step();
      insert.Reset();
    }
    transaction.Commit();
  }

  std::pair<std::vector<StoredAnomaly>, std::uint64_t> ListAnomalies(const AnomalyFilter& filter) override {
    // Each condition is neutral when its parameter is empty, so one prepared statement serves every filter.
    constexpr const char* kWhere =
        " WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR category = ?2) AND (?3 = '' OR desk = ?3)"
        " AND (?4 = '' OR trade_date >= ?4) AND (?5 = '' OR trade_date <= ?5) AND (?8 = 0 OR id < ?8)";
    auto bind_filter = [&filter](Statement& statement) {
      statement.Bind(1, filter.status)
          .Bind(2, filter.category)
          .Bind(3, filter.desk)
          .Bind(4, filter.trade_date_from)
          .Bind(5, filter.trade_date_to)
          .Bind(8, filter.before_id);
    };
    Statement count(db_, (std::string("SELECT COUNT(*) FROM anomalies") + kWhere).c_str());
    bind_filter(count);
    const std::uint64_t total = count.Step() ? static_cast<std::uint64_t>(count.Int(0)) : 0;
    Statement query(db_, (std::string(kSelectAnomaly) + kWhere + " ORDER BY id DESC LIMIT ?6 OFFSET ?7").c_str());
    bind_filter(query);
    query.Bind(6, static_cast<std::int64_t>(filter.limit)).Bind(7, static_cast<std::int64_t>(filter.offset));
    std::vector<StoredAnomaly> anomalies;
    while (query.Step()) anomalies.push_back(ReadAnomaly(query));
    return {std::move(anomalies), total};
  }

  std::vector<StoredAnomaly> AnomaliesAfter(std::int64_t after_id, std::size_t limit) override {
    Statement& query = Prepared(std::string(kSelectAnomaly) + " WHERE id > ? ORDER BY id LIMIT ?");
    ResetOnExit reset{query};
    query.Bind(1, after_id).Bind(2, static_cast<std::int64_t>(limit));
    std::vector<StoredAnomaly> anomalies;
    while (query.Step()) anomalies.push_back(ReadAnomaly(query));
    return anomalies;
  }

  std::int64_t LastAnomalyId() override {
    Statement& query = Prepared("SELECT COALESCE(MAX(id), 0) FROM anomalies");
    ResetOnExit reset{query};
    return query.Step() ? query.Int(0) : 0;
  }

  std::optional<StoredAnomaly> GetAnomaly(std::int64_t id) override {
    Statement& query = Prepared(std::string(kSelectAnomaly) + " WHERE id = ?");
    ResetOnExit reset{query};
    query.Bind(1, id);
    if (!query.Step()) return std::nullopt;
    return ReadAnomaly(query);
  }

  std::optional<StoredAnomaly> FindAnomalyVerdict(std::string_view natural_key) override {
    Statement& query = Prepared(
        "SELECT id, category, category_source, confidence, severity, summary, status, COALESCE(ticket_id, ''), "
        "resolution_reason FROM anomalies WHERE natural_key = ?");
    ResetOnExit reset{query};
    query.Bind(1, natural_key);
    if (!query.Step()) return std::nullopt;
    StoredAnomaly stored;
    stored.id = query.Int(0);
    stored.record.natural_key = std::string(natural_key);
    stored.record.category = query.Text(1);
    stored.record.category_source = query.Text(2);
    stored.record.confidence = query.Double(3);
    stored.record.severity = query.Text(4);
    stored.record.summary = query.Text(5);
    stored.record.status = query.Text(6);
    stored.record.ticket_id = query.Text(7);
    stored.record.resolution_reason = query.Text(8);
    return stored;
  }

  std::optional<std::int64_t> FindAnomalyId(std::string_view natural_key) override {
    Statement& query = Prepared("SELECT id FROM anomalies WHERE natural_key = ?");
    ResetOnExit reset{query};
    query.Bind(1, natural_key);
    if (!query.Step()) return std::nullopt;
    return query.Int(0);
  }

  std::optional<StoredAnomaly> RecordFeedback(std::int64_t id, std::string_view new_status, std::string_view reviewer,
                                              std::string_view note) override {
    Transaction transaction(*this);
    Statement find(db_, "SELECT natural_key, status FROM anomalies WHERE id = ?");
    find.Bind(1, id);
    if (!find.Step()) return std::nullopt;
    const std::string key = find.Text(0);
    const std::string old_status = find.Text(1);
    const std::string now = UtcNowIso8601();
    Statement update(db_, "UPDATE anomalies SET status = ?, updated_at = ? WHERE id = ?");
    update.Bind(1, new_status).Bind(2, now).Bind(3, id);
    update.Step();
    Statement audit(db_,
                    "INSERT INTO anomaly_audit(anomaly_key, at, actor, old_status, new_status, note) "
                    "VALUES (?, ?, ?, ?, ?, ?)");
    audit.Bind(1, key).Bind(2, now).Bind(3, reviewer).Bind(4, old_status).Bind(5, new_status).Bind(6, note);
    audit.Step();
    transaction.Commit();
    return GetAnomaly(id);
  }

  CorrectionResult RecordCategoryCorrection(const CategoryCorrection& correction) override {
    Transaction transaction(*this);
    Statement find(db_, "SELECT natural_key, trade_id, category, status FROM anomalies WHERE id = ?");
    find.Bind(1, correction.anomaly_id);
    if (!find.Step()) return CorrectionResult::kNotFound;
    const std::string key = find.Text(0);
    const std::string trade_id = find.Text(1);
    const std::string previous = find.Text(2);
    const std::string status = find.Text(3);
    if (previous == correction.category) return CorrectionResult::kUnchanged;  // rolled back: nothing written
    const std::string now = UtcNowIso8601();
    Statement keep(db_,
                   "INSERT INTO category_corrections(anomaly_key, trade_id, comment, category, previous_category, "
                   "reviewer, note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    keep.Bind(1, key)
        .Bind(2, trade_id)
        .Bind(3, correction.comment)
        .Bind(4, correction.category)
        .Bind(5, previous)
        .Bind(6, correction.reviewer)
        .Bind(7, correction.note)
        .Bind(8, now);
    keep.Step();
    const bool reopen = !correction.reopen_status.empty() && status == correction.reopen_status;
    const std::string new_status = reopen ? correction.reopened_status : status;
    Statement update(db_,
                     "UPDATE anomalies SET category = ?, category_source = 'reviewer', status = ?, updated_at = ? "
                     "WHERE id = ?");
    update.Bind(1, correction.category).Bind(2, new_status).Bind(3, now).Bind(4, correction.anomaly_id);
    update.Step();
    std::string note = "category " + previous + " -> " + correction.category;
    if (reopen) note += "; reopened: closed automatically as " + previous;
    if (!correction.note.empty()) note += "; " + correction.note;
    Statement audit(db_,
                    "INSERT INTO anomaly_audit(anomaly_key, at, actor, old_status, new_status, note) "
                    "VALUES (?, ?, ?, ?, ?, ?)");
    audit.Bind(1, key).Bind(2, now).Bind(3, correction.reviewer).Bind(4, status).Bind(5, new_status).Bind(6, note);
    audit.Step();
    transaction.Commit();
    return CorrectionResult::kApplied;
  }

  std::vector<LearnedCategory> CategoryCorrections() override {
    // An anomaly corrected twice teaches only its latest category.
    Statement query(db_,
                    "SELECT comment, category FROM category_corrections WHERE id IN "
                    "(SELECT MAX(id) FROM category_corrections GROUP BY anomaly_key) ORDER BY id");
    std::vector<LearnedCategory> learned;
    while (query.Step()) learned.push_back({query.Text(0), query.Text(1)});
    return learned;
  }

  std::vector<std::int64_t> FindAnomalyIdsByTrade(std::string_view trade_id, std::size_t limit) override {
    Statement query(db_, "SELECT id FROM anomalies WHERE trade_id = ? ORDER BY id LIMIT ?");
    query.Bind(1, trade_id).Bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, 1ULL << 62)));
    std::vector<std::int64_t> ids;
    while (query.Step()) ids.push_back(query.Int(0));
    return ids;
  }

  std::vector<AuditEntry> AuditTrail(std::int64_t id, std::size_t max_entries) override {
    Statement query(db_,
                    "SELECT a.at, a.actor, COALESCE(a.old_status, ''), a.new_status, COALESCE(a.note, '') "
                    "FROM anomaly_audit a JOIN anomalies n ON n.natural_key = a.anomaly_key WHERE n.id = ? "
                    "ORDER BY a.id DESC LIMIT ?");
    query.Bind(1, id).Bind(2, static_cast<std::int64_t>(std::min<std::size_t>(max_entries, 1ULL << 62)));
    std::vector<AuditEntry> trail;
    while (query.Step()) trail.push_back({query.Text(0), query.Text(1), query.Text(2), query.Text(3), query.Text(4)});
    std::reverse(trail.begin(), trail.end());
    return trail;
  }

  std::int64_t EnqueueMail(const OutboxMail& mail) override {
    Statement insert(db_,
                     "INSERT INTO outbox(message_id, kind, subject, body_text, body_html, attachment_path, created_at, "
                     "state, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) "
                     "ON CONFLICT(message_id) DO NOTHING");
    const std::string now = UtcNowIso8601();
    insert.Bind(1, mail.message_id)
        .Bind(2, mail.kind)
        .Bind(3, mail.subject)
        .Bind(4, mail.text)
        .Bind(5, mail.html)
        .Bind(6, mail.attachment_path)
        .Bind(7, now)
        .Bind(8, now);
    insert.Step();
    Statement find(db_, "SELECT id FROM outbox WHERE message_id = ?");
    find.Bind(1, mail.message_id);
    return find.Step() ? find.Int(0) : 0;
  }

  std::vector<OutboxMail> DueMail(std::string_view now, std::size_t limit) override {
    Statement query(db_, (std::string(kSelectMail) +
                          " WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?").c_str());
    query.Bind(1, now).Bind(2, static_cast<std::int64_t>(limit));
    std::vector<OutboxMail> mails;
    while (query.Step()) mails.push_back(ReadMail(query));
    return mails;
  }

  void RecordMailAttempt(std::int64_t id, std::string_view error, std::string_view next_attempt_at,
                         bool give_up) override {
    Transaction transaction(*this);
    const std::string now = UtcNowIso8601();
    Statement attempt(db_, "INSERT INTO outbox_attempts(outbox_id, at, error) VALUES (?, ?, ?)");
    attempt.Bind(1, id).Bind(2, now).Bind(3, error);
    attempt.Step();
    Statement update(db_,
                     "UPDATE outbox SET attempts = attempts + 1, last_error = ?, state = ?, next_attempt_at = ?, "
                     "sent_at = ? WHERE id = ?");
    const bool sent = error.empty();
    update.Bind(1, error)
        .Bind(2, std::string_view(sent ? "sent" : give_up ? "failed" : "pending"))
        .Bind(3, next_attempt_at)
        .Bind(4, std::string_view(sent ? now : ""))
        .Bind(5, id);
    update.Step();
    transaction.Commit();
  }

  std::vector<OutboxMail> ListMail(std::string_view state) override {
    Statement query(db_, (std::string(kSelectMail) + " WHERE (? = '' OR state = ?) ORDER BY id DESC").c_str());
    query.Bind(1, state).Bind(2, state);
    std::vector<OutboxMail> mails;
    while (query.Step()) mails.push_back(ReadMail(query));
    return mails;
  }

  std::vector<MailAttempt> MailAttempts(std::int64_t id) override {
    Statement query(db_, "SELECT at, error FROM outbox_attempts WHERE outbox_id = ? ORDER BY id");
    query.Bind(1, id);
    std::vector<MailAttempt> attempts;
    while (query.Step()) attempts.push_back({query.Text(0), query.Text(1)});
    return attempts;
  }

  std::size_t RetryFailedMail(std::string_view now) override {
    Statement update(db_, "UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE state = 'failed'");
    update.Bind(1, now);
    update.Step();
    return static_cast<std::size_t>(sqlite3_changes(db_));
  }

  std::size_t PurgeMail(bool include_failed) override {
    Transaction transaction(*this);
    const char* which = include_failed ? "state IN ('sent', 'failed')" : "state = 'sent'";
    Execute(std::string("DELETE FROM outbox_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE ") + which + ")");
    Execute(std::string("DELETE FROM outbox WHERE ") + which);
    const auto purged = static_cast<std::size_t>(sqlite3_changes(db_));
    transaction.Commit();
    return purged;
  }

  std::uint64_t CountCachedVerdicts() override { return Count("SELECT COUNT(*) FROM llm_cache"); }
  std::uint64_t CountAnomalies() override { return Count("SELECT COUNT(*) FROM anomalies"); }
  std::uint64_t CountTickets() override { return Count("SELECT COUNT(*) FROM tickets"); }
  std::uint64_t CountRuns() override { return Count("SELECT COUNT(*) FROM runs"); }
  std::uint64_t ChangesByOthers() override {
    Statement& pragma = Prepared("PRAGMA data_version");
    ResetOnExit reset{pragma};
    return pragma.Step() ? static_cast<std::uint64_t>(pragma.Int(0)) : 0;
  }

 private:
  static constexpr const char* kSelectMail =
      "SELECT id, message_id, kind, subject, body_text, body_html, attachment_path, created_at, state, attempts, "
      "next_attempt_at, last_error, sent_at FROM outbox";

  static OutboxMail ReadMail(const Statement& row) {
    OutboxMail mail;
    mail.id = row.Int(0);
    mail.message_id = row.Text(1);
    mail.kind = row.Text(2);
    mail.subject = row.Text(3);
    mail.text = row.Text(4);
    mail.html = row.Text(5);
    mail.attachment_path = row.Text(6);
    mail.created_at = row.Text(7);
    mail.state = row.Text(8);
    mail.attempts = static_cast<int>(row.Int(9));
    mail.next_attempt_at = row.Text(10);
    mail.last_error = row.Text(11);
    mail.sent_at = row.Text(12);
    return mail;
  }

  static constexpr const char* kSelectAnomaly =
      "SELECT id, natural_key, first_run_id, source, line, trade_id, trade_date, desk, score, cluster, category, "
      "category_source, confidence, severity, summary, status, COALESCE(ticket_id, ''), explanation, row_json, "
      "created_at, updated_at, resolution_reason FROM anomalies";

  static StoredAnomaly ReadAnomaly(const Statement& row) {
    StoredAnomaly stored;
    stored.id = row.Int(0);
    AnomalyRecord& record = stored.record;
    record.natural_key = row.Text(1);
    record.run_id = row.Int(2);
    record.source = row.Text(3);
    record.line = static_cast<std::uint64_t>(row.Int(4));
    record.trade_id = row.Text(5);
    record.trade_date = row.Text(6);
    record.desk = row.Text(7);
    record.score = row.Double(8);
    record.cluster = static_cast<int>(row.Int(9));
    record.category = row.Text(10);
    record.category_source = row.Text(11);
    record.confidence = row.Double(12);
    record.severity = row.Text(13);
    record.summary = row.Text(14);
    record.status = row.Text(15);
    record.ticket_id = row.Text(16);
    record.explanation = row.Text(17);
    record.row_json = row.Text(18);
    stored.created_at = row.Text(19);
    stored.updated_at = row.Text(20);
    record.resolution_reason = row.Text(21);
    return stored;
  }

  class Transaction {
   public:
    explicit Transaction(SqliteStore& store) : store_(store) { Begin(); }
    ~Transaction() {
      if (!committed_) sqlite3_exec(store_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void Begin() {
      store_.Execute("BEGIN IMMEDIATE");
      committed_ = false;
    }
    void Commit() {
      store_.Execute("COMMIT");
      committed_ = true;
    }

   private:
    SqliteStore& store_;
    bool committed_ = false;
  };

  int UserVersion() {
    Statement pragma(db_, "PRAGMA user_version");
    return pragma.Step() ? static_cast<int>(pragma.Int(0)) : 0;
  }

  void RefuseNewer(int version) const {
    if (version <= kSchemaVersion) return;
    ThrowConflict("the store '" + path_ + "' has schema version " + std::to_string(version) +
                  ", newer than this recon (" + std::to_string(kSchemaVersion) + "); upgrade recon");
  }

  void Execute(const std::string& sql) { ExecuteSql(db_, sql, path_); }

  std::uint64_t Count(const char* sql) {
    Statement count(db_, sql);
    return count.Step() ? static_cast<std::uint64_t>(count.Int(0)) : 0;
  }

  // Statements on the service's per-request path are prepared once per connection (parsing SQL costs more than
  // running these one-row queries). Each use resets the statement afterwards.
  Statement& Prepared(const std::string& sql) {
    auto found = prepared_.find(sql);
    if (found == prepared_.end()) found = prepared_.emplace(sql, std::make_unique<Statement>(db_, sql.c_str())).first;
    return *found->second;
  }
  struct ResetOnExit {
    Statement& statement;
    ~ResetOnExit() { statement.Reset(); }
  };

  std::string path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> prepared_;  // finalized before sqlite3_close
};

}  // namespace

std::unique_ptr<Store> OpenSqliteStore(const std::string& path) { return std::make_unique<SqliteStore>(path); }

}  // namespace recon::store
