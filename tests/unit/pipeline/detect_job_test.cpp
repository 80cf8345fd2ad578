#include "recon/pipeline/detect_job.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "recon/core/error.hpp"
#include "recon/models/metrics.hpp"
#include "recon/models/model_bundle.hpp"
#include "recon/resolve/resolver.hpp"
#include "recon/store/store.hpp"
#include "support/csv_table.hpp"
#include "support/temp_dir.hpp"

namespace recon::pipeline {
namespace {

const std::string kSample = std::string(RECON_SOURCE_DIR) + "/data/recon_sample_10k.csv";

Config ConfigIn(const testing::TempDir& dir) {
  Config config;
  config.store.url = "sqlite:" + dir.File("var/recon.db");
  config.paths.model = dir.File("var/models/recon.model");
  config.paths.output = dir.File("var/anomalies.csv");
  config.logging.dir = dir.File("var/log");
  return config;
}

TEST(DetectJobTest, SampleRunProducesResolvedAnomaliesAndRerunAddsNothing) {
  testing::TempDir dir;
  const Config config = ConfigIn(dir);
  const Logger logger = Logger::Null();
  DetectOptions options;
  options.input = kSample;
  const DetectReport first = RunDetect(config, options, logger, nullptr);
  EXPECT_TRUE(first.trained_model);
  EXPECT_TRUE(std::filesystem::exists(config.paths.model));
  EXPECT_EQ(first.rows_read, 10000u);
  EXPECT_EQ(first.rows_rejected, 0u);
  EXPECT_GT(first.flagged, 150u);
  EXPECT_LT(first.flagged, 400u);
  EXPECT_EQ(first.stored_new, first.flagged);

  const auto table = testing::ReadCsvTable(config.paths.output);
  ASSERT_EQ(table.rows.size(), first.flagged);
  const std::vector<std::string> tail = {"anomaly_score", "flagged",     "cluster",         "category",
                                         "severity",      "summary",     "status",          "ticket_id",
                                         "explanation",   "category_source", "resolution_reason"};
  ASSERT_EQ(table.header.size(), 21u + tail.size());
  EXPECT_EQ(std::vector<std::string>(table.header.end() - 11, table.header.end()), tail);
  std::set<std::string> tickets;
  std::size_t true_anomalies = 0;
  std::size_t timing_held = 0;
  for (const auto& row : table.rows) {
    EXPECT_EQ(row[table.Column("flagged")], "1");
    EXPECT_FALSE(row[table.Column("explanation")].empty());
    EXPECT_EQ(row[table.Column("category_source")], "local");  // no LLM configured
    EXPECT_FALSE(row[table.Column("resolution_reason")].empty());  // every decision says why
    if (row[table.Column("IS_ANOMALY")] == "1") ++true_anomalies;
    if (row[table.Column("category")] == "Timing Issue" &&
        row[table.Column("status")] == resolve::kStatusPendingReview) {
      ++timing_held;
    }
    if (row[table.Column("status")] == resolve::kStatusAutoResolved) {
      EXPECT_EQ(row[table.Column("category")], "Timing Issue");
      EXPECT_TRUE(tickets.insert(row[table.Column("ticket_id")]).second) << "duplicate ticket";
    } else {
      EXPECT_TRUE(row[table.Column("ticket_id")].empty());
    }
  }
  EXPECT_GT(static_cast<double>(true_anomalies) / static_cast<double>(table.rows.size()), 0.9);
  EXPECT_FALSE(tickets.empty());
  // The summary counts why timing issues were held back: each held one has at least one reason.
  std::uint64_t reasons = 0;
  for (const auto& [reason, count] : first.timing_held_by_reason) reasons += count;
  EXPECT_GT(timing_held, 0u);
  EXPECT_GE(reasons, timing_held);
  EXPECT_TRUE(first.timing_held_by_reason.contains("amount above the auto-resolve limit"));

  const DetectReport second = RunDetect(config, options, logger, nullptr);
  EXPECT_FALSE(second.trained_model);
  EXPECT_EQ(second.flagged, first.flagged);
  EXPECT_EQ(second.stored_new, 0u);
  const auto again = testing::ReadCsvTable(config.paths.output);
  EXPECT_EQ(again.rows, table.rows);  // same tickets, same verdicts
  auto store = store::OpenStore(config.store.url);
  EXPECT_EQ(store->CountAnomalies(), first.flagged);
  EXPECT_EQ(store->CountTickets(), tickets.size());
}

TEST(DetectJobTest, AllRowsModeWritesEveryRowWithFlags) {
  testing::TempDir dir;
  const Config config = ConfigIn(dir);
  DetectOptions options;
  options.input = kSample;
  options.all_rows = true;
  options.output = dir.File("all.csv");
  const DetectReport report = RunDetect(config, options, Logger::Null(), nullptr);
  const auto table = testing::ReadCsvTable(options.output);
  ASSERT_EQ(table.rows.size(), 10000u);
  std::size_t flagged = 0;
  for (const auto& row : table.rows) flagged += row[table.Column("flagged")] == "1";
  EXPECT_EQ(flagged, report.flagged);
}

TEST(DetectJobTest, RejectsAreWrittenWithLineAndReason) {
  testing::TempDir dir;
  const Config config = ConfigIn(dir);
  std::string text = testing::ReadFile(kSample);
  const std::size_t third_line = text.find('\n', text.find('\n') + 1) + 1;
  text.insert(third_line, "T999,2025-01-02,2025-01-03,EQ Cash NY,x,y,z,Equity,USD,1,1,zero,1,1,0,1,1,0,,0,\n");
  DetectOptions options;
  options.input = dir.Write("with_bad_row.csv", text);
  const DetectReport report = RunDetect(config, options, Logger::Null(), nullptr);
  EXPECT_EQ(report.rows_rejected, 1u);
  EXPECT_EQ(report.rows_read, 10001u);
  const auto rejects = testing::ReadCsvTable(report.rejects_path);
  ASSERT_EQ(rejects.rows.size(), 1u);
  EXPECT_EQ(rejects.rows[0][rejects.Column("line")], "3");
  EXPECT_EQ(rejects.rows[0][rejects.Column("kind")], "bad_number");
  EXPECT_EQ(rejects.rows[0][rejects.Column("column")], "QUANTITY_DIFF");
}

TEST(DetectJobTest, AFailedRunKeepsWhatItAcceptedAndSaysWhy) {
  testing::TempDir dir;
  const Config config = ConfigIn(dir);
  DetectOptions options;
  options.input = kSample;
  options.all_rows = true;
  options.output = "/dev/full";  // every write fails: the disk is full
  try {
    RunDetect(config, options, Logger::Null(), nullptr);
    FAIL() << "writing to a full disk must fail the run";
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kUnavailable);
  }
  auto store = store::OpenStore(config.store.url);
  const auto kept = store->CountAnomalies();
  EXPECT_GT(kept, 0u);  // resolved and ticketed before the failure: not lost
  EXPECT_EQ(store->RunStatus(1).rfind("failed: ", 0), 0u) << store->RunStatus(1);
  options.output = dir.File("out.csv");
  const DetectReport retry = RunDetect(config, options, Logger::Null(), nullptr);
  // The retry finds what the failed run kept and stores only the rest (the rows it never reached).
  EXPECT_GE(retry.flagged, kept);
  EXPECT_EQ(retry.stored_new, retry.flagged - kept);
  EXPECT_EQ(store->CountAnomalies(), retry.flagged);
  EXPECT_EQ(store->RunStatus(2), "ok");
}

// One value from the store, through SQLite directly (the Store interface does not read runs back).
std::int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  const std::int64_t value = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

TEST(DetectJobTest, AFailedRunRecordsAndLogsTheAnomaliesItReallyCommitted) {
  testing::TempDir dir;
  const Config config = ConfigIn(dir);
  // The sample ten times over: several thousand anomalies (each copy's rows get their own occurrence keys).
  const std::string sample = testing::ReadFile(kSample);
  const std::size_t body = sample.find('\n') + 1;
  std::string text = sample;
  for (int copy = 1; copy < 10; ++copy) text.append(sample, body);
  DetectOptions options;
  options.input = dir.Write("sample_x10.csv", text);
  options.output = dir.File("out.csv");
  // The store fails once 2,500 anomalies are in: the first insert transaction (2,048) is committed, the next fails.
  store::OpenStore(config.store.url).reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store::ParseStoreUrl(config.store.url).location.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER fail_late BEFORE INSERT ON anomalies "
                         "WHEN (SELECT COUNT(*) FROM anomalies) >= 2500 "
                         "BEGIN SELECT RAISE(ABORT, 'simulated store failure'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  {
    const Logger logger = Logger::Open(config.logging);
    EXPECT_THROW(RunDetect(config, options, logger, nullptr), Error);
  }
  const std::int64_t committed = QueryInt(store::ParseStoreUrl(config.store.url).location, "SELECT COUNT(*) FROM anomalies WHERE first_run_id = 1");
  ASSERT_GT(committed, 0);
  EXPECT_EQ(QueryInt(store::ParseStoreUrl(config.store.url).location, "SELECT anomalies_new FROM runs WHERE id = 1"), committed);
  auto store = store::OpenStore(config.store.url);
  EXPECT_EQ(store->RunStatus(1).rfind("failed: ", 0), 0u) << store->RunStatus(1);
  std::ifstream log(config.logging.dir + "/recon.log");
  std::string line;
  bool logged = false;
  while (std::getline(log, line)) {
    const auto parsed = nlohmann::json::parse(line);
    if (parsed["event"] != "run.failed") continue;
    logged = true;
    EXPECT_EQ(parsed["stored_new"], committed) << line;
  }
  EXPECT_TRUE(logged);
  EXPECT_FALSE(std::filesystem::exists(options.output)) << "a failed run publishes no output";
  EXPECT_FALSE(std::filesystem::exists(options.output + ".partial"));
}

TEST(DetectJobTest, AFailedRunLeavesThePreviousOutputAsItWas) {
  testing::TempDir dir;
  const Config config = ConfigIn(dir);
  DetectOptions options;
  options.input = kSample;
  options.output = dir.File("out/anomalies.csv");
  RunDetect(config, options, Logger::Null(), nullptr);
  const std::string previous = testing::ReadFile(options.output);
  ASSERT_FALSE(previous.empty());
  // The second run writes its whole CSV, then fails when the store refuses its anomalies.
  Config failing = config;
  failing.store.url = "sqlite:" + dir.File("failing.db");
  store::OpenStore(failing.store.url).reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store::ParseStoreUrl(failing.store.url).location.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TRIGGER refuse BEFORE INSERT ON anomalies BEGIN SELECT RAISE(ABORT, 'no'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  options.all_rows = true;
  EXPECT_THROW(RunDetect(failing, options, Logger::Null(), nullptr), Error);
  EXPECT_TRUE(testing::ReadFile(options.output) == previous) << "the failed run replaced the previous output";
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.File("out"))) {
    names.push_back(entry.path().filename());
  }
  EXPECT_EQ(names, std::vector<std::string>{"anomalies.csv"}) << "the failed run's temporary file is removed";
}

TEST(DetectJobTest, CorruptModelIsRefusedAndNothingIsWritten) {
  testing::TempDir dir;
  const Config config = ConfigIn(dir);
  std::filesystem::create_directories(dir.File("var/models"));
  dir.Write("var/models/recon.model", "RECONMDL truncated");
  DetectOptions options;
  options.input = kSample;
  try {
    RunDetect(config, options, Logger::Null(), nullptr);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(error.what()).find("recon.model"), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(config.paths.output));
}

}  // namespace
}  // namespace recon::pipeline

namespace recon::pipeline {
namespace {

TEST(DetectJobTest, ExtendedForestModelIsTrainedSavedReloadedAndAccurate) {
  testing::TempDir dir;
  const Config config = ConfigIn(dir);
  DetectOptions options;
  options.input = kSample;
  options.algorithm = "eif";
  options.all_rows = true;
  const DetectReport first = RunDetect(config, options, Logger::Null(), nullptr);
  EXPECT_TRUE(first.trained_model);
  const DetectReport second = RunDetect(config, options, Logger::Null(), nullptr);
  EXPECT_FALSE(second.trained_model);
  EXPECT_EQ(second.flagged, first.flagged);
  EXPECT_EQ(models::ModelBundle::Load(config.paths.model).detector->Name(), "eif");
  // The labelled sample: the engineered features make anomalies stand out to hyperplane splits too.
  const auto table = testing::ReadCsvTable(config.paths.output);
  std::vector<double> scores;
  std::vector<int> labels;
  for (const auto& row : table.rows) {
    scores.push_back(std::stod(row[table.Column("anomaly_score")]));
    labels.push_back(std::stoi(row[table.Column("IS_ANOMALY")]));
  }
  EXPECT_GT(models::RocAuc(scores, labels), 0.95);
}

TEST(DetectJobTest, ClusterCountChosenBySilhouetteWhenAsked) {
  testing::TempDir dir;
  Config config = ConfigIn(dir);
  config.clustering.auto_k_max = 4;
  config.clustering.silhouette_rows = 500;
  DetectOptions options;
  options.input = kSample;
  const DetectReport report = RunDetect(config, options, Logger::Null(), nullptr);
  ASSERT_TRUE(report.training.cluster_choice.has_value());
  const auto& choice = *report.training.cluster_choice;
  EXPECT_GE(choice.k, 2);
  EXPECT_LE(choice.k, 4);
  EXPECT_EQ(choice.tried.size(), 3u);
  EXPECT_EQ(report.training.clusters, static_cast<std::size_t>(choice.k));
  EXPECT_EQ(models::ModelBundle::Load(config.paths.model).clusterer->ClusterCount(), report.training.clusters);
  EXPECT_NE(RenderSummary(report).find("clusters: k = " + std::to_string(choice.k) + " chosen by mean silhouette"),
            std::string::npos)
      << RenderSummary(report);
  config.clustering.auto_k_max = 1;
  EXPECT_THROW(config.Validate(), Error);
}

TEST(DetectJobTest, LofModelIsTrainedSavedAndReloaded) {
  testing::TempDir dir;
  const Config config = ConfigIn(dir);
  DetectOptions options;
  options.input = kSample;
  options.algorithm = "lof";
  const DetectReport first = RunDetect(config, options, Logger::Null(), nullptr);
  EXPECT_TRUE(first.trained_model);
  EXPECT_GT(first.flagged, 100u);
  const DetectReport second = RunDetect(config, options, Logger::Null(), nullptr);
  EXPECT_FALSE(second.trained_model);
  EXPECT_EQ(second.flagged, first.flagged);
  options.algorithm = "iforest";
  try {
    RunDetect(config, options, Logger::Null(), nullptr);
    FAIL() << "an iforest run must not reuse a LOF model silently";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("uses 'lof'"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace recon::pipeline
