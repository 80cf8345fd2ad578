// The service over real sockets on 127.0.0.1: every endpoint, bad input of each kind, auth, 100 concurrent
// connections, WebSocket streaming, the live feed and its slow-consumer rule, and graceful shutdown.
#include "recon/server/server.hpp"

#include <gtest/gtest.h>

#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "support/beast_client.hpp"
#include "support/child_process.hpp"
#include "support/fake_llm_server.hpp"
#include "support/sample_model.hpp"
#include "support/temp_dir.hpp"

namespace recon::server {
namespace {

using nlohmann::json;
using testing::HttpConnection;
using testing::WsConnection;

json NormalTrade(const std::string& id) {
  return {{"TRADE_ID", id},          {"TRADE_DATE", "2025-01-02"},   {"SETTLEMENT_DATE", "2025-01-03"},
          {"DESKNAME", "EQ Cash NY"}, {"CURRENCY", "USD"},             {"BOOK_QUANTITY", 100},
          {"STREET_QUANTITY", 100},  {"QUANTITY_DIFF", 0},            {"BOOK_PRICE", 98.8},
          {"STREET_PRICE", 98.8},    {"PRICE_DIFF", 0},               {"BOOK_AMOUNT", 9880},
          {"STREET_AMOUNT", 9880},   {"AMOUNT_DIFF", 0},              {"COMMENT", ""}};
}

json AnomalousTrade(const std::string& id, double book_quantity = 1000) {
  json trade = NormalTrade(id);
  trade["BOOK_QUANTITY"] = book_quantity;
  trade["QUANTITY_DIFF"] = book_quantity - 100;
  trade["BOOK_AMOUNT"] = book_quantity * 98.8;
  trade["AMOUNT_DIFF"] = book_quantity * 98.8 - 9880;
  trade["COMMENT"] = "partial fill booked";
  return trade;
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { model_ = new testing::SampleModel(); }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
  }

  void Start(ApiKeys keys = ApiKeys(), bool with_model = true) {
    config_.store.url = "sqlite:" + dir_.File("recon.db");
    config_.paths.model = with_model ? model_->Path() : dir_.File("missing.model");
    config_.logging.dir = dir_.File("log");
    config_.server.port = 0;
    config_.server.threads = 2;
    config_.Validate();
    service_ = std::make_unique<service::ScoringService>(config_, logger_);
    server_ = std::make_unique<Server>(config_, logger_, *service_, std::move(keys));
    server_->Start();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  unsigned short Port() const { return server_->Port(); }

  static testing::SampleModel* model_;
  testing::TempDir dir_;
  pipeline::Config config_;
  Logger logger_ = Logger::Null();
  std::unique_ptr<service::ScoringService> service_;
  std::unique_ptr<Server> server_;
};
testing::SampleModel* ServerTest::model_ = nullptr;

TEST_F(ServerTest, HealthReportsTheModelAndTheStore) {
  Start();
  HttpConnection client(Port());
  const auto reply = client.Get("/health");
  ASSERT_EQ(reply.status, 200);
  const json body = reply.Json();
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["model"]["detector"], "iforest");
  EXPECT_EQ(body["model"]["fingerprint"].get<std::string>().size(), 64u);
  EXPECT_EQ(body["store"]["state"], "ok");
}

TEST_F(ServerTest, WithoutAModelTheServiceStartsDegradedAndSaysSo) {
  Start(ApiKeys(), /*with_model=*/false);
  HttpConnection client(Port());
  const json health = client.Get("/health").Json();
  EXPECT_EQ(health["status"], "degraded");
  EXPECT_NE(health["degraded_reason"].get<std::string>().find("recon train"), std::string::npos);
  const auto reply = client.Post("/realtime_anomaly/", AnomalousTrade("T1").dump());
  EXPECT_EQ(reply.status, 503);
  EXPECT_NE(reply.Json()["detail"].get<std::string>().find("model"), std::string::npos);
}

TEST_F(ServerTest, RealtimeScoresStoresAndTheReviewerClosesTheLoop) {
  Start();
  HttpConnection client(Port());
  const json normal = client.Post("/realtime_anomaly/", NormalTrade("N1").dump()).Json();
  EXPECT_EQ(normal["flagged"], false);
  EXPECT_EQ(normal["status"], "Normal");
  EXPECT_TRUE(normal["category"].is_null());

  const auto reply = client.Post("/realtime_anomaly", AnomalousTrade("A1").dump());  // no trailing slash: same route
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json verdict = reply.Json();
  EXPECT_EQ(verdict["trade_id"], "A1");
  EXPECT_EQ(verdict["flagged"], true);
  EXPECT_EQ(verdict["category"], "Quantity Mismatch");
  EXPECT_EQ(verdict["status"], "Pending User Review");
  EXPECT_EQ(verdict["category_source"], "local");
  EXPECT_EQ(verdict["resolution_reason"], "only timing issues are auto-resolved; this is a Quantity Mismatch");
  ASSERT_EQ(verdict["explanation"].size(), 3u);
  EXPECT_GT(verdict["explanation"][0]["share"].get<double>(), 0.0);
  const std::int64_t id = verdict["anomaly_id"].get<std::int64_t>();

  // Posting the same trade again is idempotent: the same anomaly.
  EXPECT_EQ(client.Post("/realtime_anomaly/", AnomalousTrade("A1").dump()).Json()["anomaly_id"], id);

  const json stored = client.Get("/anomalies/" + std::to_string(id)).Json();
  EXPECT_EQ(stored["trade_id"], "A1");
  EXPECT_EQ(stored["row"]["COMMENT"], "partial fill booked");
  // The stored explanation (text, formatted only when the anomaly is new) names the verdict's top feature.
  EXPECT_NE(stored["explanation"].get<std::string>().find(verdict["explanation"][0]["feature"].get<std::string>()),
            std::string::npos)
      << stored["explanation"];
  ASSERT_EQ(stored["audit"].size(), 1u);
  EXPECT_EQ(stored["resolution_reason"], verdict["resolution_reason"]);
  EXPECT_EQ(stored["audit"][0]["note"], "detected; " + verdict["resolution_reason"].get<std::string>());

  const json feedback{{"status", "resolved"}, {"reviewer", "j.doe"}, {"note", "amended the book"},
                      {"category", "Quantity Mismatch"}};
  const auto updated = client.Post("/anomalies/" + std::to_string(id) + "/feedback", feedback.dump());
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json()["status"], "Resolved");
  const json audit = updated.Json()["audit"];
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1]["actor"], "j.doe");
  EXPECT_EQ(audit[1]["old_status"], "Pending User Review");
  EXPECT_EQ(audit[1]["new_status"], "Resolved");
  EXPECT_NE(audit[1]["note"].get<std::string>().find("amended the book"), std::string::npos);

  // The trade posted again answers with the reviewer's decision (the service's verdict cache follows feedback).
  EXPECT_EQ(client.Post("/realtime_anomaly/", AnomalousTrade("A1").dump()).Json()["status"], "Resolved");

  EXPECT_EQ(client.Post("/anomalies/" + std::to_string(id) + "/feedback", R"({"status":"maybe"})").status, 422);
  EXPECT_EQ(client.Post("/anomalies/999999/feedback", feedback.dump()).status, 404);
  EXPECT_EQ(client.Get("/anomalies/999999").status, 404);
}

TEST_F(ServerTest, ADecisionRecordedByAnotherProcessReachesTradesPostedAgain) {
  Start();
  HttpConnection client(Port());
  const json first = client.Post("/realtime_anomaly/", AnomalousTrade("X1").dump()).Json();
  ASSERT_EQ(first["status"], "Pending User Review");
  EXPECT_EQ(client.Post("/realtime_anomaly/", AnomalousTrade("X1").dump()).Json()["status"], "Pending User Review");
  {
    // Another process (a second instance, a maintenance tool) decides on the same store file.
    auto elsewhere = store::OpenStore(config_.store.url);
    ASSERT_TRUE(elsewhere->RecordFeedback(first["anomaly_id"].get<std::int64_t>(), "Rejected", "ops", "duplicate"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the service looks for outside changes each second
  const json again = client.Post("/realtime_anomaly/", AnomalousTrade("X1").dump()).Json();
  EXPECT_EQ(again["status"], "Rejected");
  EXPECT_EQ(again["anomaly_id"], first["anomaly_id"]);
}

// Issue 17, point 5: a reviewer's category correction is kept, and the service has learnt it by the time it
// answers: the next trade in that phrasing gets the corrected category.
TEST_F(ServerTest, ACategoryCorrectionIsKeptAndTheNextTradeInThatPhrasingGetsIt) {
  Start();
  HttpConnection client(Port());
  // Quantities and prices agree and the booked amount is 5% higher: an FX Rate or a Fee/Commission Difference,
  // which the comment tells apart (an unfamiliar one leaves FX Rate Difference). Each trade of its own size: a
  // repeat of another's economics would make it a Duplicate Entry.
  auto trade_saying = [](const std::string& id, const std::string& comment, double quantity) {
    json trade = NormalTrade(id);
    trade["BOOK_QUANTITY"] = trade["STREET_QUANTITY"] = quantity;
    trade["STREET_AMOUNT"] = quantity * 98.8;
    trade["BOOK_AMOUNT"] = quantity * 98.8 * 1.05;
    trade["AMOUNT_DIFF"] = quantity * 98.8 * 0.05;
    trade["COMMENT"] = comment;
    return trade;
  };
  const std::string unseen = "zorp xlat again";  // another desk's jargon, in no correction verbatim
  const json before = client.Post("/realtime_anomaly/", trade_saying("C0", unseen, 1000).dump()).Json();
  ASSERT_EQ(before["flagged"], true);
  ASSERT_NE(before["category"], "Fee/Commission Difference");

  // Three anomalies in that jargon, each categorised without it, then corrected by a reviewer.
  std::vector<json> taught;
  for (const char* comment :
       {"zorp xlat on vexo leg", "vexo leg zorp xlat, mk chasing", "zorp xlat booked twice on vexo"}) {
    const std::string id = "C" + std::to_string(taught.size() + 1);
    const double quantity = 1100 + 100 * static_cast<double>(taught.size());
    taught.push_back(client.Post("/realtime_anomaly/", trade_saying(id, comment, quantity).dump()).Json());
    ASSERT_NE(taught.back()["category"], "Fee/Commission Difference");
  }
  for (const json& verdict : taught) {
    const json correction{{"category", "Fee/Commission Difference"}, {"reviewer", "j.doe"}, {"note", "broker fee"}};
    const auto reply = client.Post("/anomalies/" + verdict["anomaly_id"].dump() + "/feedback", correction.dump());
    ASSERT_EQ(reply.status, 200) << reply.body;
    const json corrected = reply.Json();
    EXPECT_EQ(corrected["category"], "Fee/Commission Difference");
    EXPECT_EQ(corrected["category_source"], "reviewer");
    EXPECT_EQ(corrected["category_correction"], "applied");
    EXPECT_EQ(corrected["status"], "Pending User Review") << "a correction alone leaves the status";
    EXPECT_EQ(corrected["audit"].back()["note"],
              "category " + verdict["category"].get<std::string>() + " -> Fee/Commission Difference; broker fee");
  }
  const std::int64_t first_id = taught.front()["anomaly_id"].get<std::int64_t>();
  // Learnt at once: a new trade in that phrasing (no comment seen verbatim) is categorised by the corrections.
  const json after = client.Post("/realtime_anomaly/", trade_saying("C9", unseen, 1500).dump()).Json();
  EXPECT_EQ(after["category"], "Fee/Commission Difference") << after.dump();
  EXPECT_EQ(after["category_source"], "local");
  // The trade posted again answers with its corrected, stored verdict.
  EXPECT_EQ(client.Post("/realtime_anomaly/", trade_saying("C1", "zorp xlat on vexo leg", 1100).dump())
                .Json()["category_source"],
            "reviewer");

  const std::string target = "/anomalies/" + std::to_string(first_id) + "/feedback";
  const auto same = client.Post(
      target, json{{"category", "Fee/Commission Difference"}, {"reviewer", "j.doe"}, {"status", "resolved"}}.dump());
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.Json()["category_correction"], "unchanged");
  EXPECT_EQ(same.Json()["status"], "Resolved");
  auto refused = client.Post(target, json{{"category", "fee"}, {"reviewer", "j.doe"}}.dump());
  ASSERT_EQ(refused.status, 422);
  EXPECT_EQ(refused.Json()["detail"][0]["field"], "category");
  EXPECT_NE(refused.Json()["detail"][0].dump().find("Fee/Commission Difference"), std::string::npos) << refused.body;
  // A 5% amount break is no rounding error, whoever says so: refused as a field problem, nothing learnt.
  refused = client.Post(target, json{{"category", "Rounding Error"}, {"reviewer", "j.doe"}}.dump());
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.Json()["detail"][0]["field"], "category");
  EXPECT_NE(refused.body.find("cannot be a Rounding Error: the amount at risk"), std::string::npos) << refused.body;
  EXPECT_EQ(client.Get("/anomalies/" + std::to_string(first_id)).Json()["category"], "Fee/Commission Difference");
  refused = client.Post(target, json{{"reviewer", "j.doe"}, {"note", "neither"}}.dump());
  ASSERT_EQ(refused.status, 422);
  EXPECT_EQ(refused.Json()["detail"][0]["field"], "status");
  EXPECT_EQ(client.Post(target, json{{"category", "Unknown"}, {"reviewer", "j\ndoe"}}.dump()).status, 422);
  EXPECT_EQ(
      client.Post("/anomalies/999999/feedback", json{{"category", "Unknown"}, {"reviewer", "j.doe"}}.dump()).status,
      404);
}

TEST_F(ServerTest, BadInputGetsTheStatusAFastApiUserExpects) {
  config_.server.body_limit_bytes = 4096;
  Start();
  HttpConnection client(Port());
  auto reply = client.Post("/realtime_anomaly/", "{\"TRADE_ID\": ");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("malformed JSON"), std::string::npos);

  json wrong = NormalTrade("W1");
  wrong["BOOK_QUANTITY"] = "lots";
  wrong["TRADE_DATE"] = "02/01/2025";
  wrong.erase("DESKNAME");
  reply = client.Post("/realtime_anomaly/", wrong.dump());
  ASSERT_EQ(reply.status, 422);
  std::set<std::string> fields;
  const json detail = reply.Json()["detail"];  // a named copy: the loop must not run over a temporary's member
  for (const auto& problem : detail) fields.insert(problem["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"BOOK_QUANTITY", "TRADE_DATE", "DESKNAME"})) << reply.body;

  reply = client.Post("/batch_anomaly/", json::array({NormalTrade("B0"), wrong}).dump());
  ASSERT_EQ(reply.status, 422);
  EXPECT_EQ(reply.Json()["detail"][0]["field"].get<std::string>().rfind("trades[1].", 0), 0u) << reply.body;
  EXPECT_EQ(client.Post("/batch_anomaly/", "[]").status, 400);
  EXPECT_EQ(client.Post("/batch_anomaly/", "{\"not\": \"a list\"}").status, 422);
  EXPECT_EQ(client.Get("/no/such/route").status, 404);
  EXPECT_EQ(client.Call(http::verb::delete_, "/health").status, 405);
  EXPECT_EQ(client.Get("/anomalies?limit=lots").status, 422);
  EXPECT_EQ(client.Get("/anomalies?category=Gremlins").status, 422);

  HttpConnection big(Port());
  reply = big.Post("/batch_anomaly/", "[" + std::string(8000, ' ') + "]");
  EXPECT_EQ(reply.status, 413);
  // The service is still up for everyone else.
  EXPECT_EQ(HttpConnection(Port()).Get("/health").status, 200);
}

TEST_F(ServerTest, BatchGivesPerTradeResultsAndASummaryAndAnomaliesCanBeListed) {
  Start();
  HttpConnection client(Port());
  json trades = json::array();
  for (int idx = 0; idx < 20; ++idx) trades.push_back(NormalTrade("N" + std::to_string(idx)));
  for (int idx = 0; idx < 5; ++idx) trades.push_back(AnomalousTrade("A" + std::to_string(idx), 1000 + 100 * idx));
  const auto reply = client.Post("/batch_anomaly/", trades.dump());
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json body = reply.Json();
  EXPECT_EQ(body["n_trades"], 25);
  ASSERT_EQ(body["results"].size(), 25u);
  std::size_t flagged = 0;
  for (std::size_t idx = 0; idx < 25; ++idx) {
    EXPECT_EQ(body["results"][idx]["trade_id"], trades[idx]["TRADE_ID"]);  // input order
    flagged += body["results"][idx]["flagged"].get<bool>();
  }
  EXPECT_EQ(body["n_flagged"], flagged);
  EXPECT_GE(flagged, 5u);

  const json page = client.Get("/anomalies?limit=2&offset=1&desk=EQ%20Cash%20NY").Json();
  EXPECT_EQ(page["total"], flagged);
  EXPECT_EQ(page["limit"], 2);
  EXPECT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(client.Get("/anomalies?desk=Nowhere").Json()["total"], 0);
  EXPECT_EQ(client.Get("/anomalies?from=2025-01-03").Json()["total"], 0);
  EXPECT_EQ(client.Get("/anomalies?category=Quantity%20Mismatch&status=Pending%20User%20Review").Json()["total"],
            client.Get("/anomalies?category=Quantity%20Mismatch").Json()["total"]);
}

TEST_F(ServerTest, MetricsOpenApiAndDocsDescribeTheService) {
  Start();
  HttpConnection client(Port());
  client.Post("/realtime_anomaly/", AnomalousTrade("M1").dump());
  client.Post("/realtime_anomaly/", "{oops");
  const auto metrics = client.Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.content_type.find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("recon_http_requests_total{route=\"realtime_anomaly\",status=\"2xx\"} 1"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("recon_http_requests_total{route=\"realtime_anomaly\",status=\"4xx\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("recon_trades_scored_total 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("recon_http_request_duration_seconds_bucket{route=\"realtime_anomaly\",le=\"+Inf\"} 2"),
            std::string::npos);

  const json openapi = client.Get("/openapi.json").Json();
  EXPECT_EQ(openapi["openapi"], "3.1.0");
  for (const char* path : {"/health", "/realtime_anomaly/", "/batch_anomaly/", "/anomalies", "/anomalies/{id}",
                           "/anomalies/{id}/feedback", "/metrics", "/openapi.json", "/docs", "/ws"}) {
    EXPECT_TRUE(openapi["paths"].contains(path)) << path;
  }
  const auto& trade = openapi["components"]["schemas"]["Trade"];
  EXPECT_EQ(trade["required"].size(), 13u);  // every required field: 4 identifying, 9 numbers
  const auto docs = client.Get("/docs");
  EXPECT_EQ(docs.status, 200);
  EXPECT_NE(docs.body.find("openapi.json"), std::string::npos);
}

TEST_F(ServerTest, ApiKeysAreRequiredWhenConfiguredAndAtTheWebSocketUpgrade) {
  Start(ApiKeys({"k1", "k2"}));
  HttpConnection client(Port());
  EXPECT_EQ(client.Get("/health").status, 200);  // for load balancers
  EXPECT_EQ(client.Post("/realtime_anomaly/", NormalTrade("K").dump()).status, 401);
  EXPECT_EQ(client.Post("/realtime_anomaly/", NormalTrade("K").dump(), "wrong").status, 401);
  EXPECT_EQ(client.Post("/realtime_anomaly/", NormalTrade("K").dump(), "k2").status, 200);
  EXPECT_EQ(client.Get("/anomalies").status, 401);
  EXPECT_THROW(WsConnection{Port()}, boost::system::system_error);
  EXPECT_NO_THROW(WsConnection(Port(), "/ws", "k1"));
  EXPECT_NO_THROW(WsConnection(Port(), "/ws?api_key=k2"));
}

TEST_F(ServerTest, ANonLoopbackAddressWithoutKeysIsRefused) {
  config_.server.host = "0.0.0.0";
  config_.store.url = "sqlite:" + dir_.File("recon.db");
  config_.paths.model = model_->Path();
  service::ScoringService service(config_, logger_);
  try {
    Server server(config_, logger_, service, ApiKeys());
    FAIL() << "expected a refusal";
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("RECON_API_KEYS"), std::string::npos);
  }
}

TEST_F(ServerTest, AHundredConcurrentConnections) {
  Start();
  constexpr int kClients = 100;
  constexpr int kRequests = 5;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int client_idx = 0; client_idx < kClients; ++client_idx) {
    clients.emplace_back([&, client_idx] {
      HttpConnection client(Port());
      for (int request = 0; request < kRequests; ++request) {
        const std::string id = "C" + std::to_string(client_idx) + "-" + std::to_string(request);
        const json trade = request == 0 ? AnomalousTrade(id, 1000 + client_idx) : NormalTrade(id);
        ok += client.Post("/realtime_anomaly/", trade.dump()).status == 200;
      }
    });
  }
  for (auto& thread : clients) thread.join();
  EXPECT_EQ(ok, kClients * kRequests);
  EXPECT_EQ(service_->Counters().trades_scored, static_cast<std::uint64_t>(kClients * kRequests));
  EXPECT_EQ(HttpConnection(Port()).Get("/anomalies?limit=0").Json()["total"], kClients);
}

TEST_F(ServerTest, AWebSocketStreamGetsEveryVerdictInOrderAndSurvivesBadMessages) {
  Start();
  WsConnection ws(Port());
  constexpr int kTrades = 300;
  for (int idx = 0; idx < kTrades; ++idx) {
    ws.Send((idx % 10 == 0 ? AnomalousTrade("S" + std::to_string(idx), 1000 + idx) : NormalTrade("S" + std::to_string(idx))).dump());
  }
  for (int idx = 0; idx < kTrades; ++idx) {
    const json result = ws.ReceiveJson();
    ASSERT_EQ(result["type"], "result");
    ASSERT_EQ(result["trade_id"], "S" + std::to_string(idx));
    EXPECT_EQ(result["flagged"], idx % 10 == 0);
  }
  ws.Send("{not json");
  EXPECT_EQ(ws.ReceiveJson()["error"], "malformed JSON");
  ws.Send(R"({"TRADE_ID": "X"})");
  const json invalid = ws.ReceiveJson();
  EXPECT_EQ(invalid["error"], "invalid trade");
  EXPECT_FALSE(invalid["detail"].empty());
  ws.Send(NormalTrade("after").dump());
  EXPECT_EQ(ws.ReceiveJson()["trade_id"], "after");
}

TEST_F(ServerTest, SubscribersSeeEveryAnomalyFromAnySource) {
  Start();
  WsConnection dashboard(Port());
  dashboard.Send(R"({"subscribe": "anomalies"})");
  EXPECT_EQ(dashboard.ReceiveJson()["type"], "subscribed");
  HttpConnection client(Port());
  client.Post("/realtime_anomaly/", NormalTrade("quiet").dump());
  client.Post("/realtime_anomaly/", AnomalousTrade("loud").dump());
  const json event = dashboard.ReceiveJson();
  EXPECT_EQ(event["type"], "anomaly");
  EXPECT_EQ(event["trade_id"], "loud");
  WsConnection streamer(Port());
  streamer.Send(AnomalousTrade("streamed", 1234).dump());
  EXPECT_EQ(streamer.ReceiveJson()["trade_id"], "streamed");
  EXPECT_EQ(dashboard.ReceiveJson()["trade_id"], "streamed");
}

TEST_F(ServerTest, ASlowSubscriberIsDisconnectedWithAReason) {
  config_.server.ws_max_queued_messages = 8;
  config_.server.max_batch_trades = 20000;
  Start();
  WsConnection slow(Port(), "/ws", "", /*receive_buffer_bytes=*/4096);
  slow.Send(R"({"subscribe": "anomalies"})");
  // Many anomalies while the subscriber reads nothing: its socket fills, then its queue, then it is dropped.
  HttpConnection client(Port());
  for (int round = 0; round < 4; ++round) {
    json trades = json::array();
    for (int idx = 0; idx < 4000; ++idx) {
      trades.push_back(AnomalousTrade("F" + std::to_string(round) + "-" + std::to_string(idx), 1000 + idx));
    }
    ASSERT_EQ(client.Post("/batch_anomaly/", trades.dump()).status, 200);
  }
  const auto reason = slow.ReadUntilClosed();
  EXPECT_EQ(reason.code, static_cast<std::uint16_t>(boost::beast::websocket::close_code::policy_error));
  EXPECT_NE(std::string(reason.reason.c_str()).find("slow consumer"), std::string::npos);
  EXPECT_NE(HttpConnection(Port()).Get("/metrics").body.find("recon_ws_slow_subscribers_dropped_total 1"),
            std::string::npos);
}

TEST_F(ServerTest, StopLetsARequestInFlightFinishAndRefusesNewOnes) {
  testing::FakeLlmServer llm;
  llm.Control({{"latency_ms", 1500}});
  config_.llm.base_url = llm.BaseUrl();
  config_.llm.enabled = true;
  config_.llm.min_local_confidence = 1.0;
  Start();
  std::atomic<int> in_flight_status{0};
  std::thread request([&] {
    HttpConnection client(Port());
    in_flight_status = client.Post("/realtime_anomaly/", AnomalousTrade("slow").dump()).status;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const unsigned short port = Port();
  server_->Stop();  // what SIGTERM does
  request.join();
  EXPECT_EQ(in_flight_status, 200);
  EXPECT_EQ(llm.Requests().size(), 1u);
  EXPECT_THROW(HttpConnection{port}, boost::system::system_error);
}

TEST_F(ServerTest, ABatchSendsOneReportAndABurstOfRealtimeAnomaliesOneDigest) {
  std::filesystem::create_directories(dir_.File("inbox"));
  testing::ChildProcess smtp({RECON_PYTHON, std::string(RECON_SOURCE_DIR) + "/tests/tools/fake_smtp_server.py",
                              "--out", dir_.File("inbox"), "--port", "0"});
  config_.email.smtp_host = "127.0.0.1";
  config_.email.smtp_port = smtp.Port();
  config_.email.security = "none";  // the TLS paths are covered by email_test
  config_.email.to = {"ops@bank.example"};
  config_.email.digest_interval_ms = 2000;  // the burst below takes milliseconds: one digest
  config_.email.realtime_min_severity = "low";
  config_.paths.output = dir_.File("out/anomalies.csv");
  Start();
  auto wait_for_mails = [&](std::size_t count) {
    for (int tries = 0; tries < 100; ++tries) {
      std::size_t found = 0;
      for (const auto& entry : std::filesystem::directory_iterator(dir_.File("inbox"))) {
        found += entry.path().extension() == ".json";
      }
      if (found >= count) return found;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return std::size_t{0};
  };
  HttpConnection client(Port());
  const json batch = json::array({NormalTrade("B1"), AnomalousTrade("B2", 1500), NormalTrade("B3"),
                                  AnomalousTrade("B4", 2500)});
  ASSERT_EQ(client.Post("/batch_anomaly/", batch.dump()).status, 200);
  ASSERT_EQ(wait_for_mails(1), 1u);
  const json report = json::parse(testing::ReadFile(dir_.File("inbox/msg-0.json")));
  EXPECT_NE(report["subject"].get<std::string>().find("2 anomalies"), std::string::npos) << report;
  EXPECT_NE(report["subject"].get<std::string>().find("POST /batch_anomaly/"), std::string::npos) << report;
  const std::string attachment = testing::ReadFile(dir_.File("inbox/msg-0.att-batch-" + std::to_string(::getpid()) +
                                                             "-1.csv"));
  EXPECT_NE(attachment.find("B2"), std::string::npos);
  EXPECT_NE(attachment.find("B4"), std::string::npos);
  EXPECT_EQ(attachment.find("B1"), std::string::npos);

  for (int idx = 0; idx < 3; ++idx) {  // a burst
    ASSERT_EQ(client.Post("/realtime_anomaly/", AnomalousTrade("R" + std::to_string(idx), 3000 + idx).dump()).status,
              200);
  }
  ASSERT_EQ(wait_for_mails(2), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // a second digest would have been sent by now
  EXPECT_EQ(wait_for_mails(2), 2u) << "one digest for the burst, not one mail per anomaly";
  const json digest = json::parse(testing::ReadFile(dir_.File("inbox/msg-1.json")));
  EXPECT_NE(digest["subject"].get<std::string>().find("3 anomalies"), std::string::npos) << digest;
  EXPECT_NE(digest["subject"].get<std::string>().find("real-time"), std::string::npos) << digest;
}

// The real signal path: `recon serve` as a process, SIGTERM while a request is in flight.
TEST_F(ServerTest, SigtermStopsTheBinaryGracefully) {
  testing::FakeLlmServer llm;
  llm.Control({{"latency_ms", 1000}});
  const std::string config_path = dir_.Write(
      "serve.yaml", "paths:\n  store: " + dir_.File("recon.db") + "\n  model: " + model_->Path() +
                        "\nlogging:\n  dir: " + dir_.File("log") + "\nserver:\n  port: 0\nllm:\n  enabled: true\n"
                        "  min_local_confidence: 1.0\n  base_url: " + llm.BaseUrl() + "\n");
  int out_pipe[2];
  ASSERT_EQ(::pipe(out_pipe), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  const std::string config_flag = "--config=" + config_path;
  char* argv[] = {const_cast<char*>(RECON_BINARY), const_cast<char*>("serve"), const_cast<char*>(config_flag.c_str()),
                  nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, RECON_BINARY, &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  FILE* out = ::fdopen(out_pipe[0], "r");
  char line[256] = {};
  ASSERT_NE(std::fgets(line, sizeof line, out), nullptr);
  unsigned port = 0;
  ASSERT_EQ(std::sscanf(line, "recon serve: listening on http://127.0.0.1:%u", &port), 1) << line;

  std::atomic<int> status{0};
  std::thread request([&] {
    HttpConnection client(static_cast<unsigned short>(port));
    status = client.Post("/realtime_anomaly/", AnomalousTrade("sigterm").dump()).status;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGTERM);
  request.join();
  int exit_status = 0;
  ::waitpid(pid, &exit_status, 0);
  std::string rest;
  while (std::fgets(line, sizeof line, out) != nullptr) rest += line;
  std::fclose(out);
  EXPECT_EQ(status, 200) << "the request in flight was answered";
  ASSERT_TRUE(WIFEXITED(exit_status));
  EXPECT_EQ(WEXITSTATUS(exit_status), 0);
  EXPECT_NE(rest.find("stopped"), std::string::npos);
  auto store = store::OpenStore("sqlite:" + dir_.File("recon.db"));
  EXPECT_EQ(store->RunStatus(1), "ok");  // the serving run was recorded as finished
  EXPECT_EQ(store->CountAnomalies(), 1u);
}

}  // namespace
}  // namespace recon::server
