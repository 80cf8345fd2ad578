// One scoring path and one identity (issue 18), through the real binary: 3,000 generated trades, the first 300
// posted to /batch_anomaly/, the next 100 to /realtime_anomaly/, the next 100 over /ws, then `recon detect` on
// the whole file into the same store while the server runs. The store must hold what a CSV-only run on a fresh
// store holds (the same anomalies, verdicts and tickets, one per trade), the API must answer with those anomalies'
// ids, and a subscriber to the live feed must hear every one of them, in id order, once.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "support/beast_client.hpp"
#include "support/csv_table.hpp"
#include "support/serve_process.hpp"
#include "support/temp_dir.hpp"

namespace recon {
namespace {

using nlohmann::json;

// What identifies a stored anomaly's verdict, by natural key.
using Verdicts = std::map<std::string, std::tuple<std::string, std::string, std::string, std::string, std::string,
                                                  std::string, std::int64_t>>;

// Every anomaly of a store: natural key -> (trade, category, severity, status, ticket, reason, id).
Verdicts StoredVerdicts(const std::string& db_path) {
  Verdicts out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db,
                               "SELECT natural_key, trade_id, category, severity, status, COALESCE(ticket_id, ''), "
                               "resolution_reason, id FROM anomalies",
                               -1, &statement, nullptr),
            SQLITE_OK);
  auto text = [&](int column) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, column))); };
  while (sqlite3_step(statement) == SQLITE_ROW) {
    out[text(0)] = {text(1), text(2), text(3), text(4), text(5), text(6), sqlite3_column_int64(statement, 7)};
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return out;
}

// Verdicts without the row ids (which depend on insertion order only).
std::map<std::string, std::vector<std::string>> WithoutIds(const Verdicts& verdicts) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [key, value] : verdicts) {
    const auto& [trade, category, severity, status, ticket, reason, id] = value;
    out[key] = {trade, category, severity, status, ticket, reason};
  }
  return out;
}

int RunShell(const std::string& command) { return std::system((command + " > /dev/null").c_str()); }

class EntryPointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunShell("'" + std::string(RECON_PYTHON) + "' '" + RECON_SOURCE_DIR +
                  "/tests/tools/gen_recon_data.py' --rows 3000 --seed 18 --out '" + input_ + "'"),
              0);
    ASSERT_EQ(RunShell(Recon(csv_only_) + " train '" + input_ + "'"), 0) << "one model for both stores";
  }

  // A workspace of its own (store, output, log) sharing the model.
  std::string Workspace(const std::string& name) {
    std::filesystem::create_directories(dir_.File(name));
    const std::string config = dir_.File(name + "/recon.yaml");
    dir_.Write(name + "/recon.yaml", "store:\n  url: sqlite:" + dir_.File(name + "/recon.db") + "\npaths:\n  model: " + model_ +
                                         "\n  output: " + dir_.File(name + "/anomalies.csv") +
                                         "\nlogging:\n  dir: " + dir_.File(name + "/log") + "\nserver:\n  port: 0\n");
    return config;
  }
  static std::string Recon(const std::string& config) {
    return "'" + std::string(RECON_BINARY) + "' --config '" + config + "' -q";
  }

  testing::TempDir dir_;
  std::string input_ = dir_.File("trades.csv");
  std::string model_ = dir_.File("recon.model");
  std::string csv_only_ = Workspace("csv");
  std::string mixed_ = Workspace("mixed");
};

// The file's rows as API trades: numbers as JSON numbers (the CSV has them as text), keys in another order.
std::vector<json> TradesOf(const testing::CsvTable& table) {
  const std::set<std::string> numbers = {"BOOK_QUANTITY", "STREET_QUANTITY", "QUANTITY_DIFF", "BOOK_PRICE",
                                         "STREET_PRICE",  "PRICE_DIFF",      "BOOK_AMOUNT",   "STREET_AMOUNT",
                                         "AMOUNT_DIFF"};
  std::vector<json> trades;
  for (const auto& row : table.rows) {
    json trade = json::object();
    for (std::size_t col = table.header.size(); col-- > 0;) {
      const std::string& name = table.header[col];
      trade[name] = numbers.count(name) > 0 ? json(std::stod(row[col])) : json(row[col]);
    }
    trades.push_back(std::move(trade));
  }
  return trades;
}

TEST_F(EntryPointsTest, ATradeIsOneAnomalyWithOneVerdictAndTicketWhicheverWayItArrives) {
  ASSERT_EQ(RunShell(Recon(csv_only_) + " detect '" + input_ + "'"), 0);
  const Verdicts csv_only = StoredVerdicts(dir_.File("csv/recon.db"));
  ASSERT_GT(csv_only.size(), 20u);

  const std::vector<json> trades = TradesOf(testing::ReadCsvTable(input_));
  ASSERT_EQ(trades.size(), 3000u);
  std::map<std::string, std::int64_t> answered_ids;  // trade id -> anomaly id, as the API answered
  auto note_answer = [&](const json& verdict) {
    if (verdict["flagged"] == true) answered_ids[verdict["trade_id"]] = verdict["anomaly_id"].get<std::int64_t>();
  };
  std::vector<std::int64_t> heard;
  {
    testing::ServeProcess serve(mixed_);
    testing::WsConnection subscriber(serve.Port());
    subscriber.Send(R"({"subscribe": "anomalies"})");
    const auto subscribed = subscriber.ReceiveWithin(std::chrono::seconds(10));
    ASSERT_TRUE(subscribed);
    ASSERT_EQ(json::parse(*subscribed)["type"], "subscribed");

    testing::HttpConnection client(serve.Port());
    const auto batch = client.Post("/batch_anomaly/", json(std::vector<json>(trades.begin(), trades.begin() + 300)).dump());
    ASSERT_EQ(batch.status, 200) << batch.body;
    for (const json& verdict : batch.Json()["results"]) note_answer(verdict);
    for (std::size_t idx = 300; idx < 400; ++idx) {
      const auto reply = client.Post("/realtime_anomaly/", trades[idx].dump());
      ASSERT_EQ(reply.status, 200) << reply.body;
      note_answer(reply.Json());
    }
    testing::WsConnection stream(serve.Port());
    for (std::size_t idx = 400; idx < 500; ++idx) {
      stream.Send(trades[idx].dump());
      const auto answer = stream.ReceiveWithin(std::chrono::seconds(10));
      ASSERT_TRUE(answer) << "no answer to trade " << idx;
      const json result = json::parse(*answer);
      ASSERT_EQ(result["type"], "result");
      note_answer(result);
    }
    ASSERT_EQ(RunShell(Recon(mixed_) + " detect '" + input_ + "'"), 0) << "beside the running server";

    const std::size_t expected = StoredVerdicts(dir_.File("mixed/recon.db")).size();
    while (heard.size() < expected) {
      const auto message = subscriber.ReceiveWithin(std::chrono::seconds(10));
      ASSERT_TRUE(message) << "the live feed went quiet after " << heard.size() << " of " << expected;
      const json event = json::parse(*message);
      ASSERT_EQ(event["type"], "anomaly");
      heard.push_back(event["anomaly_id"].get<std::int64_t>());
    }
  }
  const Verdicts mixed = StoredVerdicts(dir_.File("mixed/recon.db"));
  EXPECT_EQ(WithoutIds(mixed), WithoutIds(csv_only)) << "same anomalies, verdicts, tickets and reasons";

  // The API answered with the ids the store holds for those trades (a repeated trade id has several).
  std::map<std::string, std::set<std::int64_t>> stored_ids;
  for (const auto& [key, value] : mixed) stored_ids[std::get<0>(value)].insert(std::get<6>(value));
  ASSERT_FALSE(answered_ids.empty());
  for (const auto& [trade, id] : answered_ids) EXPECT_EQ(stored_ids[trade].count(id), 1u) << trade;

  // The feed heard every anomaly, from the API and from the detect run, in id order, once.
  std::vector<std::int64_t> all_ids;
  for (const auto& [key, value] : mixed) all_ids.push_back(std::get<6>(value));
  std::sort(all_ids.begin(), all_ids.end());
  EXPECT_EQ(heard, all_ids);
}

}  // namespace
}  // namespace recon
