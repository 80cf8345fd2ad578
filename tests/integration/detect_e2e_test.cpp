// End to end through the real binary on generated data: accuracy, resolution invariants, idempotent reruns, and
// the CLI's error funnel (exit codes and messages) for bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "recon/models/metrics.hpp"
#include "support/csv_table.hpp"
#include "support/fake_llm_server.hpp"
#include "support/temp_dir.hpp"

namespace recon {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult RunShell(const testing::TempDir& dir, const std::string& command) {
  const std::string log = dir.File("command.log");
  const std::string full = "cd '" + dir.Path().string() + "' && " + command + " > '" + log + "' 2>&1";
  const int status = std::system(full.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing::ReadFile(log)};
}

std::string Recon() { return std::string("'") + RECON_BINARY + "'"; }

class DetectEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = new testing::TempDir();
    const std::string generate = std::string("'") + RECON_PYTHON + "' '" + RECON_SOURCE_DIR +
                                 "/tests/tools/gen_recon_data.py' --rows 50000 --seed 11 --labels --out trades.csv";
    const auto result = RunShell(*data_dir_, generate);
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }
  static void TearDownTestSuite() {
    delete data_dir_;
    data_dir_ = nullptr;
  }
  static testing::TempDir* data_dir_;
};
testing::TempDir* DetectEndToEnd::data_dir_ = nullptr;

std::uint64_t CountRows(const std::string& db, const std::string& table) {
  testing::TempDir scratch;
  const auto result = RunShell(scratch, "sqlite3 '" + db + "' 'SELECT COUNT(*) FROM " + table + "'");
  return std::stoull(result.output);
}

TEST_F(DetectEndToEnd, AccurateResolvedAndIdempotent) {
  testing::TempDir dir;
  const std::string input = data_dir_->File("trades.csv");
  const auto first = RunShell(dir, Recon() + " detect '" + input + "' --all --out all.csv");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("rows read 50000, rejected 0"), std::string::npos) << first.output;

  const auto table = testing::ReadCsvTable(dir.File("all.csv"));
  ASSERT_EQ(table.rows.size(), 50000u);
  std::vector<double> scores;
  std::vector<int> labels;
  std::set<std::string> tickets;
  std::size_t flagged = 0;
  for (const auto& row : table.rows) {
    scores.push_back(std::stod(row[table.Column("anomaly_score")]));
    labels.push_back(row[table.Column("IS_ANOMALY")] == "1" ? 1 : 0);
    flagged += row[table.Column("flagged")] == "1";
    if (row[table.Column("status")] == "Auto-Resolved") {
      EXPECT_EQ(row[table.Column("category")], "Timing Issue");
      EXPECT_TRUE(tickets.insert(row[table.Column("ticket_id")]).second) << row[table.Column("ticket_id")];
    }
  }
  const double auc = models::RocAuc(scores, labels);
  std::printf("end-to-end ROC-AUC on 50k generated rows: %.4f (%zu flagged, %zu tickets)\n", auc, flagged,
              tickets.size());
  EXPECT_GE(auc, 0.90);
  EXPECT_GT(tickets.size(), 50u);

  const std::string db = dir.File("var/recon.db");
  const auto anomalies = CountRows(db, "anomalies");
  const auto ticket_rows = CountRows(db, "tickets");
  EXPECT_EQ(anomalies, flagged);
  EXPECT_EQ(ticket_rows, tickets.size());
  const auto second = RunShell(dir, Recon() + " detect '" + input + "' --out again.csv");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("(new in store: 0)"), std::string::npos) << second.output;
  EXPECT_EQ(CountRows(db, "anomalies"), anomalies);
  EXPECT_EQ(CountRows(db, "tickets"), ticket_rows);
  EXPECT_EQ(CountRows(db, "runs"), 2u);
}

TEST_F(DetectEndToEnd, BadInputGivesClearErrorsAndExitCodes) {
  testing::TempDir dir;
  dir.Write("no_amount.csv", "TRADE_ID,TRADE_DATE\nT1,2025-01-02\n");
  auto result = RunShell(dir, Recon() + " detect no_amount.csv");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("lacks required column(s)"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("AMOUNT_DIFF"), std::string::npos) << result.output;

  result = RunShell(dir, Recon() + " detect does_not_exist.csv");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.output.find("does_not_exist.csv"), std::string::npos) << result.output;

  dir.Write("empty.csv", "");
  result = RunShell(dir, Recon() + " detect empty.csv");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("empty"), std::string::npos) << result.output;

  dir.Write("header_only.csv", std::string(testing::kTradeHeader) + "\n");
  result = RunShell(dir, Recon() + " detect header_only.csv");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("0 valid rows"), std::string::npos) << result.output;

  std::filesystem::create_directories(dir.File("var/models"));
  dir.Write("var/models/recon.model", "not a model at all");
  result = RunShell(dir, Recon() + " detect '" + data_dir_->File("trades.csv") + "'");
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_NE(result.output.find("not a recon model"), std::string::npos) << result.output;

  dir.Write("bad.yaml", "detector:\n  trees: 5\n");
  result = RunShell(dir, Recon() + " --config bad.yaml detect empty.csv");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("detector.trees"), std::string::npos) << result.output;
}

std::uint64_t CountWhere(const std::string& db, const std::string& table, const std::string& where) {
  testing::TempDir scratch;
  const auto result =
      RunShell(scratch, "sqlite3 '" + db + "' \"SELECT COUNT(*) FROM " + table + " WHERE " + where + "\"");
  return std::stoull(result.output);
}

TEST_F(DetectEndToEnd, WithAnLlmOnlyTheUncertainResidueIsAskedAndARerunAsksNothing) {
  testing::TempDir dir;
  testing::FakeLlmServer server;
  const std::string input = data_dir_->File("trades.csv");
  server.Control({{"oracle", input}});  // answers each trade's true category
  dir.Write("llm.yaml", "llm:\n  base_url: " + server.BaseUrl() + "\n  model: fake\n  api_key_env: RECON_TEST_KEY\n");
  const std::string detect = "RECON_TEST_KEY=secret-123 " + Recon() + " --config llm.yaml detect '" + input + "' --llm";
  const auto first = RunShell(dir, detect + " --out first.csv");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("llm (fake):"), std::string::npos) << first.output;

  const auto table = testing::ReadCsvTable(dir.File("first.csv"));
  std::map<std::string, std::size_t> sources;
  for (const auto& row : table.rows) ++sources[row[table.Column("category_source")]];
  const auto requests = server.Requests();
  const std::size_t calls = requests.size();
  std::printf("LLM e2e: %zu anomalies, %zu answered by the LLM, %zu calls\n", table.rows.size(), sources["llm"], calls);
  EXPECT_GT(sources["llm"], 0u);
  EXPECT_GT(sources["local"], sources["llm"]);  // local first: the LLM only sees the uncertain residue
  EXPECT_GT(calls, 0u);
  EXPECT_LE(calls, table.rows.size() / 5) << "the issue's target: calls for at most 20% of flagged anomalies";
  EXPECT_EQ(requests[0]["authorization"], "Bearer secret-123");
  for (const auto& entry : std::filesystem::directory_iterator(dir.File("var/log"))) {
    EXPECT_EQ(testing::ReadFile(entry.path().string()).find("secret-123"), std::string::npos) << entry.path();
  }
  const std::string db = dir.File("var/recon.db");
  EXPECT_EQ(CountRows(db, "llm_cache"), calls);  // every question asked once, every answer kept
  EXPECT_EQ(CountWhere(db, "anomalies", "category_source = 'llm'"), sources["llm"]);

  const auto second = RunShell(dir, detect + " --out second.csv");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(server.Requests().size(), calls) << "a rerun asks the LLM nothing";
  const auto again = testing::ReadCsvTable(dir.File("second.csv"));
  std::map<std::string, std::size_t> again_sources;
  for (const auto& row : again.rows) ++again_sources[row[again.Column("category_source")]];
  // Each trade is stored already: the rerun shows its stored verdict, as the LLM (or the cache) gave it.
  EXPECT_EQ(again_sources, sources);
}

TEST_F(DetectEndToEnd, WithoutSmtpTheRunReportWaitsInTheOutbox) {
  testing::TempDir dir;
  const std::string input = data_dir_->File("trades.csv");
  auto result = RunShell(dir, Recon() + " detect '" + input + "' --out out.csv");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("email: report #1 kept in the outbox (email.smtp_host not set)"), std::string::npos)
      << result.output;
  result = RunShell(dir, Recon() + " outbox list");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.output.find("#1 pending"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("anomalies"), std::string::npos) << result.output;
  result = RunShell(dir, Recon() + " outbox send");
  EXPECT_NE(result.output.find("smtp_host is not set"), std::string::npos) << result.output;
  result = RunShell(dir, Recon() + " outbox purge");
  EXPECT_NE(result.output.find("0 mail(s) deleted"), std::string::npos) << result.output;  // pending mail is kept
  result = RunShell(dir, Recon() + " outbox bogus");
  EXPECT_EQ(result.exit_code, 2);
  // A config with a malformed address is refused before any work, naming the key.
  dir.Write("bad_mail.yaml", "email:\n  smtp_host: mail.example\n  to: [\"ops@bank.example\\r\\nBcc: x@y\"]\n");
  result = RunShell(dir, Recon() + " --config bad_mail.yaml detect '" + input + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("email.to holds an invalid address"), std::string::npos) << result.output;
}

TEST_F(DetectEndToEnd, TrainThenDetectUsesTheSavedModel) {
  testing::TempDir dir;
  const std::string input = data_dir_->File("trades.csv");
  auto result = RunShell(dir, Recon() + " train '" + input + "' --model model.bin");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(std::filesystem::exists(dir.File("model.bin")));
  dir.Write("c.yaml", "paths:\n  model: model.bin\n");
  result = RunShell(dir, Recon() + " detect '" + input + "' --config c.yaml --out out.csv");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("model loaded from model.bin"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace recon
