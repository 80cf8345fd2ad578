#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>

#include "recon/core/error.hpp"
#include "recon/core/logger.hpp"
#include "recon/store/run_owner.hpp"
#include "recon/store/store.hpp"
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

TEST(SqliteStoreTest, InsertIsIdempotentOnTheNaturalKey) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.File("var/recon.db"));
  const auto run = store->BeginRun({"f.csv", "fp", "model", "detect"});
  const std::vector<AnomalyRecord> batch = {Anomaly("k1", run), Anomaly("k2", run)};
  EXPECT_EQ(store->InsertAnomalies(batch), 2u);
  EXPECT_EQ(store->InsertAnomalies(batch), 0u);
  EXPECT_EQ(store->CountAnomalies(), 2u);
  store->FinishRun(run, {10, 0, 2, 2, "ok"});
  EXPECT_EQ(store->CountRuns(), 1u);
}

TEST(SqliteStoreTest, UnstoredAnomaliesNamesTheNewKeysInOrder) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.File("recon.db"));
  const auto run = store->BeginRun({"f.csv", "fp", "model", "detect"});
  store->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k2", run), Anomaly("k4", run)});
  const std::vector<AnomalyRecord> offered = {Anomaly("k1", run), Anomaly("k2", run), Anomaly("k3", run),
                                              Anomaly("k4", run)};
  EXPECT_EQ(store->UnstoredAnomalies(offered), (std::vector<std::size_t>{0, 2}));
  EXPECT_TRUE(store->UnstoredAnomalies({}).empty());
  // A read: another connection holding the write lock does not block it (were it a write, it would wait for the
  // busy timeout and then fail with "database is locked").
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("recon.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(store->UnstoredAnomalies(offered), (std::vector<std::size_t>{0, 2}));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
}

TEST(SqliteStoreTest, ChangesByOthersMovesOnlyWhenAnotherConnectionCommits) {
  testing::TempDir dir;
  auto service = OpenSqliteStore(dir.File("recon.db"));
  auto other = OpenSqliteStore(dir.File("recon.db"));
  const auto run = service->BeginRun({"api", "", "model", "serve"});
  const std::uint64_t start = service->ChangesByOthers();
  service->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k1", run)});
  EXPECT_EQ(service->ChangesByOthers(), start) << "its own commit";
  const auto id = other->FindAnomalyId("k1");
  ASSERT_TRUE(id);
  other->RecordFeedback(*id, "Resolved", "j.doe", "elsewhere");
  EXPECT_NE(service->ChangesByOthers(), start) << "another connection's commit";
  EXPECT_EQ(service->FindAnomalyVerdict("k1")->record.status, "Resolved");
}

TEST(SqliteStoreTest, TicketsAreUniqueStableAndSurviveRestarts) {
  testing::TempDir dir;
  std::vector<std::string> first;
  {
    auto store = OpenSqliteStore(dir.File("recon.db"));
    first = store->IssueTickets(std::vector<std::string>{"a", "b", "c"}, "RECON-");
    EXPECT_EQ(first, (std::vector<std::string>{"RECON-000001", "RECON-000002", "RECON-000003"}));
    EXPECT_EQ(store->IssueTickets(std::vector<std::string>{"b"}, "RECON-"), (std::vector<std::string>{"RECON-000002"}));
  }
  auto reopened = OpenSqliteStore(dir.File("recon.db"));
  const auto more = reopened->IssueTickets(std::vector<std::string>{"a", "d"}, "RECON-");
  EXPECT_EQ(more, (std::vector<std::string>{"RECON-000001", "RECON-000004"}));
  EXPECT_EQ(reopened->CountTickets(), 4u);
}

TEST(SqliteStoreTest, NonDatabaseFileIsRefusedClearly) {
  testing::TempDir dir;
  const auto path = dir.Write("recon.db", std::string(8192, 'x'));
  try {
    OpenSqliteStore(path);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos);
  }
}

// A pid that surely names no process: a child that has exited and been reaped.
std::int64_t DeadPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

std::vector<AnomalyRecord> Anomalies(const std::string& prefix, std::int64_t run_id, int count) {
  std::vector<AnomalyRecord> records;
  for (int idx = 0; idx < count; ++idx) records.push_back(Anomaly(prefix + std::to_string(idx), run_id));
  return records;
}

TEST(SqliteStoreTest, RunsWhoseProcessEndedAreMarkedInterruptedWithWhatTheyCommitted) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.File("recon.db"));
  const RunOwner self = CurrentRunOwner();
  ASSERT_FALSE(self.host.empty());
  ASSERT_GT(self.start_ticks, 0u);
  const auto alive = store->BeginRun({"f.csv", "fp", "model", "detect"});  // this process: alive
  RunRecord killed{"f.csv", "fp", "model", "detect"};
  killed.owner = RunOwner{self.host, DeadPid(), self.start_ticks};
  const auto killed_id = store->BeginRun(killed);
  RunRecord reused_pid{"api", "", "model", "serve"};
  reused_pid.owner = RunOwner{self.host, self.pid, self.start_ticks + 1};  // the pid now names another process
  const auto reused_id = store->BeginRun(reused_pid);
  RunRecord remote{"f.csv", "fp", "model", "detect"};
  remote.owner = RunOwner{"another-host.invalid", DeadPid(), 1};  // cannot be checked from here: left alone
  const auto remote_id = store->BeginRun(remote);
  const auto finished = store->BeginRun({"f.csv", "fp", "model", "detect"});
  store->FinishRun(finished, {1, 0, 0, 0, "ok"});
  store->InsertAnomalies(Anomalies("killed-", killed_id, 5));
  store->InsertAnomalies(Anomalies("alive-", alive, 3));
  store->InsertAnomalies(Anomalies("killed-", reused_id, 7));  // five already stored by the killed run

  const std::vector<InterruptedRun> marked = store->MarkInterruptedRuns();
  ASSERT_EQ(marked.size(), 2u);
  EXPECT_EQ(marked[0].run_id, killed_id);
  EXPECT_EQ(marked[0].committed, 5u);
  EXPECT_EQ(marked[1].run_id, reused_id);
  EXPECT_EQ(marked[1].committed, 2u);
  EXPECT_EQ(store->RunStatus(killed_id),
            "interrupted: the process ended without finishing (killed or crashed); 5 anomalies committed");
  EXPECT_EQ(store->RunStatus(reused_id).rfind("interrupted: ", 0), 0u) << store->RunStatus(reused_id);
  EXPECT_EQ(store->RunStatus(alive), "") << "a live run is never marked";
  EXPECT_EQ(store->RunStatus(remote_id), "") << "another host's run is left to that host";
  EXPECT_EQ(store->RunStatus(finished), "ok");
  EXPECT_EQ(store->CountRunAnomalies(killed_id), 5u);
  EXPECT_EQ(store->CountRunAnomalies(alive), 3u);
  EXPECT_TRUE(store->MarkInterruptedRuns().empty()) << "each run is marked once";
}

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

TEST(SqliteStoreTest, StartRunLogsEachInterruptedRunThenBeginsItsOwn) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.File("recon.db"));
  RunRecord killed{"f.csv", "fp", "model", "detect"};
  killed.owner = RunOwner{CurrentRunOwner().host, DeadPid(), 1};
  const auto killed_id = store->BeginRun(killed);
  store->InsertAnomalies(Anomalies("k", killed_id, 4));
  LoggingParams params;
  params.dir = dir.File("log");
  const auto started = StartRun(*store, {"g.csv", "fp", "model", "detect"}, Logger::Open(params));
  EXPECT_EQ(started, killed_id + 1);
  EXPECT_EQ(store->RunStatus(started), "");
  const std::string log = testing::ReadFile(dir.File("log/recon.log"));
  const auto line = nlohmann::json::parse(log.substr(0, log.find('\n')));
  EXPECT_EQ(line["event"], "run.interrupted");
  EXPECT_EQ(line["run_id"], killed_id);
  EXPECT_EQ(line["committed"], 4);
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
  auto store = OpenSqliteStore(path);
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
  EXPECT_NO_THROW(OpenSqliteStore(path)) << "an upgraded store opens again";
}

TEST(SqliteStoreTest, AStoreFromANewerReconIsRefused) {
  testing::TempDir dir;
  const std::string path = dir.File("recon.db");
  OpenSqliteStore(path).reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  try {
    OpenSqliteStore(path);
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

TEST(SqliteStoreTest, ACategoryCorrectionIsKeptWithTheAnomalyAndItsAuditRowInOneGo) {
  testing::TempDir dir;
  const std::string path = dir.File("recon.db");
  auto store = OpenSqliteStore(path);
  const auto run = store->BeginRun({"f.csv", "fp", "model", "detect"});
  store->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k1", run), Anomaly("k2", run)});
  const std::int64_t id = *store->FindAnomalyId("k1");

  EXPECT_EQ(store->RecordCategoryCorrection(Correction(id, "Fee/Commission Difference", "broker fee")),
            CorrectionResult::kApplied);
  const StoredAnomaly corrected = *store->GetAnomaly(id);
  EXPECT_EQ(corrected.record.category, "Fee/Commission Difference");
  EXPECT_EQ(corrected.record.category_source, "reviewer");
  EXPECT_EQ(corrected.record.status, "Pending User Review") << "a correction leaves the status alone";
  const auto trail = store->AuditTrail(id, 10);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[1].actor, "j.doe");
  EXPECT_EQ(trail[1].old_status, "Pending User Review");
  EXPECT_EQ(trail[1].new_status, "Pending User Review");
  EXPECT_EQ(trail[1].note, "category Timing Issue -> Fee/Commission Difference; broker fee");
  EXPECT_EQ(store->CategoryCorrections(),
            (std::vector<LearnedCategory>{{"zorp kickback on vexo leg", "Fee/Commission Difference"}}));
  EXPECT_EQ(store->FindAnomalyVerdict("k1")->record.category, "Fee/Commission Difference");

  // To the category it has: a no-op that writes nothing (no correction, no audit row, no new updated_at).
  EXPECT_EQ(store->RecordCategoryCorrection(Correction(id, "Fee/Commission Difference")), CorrectionResult::kUnchanged);
  EXPECT_EQ(store->AuditTrail(id, 10).size(), 2u);
  EXPECT_EQ(CountRows(path, "category_corrections"), 1);
  EXPECT_EQ(store->GetAnomaly(id)->updated_at, corrected.updated_at);
  EXPECT_EQ(store->RecordCategoryCorrection(Correction(999, "Unknown")), CorrectionResult::kNotFound);

  // Corrected again: both are kept, the categoriser learns the latest.
  EXPECT_EQ(store->RecordCategoryCorrection(Correction(id, "FX Rate Difference")), CorrectionResult::kApplied);
  EXPECT_EQ(CountRows(path, "category_corrections"), 2);
  EXPECT_EQ(store->AuditTrail(id, 10).back().note, "category Fee/Commission Difference -> FX Rate Difference");
  const std::int64_t other = *store->FindAnomalyId("k2");
  EXPECT_EQ(store->RecordCategoryCorrection(Correction(other, "Missing Trade")), CorrectionResult::kApplied);
  EXPECT_EQ(store->CategoryCorrections(),
            (std::vector<LearnedCategory>{{"zorp kickback on vexo leg", "FX Rate Difference"},
                                          {"zorp kickback on vexo leg", "Missing Trade"}}));
}

TEST(SqliteStoreTest, AnomaliesAreFoundByTradeId) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.File("recon.db"));
  const auto run = store->BeginRun({"f.csv", "fp", "model", "detect"});
  std::vector<AnomalyRecord> records = Anomalies("k", run, 3);
  records[1].trade_id = "T2";
  records[2].trade_id = "T2";
  store->InsertAnomalies(records);
  EXPECT_EQ(store->FindAnomalyIdsByTrade("T1", 2), (std::vector<std::int64_t>{*store->FindAnomalyId("k0")}));
  EXPECT_EQ(store->FindAnomalyIdsByTrade("T2", 2).size(), 2u);
  EXPECT_EQ(store->FindAnomalyIdsByTrade("T2", 1).size(), 1u);
  EXPECT_TRUE(store->FindAnomalyIdsByTrade("T9", 2).empty());
}

// A store as recon left it at schema version 5 (before category corrections), with one anomaly.
void WriteVersion5Store(const std::string& path) {
  {
    auto store = OpenSqliteStore(path);
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
  auto store = OpenSqliteStore(path);
  EXPECT_EQ(UserVersionOf(path), 6);
  EXPECT_EQ(store->CountAnomalies(), 1u) << "the upgrade keeps what was stored";
  EXPECT_TRUE(store->CategoryCorrections().empty());
  const std::int64_t id = *store->FindAnomalyId("k1");
  EXPECT_EQ(store->FindAnomalyIdsByTrade("T1", 2), (std::vector<std::int64_t>{id}));
  EXPECT_EQ(store->RecordCategoryCorrection(Correction(id, "Missing Trade")), CorrectionResult::kApplied);
  store.reset();
  auto reopened = OpenSqliteStore(path);
  EXPECT_EQ(reopened->CategoryCorrections().size(), 1u) << "an upgraded store opens again, its corrections kept";
}

}  // namespace
}  // namespace recon::store
