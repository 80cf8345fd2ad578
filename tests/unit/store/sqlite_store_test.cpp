#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>

#include "recon/core/error.hpp"
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

}  // namespace
}  // namespace recon::store
