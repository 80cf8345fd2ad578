// The store's tables, and the upgrade of a store written by an older recon, in place.
#include "recon/store/sqlite_schema.hpp"

#include "recon/store/sqlite_statement.hpp"

namespace recon::store {
namespace {

// Every table and index, created where missing: a new store gets them all, an older one the tables and indexes
// added since (llm_cache in 2, outbox in 3, category_corrections and anomalies_trade in 6). Columns added to an
// existing table need an ALTER: UpgradeToVersion4 and 5 below.
constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  command TEXT NOT NULL,
  input_path TEXT NOT NULL,
  input_fingerprint TEXT NOT NULL,
  model_fingerprint TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  rows_read INTEGER,
  rows_rejected INTEGER,
  anomalies_flagged INTEGER,
  anomalies_new INTEGER,
  status TEXT,
  owner_host TEXT,
  owner_pid INTEGER,
  owner_start_ticks INTEGER
);
CREATE TABLE IF NOT EXISTS anomalies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  natural_key TEXT NOT NULL UNIQUE,
  first_run_id INTEGER NOT NULL REFERENCES runs(id),
  source TEXT NOT NULL,
  line INTEGER NOT NULL,
  trade_id TEXT NOT NULL,
  trade_date TEXT NOT NULL,
  desk TEXT NOT NULL,
  score REAL NOT NULL,
  cluster INTEGER NOT NULL,
  category TEXT NOT NULL,
  category_source TEXT NOT NULL,
  confidence REAL NOT NULL,
  severity TEXT NOT NULL,
  summary TEXT NOT NULL,
  status TEXT NOT NULL,
  ticket_id TEXT,
  resolution_reason TEXT NOT NULL DEFAULT '',
  explanation TEXT NOT NULL,
  row_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS anomalies_status ON anomalies(status);
CREATE INDEX IF NOT EXISTS anomalies_category ON anomalies(category);
CREATE INDEX IF NOT EXISTS anomalies_run ON anomalies(first_run_id);
CREATE INDEX IF NOT EXISTS anomalies_trade ON anomalies(trade_id);
CREATE TABLE IF NOT EXISTS tickets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  anomaly_key TEXT NOT NULL UNIQUE,
  ticket_id TEXT UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS anomaly_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  anomaly_key TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  old_status TEXT,
  new_status TEXT NOT NULL,
  note TEXT
);
CREATE INDEX IF NOT EXISTS audit_key ON anomaly_audit(anomaly_key);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT NOT NULL,
  attachment_path TEXT NOT NULL,
  created_at TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  sent_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_attempt_at);
CREATE TABLE IF NOT EXISTS outbox_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  error TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS llm_cache (
  key TEXT PRIMARY KEY,
  category TEXT NOT NULL,
  severity TEXT NOT NULL,
  summary TEXT NOT NULL,
  confidence REAL NOT NULL,
  model TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS category_corrections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  anomaly_key TEXT NOT NULL,
  trade_id TEXT NOT NULL,
  comment TEXT NOT NULL,
  category TEXT NOT NULL,
  previous_category TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  note TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_anomaly ON category_corrections(anomaly_key);
)SQL";

bool HasColumn(sqlite3* db, const char* table, std::string_view column) {
  Statement info(db, (std::string("PRAGMA table_info(") + table + ")").c_str());
  while (info.Step()) {
    if (info.Text(1) == column) return true;
  }
  return false;
}

// Version 4: each run records its owner process (run_owner.hpp). Runs recorded before have none, and a later
// start marks those still without an outcome as interrupted.
void UpgradeToVersion4(sqlite3* db, const std::string& path) {
  if (!HasColumn(db, "runs", "owner_host")) ExecuteSql(db, "ALTER TABLE runs ADD COLUMN owner_host TEXT", path);
  if (!HasColumn(db, "runs", "owner_pid")) ExecuteSql(db, "ALTER TABLE runs ADD COLUMN owner_pid INTEGER", path);
  if (!HasColumn(db, "runs", "owner_start_ticks")) {
    ExecuteSql(db, "ALTER TABLE runs ADD COLUMN owner_start_ticks INTEGER", path);
  }
}

// Version 5: the evidence an anomaly was auto-resolved on, or why it was held back.
void UpgradeToVersion5(sqlite3* db, const std::string& path) {
  if (!HasColumn(db, "anomalies", "resolution_reason")) {
    ExecuteSql(db, "ALTER TABLE anomalies ADD COLUMN resolution_reason TEXT NOT NULL DEFAULT ''", path);
  }
}

}  // namespace

void CreateOrUpgradeSchema(sqlite3* db, int from_version, const std::string& path) {
  ExecuteSql(db, kSchema, path);
  if (from_version < 4) UpgradeToVersion4(db, path);
  if (from_version < 5) UpgradeToVersion5(db, path);
  // Version 6 added only a table and indexes, which kSchema has just created.
  ExecuteSql(db, "PRAGMA user_version = " + std::to_string(kSchemaVersion), path);
}

}  // namespace recon::store
