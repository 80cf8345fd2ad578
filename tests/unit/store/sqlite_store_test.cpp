// Behaviour peculiar to the SQLite backend: its file (a foreign file refused, schema upgrades from older recons,
// a newer one refused), its locks (reads never wait for a writer), the rows it keeps. The behaviour every backend
// shares is the contract suite's (store_contract_test.cpp).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>


#include "recon/core/error.hpp"
#include "recon/store/run_owner.hpp"
#include "recon/store/store.hpp"
#include "support/dead_pid.hpp"
#include "support/temp_dir.hpp"

namespace recon::store {
namespace {

AnomalyRecord Anomaly(const std::string& key, std::int64_t run_id) {
  AnomalyRecord record;
  record.natural_key = key;
  record.run_id = run_id;
  record.source = "f.csv";
  record.trade_id = "T1";
  record.trade_date = "2025-01-02";
  record.desk = "Rates";
  record.category = "Timing Issue";
  record.category_source = "local";
  record.severity = "low";
  record.summary = "s";
  record.status = "Pending User Review";
  record.explanation = "e";
  record.row_json = "{}";
  return record;
}

TEST(SqliteStoreTest, UnstoredAnomaliesIsAReadThatAWriterDoesNotBlock) {
  testing::TempDir dir;
  auto store = OpenStore("sqlite:" + dir.File("recon.db"));
  const auto run = store->BeginRun({"f.csv", "fp", "model", "detect"});
  store->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k2", run), Anomaly("k4", run)});
  const std::vector<AnomalyRecord> offered = {Anomaly("k1", run), Anomaly("k2", run), Anomaly("k3", run),
                                              Anomaly("k4", run)};
  // A read: another connection holding the write lock does not block it (were it a write, it would wait for the
  // busy timeout and then fail with "database is locked").
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("recon.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(store->UnstoredAnomalies(offered), (std::vector<std::size_t>{0, 2}));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
}

TEST(SqliteStoreTest, NonDatabaseFileIsRefusedClearly) {
  testing::TempDir dir;
  const auto path = dir.Write("recon.db", std::string(8192, 'x'));
  try {
    OpenStore("sqlite:" + path);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos);
  }
}

using testing::DeadPid;

TEST(SqliteStoreTest, TheLivenessRuleTellsLiveOwnersFromEndedOnes) {
  const RunOwner self = CurrentRunOwner();
  EXPECT_EQ(self.pid, static_cast<std::int64_t>(::getpid()));
  EXPECT_EQ(CheckRunOwner(self), OwnerLiveness::kAlive);
  EXPECT_EQ(CheckRunOwner({self.host, DeadPid(), self.start_ticks}), OwnerLiveness::kEnded);
  EXPECT_EQ(CheckRunOwner({self.host, self.pid, self.start_ticks + 1}), OwnerLiveness::kEnded);
  EXPECT_EQ(CheckRunOwner({"another-host.invalid", self.pid, self.start_ticks}), OwnerLiveness::kUnknown);
  EXPECT_EQ(CheckRunOwner({"", 0, 0, "2000-01-01T00:00:00Z"}), OwnerLiveness::kEnded)
      << "a run recorded before owners were, before this boot";
  EXPECT_EQ(CheckRunOwner({"", 0, 0, "2999-01-01T00:00:00Z"}), OwnerLiveness::kUnknown)
      << "an owner-less run since this boot may be an older recon's, still running";
}

// The schema of version 3 (recon before run owners), as an older recon left it.
void WriteVersion3Store(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const char* sql =
      "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, command TEXT NOT NULL, input_path TEXT NOT NULL,"
      " input_fingerprint TEXT NOT NULL, model_fingerprint TEXT NOT NULL, started_at TEXT NOT NULL,"
      " finished_at TEXT, rows_read INTEGER, rows_rejected INTEGER, anomalies_flagged INTEGER,"
      " anomalies_new INTEGER, status TEXT);"
      "CREATE TABLE anomalies (id INTEGER PRIMARY KEY AUTOINCREMENT, natural_key TEXT NOT NULL UNIQUE,"
      " first_run_id INTEGER NOT NULL REFERENCES runs(id), source TEXT NOT NULL, line INTEGER NOT NULL,"
      " trade_id TEXT NOT NULL, trade_date TEXT NOT NULL, desk TEXT NOT NULL, score REAL NOT NULL,"
      " cluster INTEGER NOT NULL, category TEXT NOT NULL, category_source TEXT NOT NULL, confidence REAL NOT NULL,"
      " severity TEXT NOT NULL, summary TEXT NOT NULL, status TEXT NOT NULL, ticket_id TEXT,"
      " explanation TEXT NOT NULL, row_json TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
      "INSERT INTO runs(command, input_path, input_fingerprint, model_fingerprint, started_at, finished_at, status)"
      " VALUES ('detect', 'a.csv', 'fp', 'm', '2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z', 'ok');"
      "INSERT INTO runs(command, input_path, input_fingerprint, model_fingerprint, started_at)"
      " VALUES ('detect', 'b.csv', 'fp', 'm', '2025-01-02T00:00:00Z');"
      "INSERT INTO anomalies(natural_key, first_run_id, source, line, trade_id, trade_date, desk, score, cluster,"
      " category, category_source, confidence, severity, summary, status, explanation, row_json, created_at,"
      " updated_at) VALUES ('k1', 2, 'b.csv', 2, 'T1', '2025-01-02', 'Rates', 0.7, 0, 'Timing Issue', 'local',"
      " 0.9, 'low', 's', 'Pending User Review', 'e', '{}', 'x', 'x');"
      "PRAGMA user_version = 3;";
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST(SqliteStoreTest, AnOlderStoreUpgradesAndItsUnfinishedRunIsMarkedInterrupted) {
  testing::TempDir dir;
  const std::string path = dir.File("recon.db");
  WriteVersion3Store(path);
  auto store = OpenStore("sqlite:" + path);
  EXPECT_EQ(store->CountRuns(), 2u);
  const auto marked = store->MarkInterruptedRuns();
  ASSERT_EQ(marked.size(), 1u);
  EXPECT_EQ(marked[0].run_id, 2);
  EXPECT_EQ(marked[0].committed, 1u);
  EXPECT_EQ(store->RunStatus(1), "ok");
  EXPECT_EQ(store->RunStatus(2).rfind("interrupted: ", 0), 0u) << store->RunStatus(2);
  const auto run = store->BeginRun({"c.csv", "fp", "m", "detect"});
  EXPECT_EQ(run, 3);
  EXPECT_TRUE(store->MarkInterruptedRuns().empty());
  store.reset();
  EXPECT_NO_THROW(OpenStore("sqlite:" + path)) << "an upgraded store opens again";
}

TEST(SqliteStoreTest, AStoreFromANewerReconIsRefused) {
  testing::TempDir dir;
  const std::string path = dir.File("recon.db");
  OpenStore("sqlite:" + path).reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  try {
    OpenStore("sqlite:" + path);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kConflict);
  }
}

CategoryCorrection Correction(std::int64_t id, const std::string& category, const std::string& note = "") {
  return {id, "zorp kickback on vexo leg", category, "j.doe", note};
}

std::int64_t CountRows(const std::string& path, const char* table) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  sqlite3_prepare_v2(db, (std::string("SELECT COUNT(*) FROM ") + table).c_str(), -1, &count, nullptr);
  sqlite3_step(count);
  const std::int64_t rows = sqlite3_column_int64(count, 0);
  sqlite3_finalize(count);
  sqlite3_close(db);
  return rows;
}

TEST(SqliteStoreTest, ACorrectionIsOneRowAndANoOpCorrectionWritesNone) {
  testing::TempDir dir;
  const std::string path = dir.File("recon.db");
  auto store = OpenStore("sqlite:" + path);
  const auto run = store->BeginRun({"f.csv", "fp", "model", "detect"});
  store->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k1", run)});
  const std::int64_t id = *store->FindAnomalyId("k1");
  EXPECT_EQ(store->RecordCategoryCorrection(Correction(id, "Fee/Commission Difference")), CorrectionResult::kApplied);
  EXPECT_EQ(store->RecordCategoryCorrection(Correction(id, "Fee/Commission Difference")), CorrectionResult::kUnchanged);
  EXPECT_EQ(CountRows(path, "category_corrections"), 1);
  EXPECT_EQ(store->RecordCategoryCorrection(Correction(id, "FX Rate Difference")), CorrectionResult::kApplied);
  EXPECT_EQ(CountRows(path, "category_corrections"), 2) << "every correction is kept; the categoriser learns the latest";
}

// A store as recon left it at schema version 5 (before category corrections), with one anomaly.
void WriteVersion5Store(const std::string& path) {
  {
    auto store = OpenStore("sqlite:" + path);
    const auto run = store->BeginRun({"a.csv", "fp", "m", "detect"});
    store->FinishRun(run, {1, 0, 1, 1, "ok"});
    store->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k1", run)});
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE category_corrections; DROP INDEX anomalies_trade; PRAGMA user_version = 5;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

int UserVersionOf(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* pragma = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &pragma, nullptr);
  sqlite3_step(pragma);
  const int version = sqlite3_column_int(pragma, 0);
  sqlite3_finalize(pragma);
  sqlite3_close(db);
  return version;
}

TEST(SqliteStoreTest, AVersion5StoreUpgradesInPlaceAndTakesCorrections) {
  testing::TempDir dir;
  const std::string path = dir.File("recon.db");
  WriteVersion5Store(path);
  ASSERT_EQ(UserVersionOf(path), 5);
  auto store = OpenStore("sqlite:" + path);
  EXPECT_EQ(UserVersionOf(path), 6);
  EXPECT_EQ(store->CountAnomalies(), 1u) << "the upgrade keeps what was stored";
  EXPECT_TRUE(store->CategoryCorrections().empty());
  const std::int64_t id = *store->FindAnomalyId("k1");
  EXPECT_EQ(store->FindAnomalyIdsByTrade("T1", 2), (std::vector<std::int64_t>{id}));
  EXPECT_EQ(store->RecordCategoryCorrection(Correction(id, "Missing Trade")), CorrectionResult::kApplied);
  store.reset();
  auto reopened = OpenStore("sqlite:" + path);
  EXPECT_EQ(reopened->CategoryCorrections().size(), 1u) << "an upgraded store opens again, its corrections kept";
}

}  // namespace
}  // namespace recon::store
