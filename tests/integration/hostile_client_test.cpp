// `recon serve` (the real binary) against a hostile client: each reproduction of issue 16 as a regression test.
// Out-of-range numbers and deep JSON over every transport, oversized fields and answers, running out of file
// descriptors, a trickled WebSocket message, a slow reader of a large answer, Expect: 100-continue, the scheme's
// case and a reviewer name with CR/LF. After each, the process is alive and answers.
#include <sys/resource.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "recon/core/logger.hpp"
#include "support/beast_client.hpp"
#include "support/serve_process.hpp"
#include "support/sample_model.hpp"
#include "support/temp_dir.hpp"

namespace recon {
namespace {

using nlohmann::json;
using testing::HttpConnection;
using testing::ServeProcess;
using testing::WsConnection;
using tcp = boost::asio::ip::tcp;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using Clock = std::chrono::steady_clock;

json AnomalousTrade(const std::string& id, const std::string& comment = "partial fill booked") {
  return {{"TRADE_ID", id},          {"TRADE_DATE", "2025-01-02"},   {"SETTLEMENT_DATE", "2025-01-03"},
          {"DESKNAME", "EQ Cash NY"}, {"CURRENCY", "USD"},             {"BOOK_QUANTITY", 1000},
          {"STREET_QUANTITY", 100},  {"QUANTITY_DIFF", 900},          {"BOOK_PRICE", 98.8},
          {"STREET_PRICE", 98.8},    {"PRICE_DIFF", 0},               {"BOOK_AMOUNT", 98800},
          {"STREET_AMOUNT", 9880},   {"AMOUNT_DIFF", 88920},          {"COMMENT", comment}};
}

std::string DeepJson(std::size_t levels) {
  return "{\"TRADE_ID\":" + std::string(levels, '[') + std::string(levels, ']') + "}";
}

// Shuts a socket down if the test is still waiting on it after `timeout`, so a regression fails instead of hanging
// (asio's blocking reads ignore SO_RCVTIMEO).
class Watchdog {
 public:
  Watchdog(int socket_fd, std::chrono::milliseconds timeout)
      : thread_([this, socket_fd, timeout] {
          std::unique_lock lock(mutex_);
          if (!done_condition_.wait_for(lock, timeout, [this] { return done_; })) ::shutdown(socket_fd, SHUT_RDWR);
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    done_condition_.notify_all();
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable done_condition_;
  bool done_ = false;
  std::thread thread_;
};

// A raw connection for what the Beast client will not send: a header alone, a half-read answer.
class RawConnection {
 public:
  /// `receive_buffer_bytes` > 0 keeps the kernel from taking a large answer in for a reader that does not read.
  explicit RawConnection(unsigned short port, int timeout_ms = 20000, int receive_buffer_bytes = 0) : socket_(ioc_) {
    socket_.open(tcp::v4());
    if (receive_buffer_bytes > 0) {
      socket_.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer_bytes));
    }
    socket_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    watchdog_.emplace(socket_.native_handle(), std::chrono::milliseconds(timeout_ms));
  }
  void Send(const std::string& bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }
  /// The status line and headers of the next response.
  std::string ReadHeader() {
    const std::size_t end = boost::asio::read_until(socket_, input_, "\r\n\r\n");
    std::string header(boost::asio::buffers_begin(input_.data()), boost::asio::buffers_begin(input_.data()) + end);
    input_.consume(end);
    return header;
  }
  /// Reads `bytes` of body (some may already be buffered).
  std::string ReadBody(std::size_t bytes) {
    if (input_.size() < bytes) boost::asio::read(socket_, input_, boost::asio::transfer_exactly(bytes - input_.size()));
    std::string body(boost::asio::buffers_begin(input_.data()), boost::asio::buffers_begin(input_.data()) + bytes);
    input_.consume(bytes);
    return body;
  }

 private:
  boost::asio::io_context ioc_;
  tcp::socket socket_;
  boost::asio::streambuf input_;
  std::optional<Watchdog> watchdog_;  // declared last: stopped before the socket closes
};

std::size_t ContentLength(const std::string& header) {
  const std::size_t at = header.find("Content-Length: ");
  return at == std::string::npos ? 0 : std::stoul(header.substr(at + 16));
}

class HostileClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { model_ = new testing::SampleModel(); }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
  }

  /// Starts the binary with the test's folders and `server_yaml` lines under `server:` (plus `extra_yaml`).
  std::unique_ptr<ServeProcess> Start(const std::string& server_yaml = "", const std::string& extra_yaml = "",
                                      const std::string& prelude = "true",
                                      const std::vector<std::string>& environment = {}) {
    const std::string config = dir_.Write(
        "serve.yaml", "paths:\n  store: " + dir_.File("recon.db") + "\n  model: " + model_->Path() +
                          "\nlogging:\n  dir: " + dir_.File("log") + "\nserver:\n  port: 0\n  threads: 2\n" +
                          server_yaml + extra_yaml);
    return std::make_unique<ServeProcess>(config, prelude, environment);
  }
  std::string Log() const { return testing::ReadFile(dir_.File("log/recon.log")); }

  static testing::SampleModel* model_;
  testing::TempDir dir_;
};
testing::SampleModel* HostileClientTest::model_ = nullptr;

TEST_F(HostileClientTest, AnOutOfRangeNumberOverTheWebSocketIsAnErrorMessageNotACrash) {
  auto serve = Start();
  WsConnection ws(serve->Port());
  ws.Send(R"({"TRADE_ID":1e400})");
  const json answer = ws.ReceiveJson();
  EXPECT_EQ(answer["type"], "error");
  ASSERT_TRUE(answer["detail"].is_array()) << answer;
  EXPECT_EQ(answer["detail"][0]["field"], "TRADE_ID");
  EXPECT_NE(answer["detail"][0]["problem"].get<std::string>().find("out of range"), std::string::npos);
  ws.Send(AnomalousTrade("after-1e400").dump());  // the same connection goes on
  EXPECT_EQ(ws.ReceiveJson()["type"], "result");
  EXPECT_TRUE(serve->Alive());
}

TEST_F(HostileClientTest, AnOutOfRangeNumberOverRestIsA422NamingTheField) {
  auto serve = Start();
  HttpConnection client(serve->Port());
  const auto single = client.Post("/realtime_anomaly/", R"({"TRADE_ID":1e400})");
  ASSERT_EQ(single.status, 422) << single.body;
  EXPECT_EQ(single.Json()["detail"][0]["field"], "TRADE_ID");

  json trade = AnomalousTrade("T1");
  const std::string text = trade.dump();
  const std::string quantity = "\"BOOK_QUANTITY\":1000";
  std::string overflowing = text;
  overflowing.replace(overflowing.find(quantity), quantity.size(), "\"BOOK_QUANTITY\":-1e999");
  const auto batch = client.Post("/batch_anomaly/", "{\"trades\":[" + text + "," + overflowing + "]}");
  ASSERT_EQ(batch.status, 422) << batch.body;
  EXPECT_EQ(batch.Json()["detail"][0]["field"], "trades[1].BOOK_QUANTITY");
  const auto bare = client.Post("/batch_anomaly/", "[" + text + "," + overflowing + "]");  // named the same way
  ASSERT_EQ(bare.status, 422) << bare.body;
  EXPECT_EQ(bare.Json()["detail"][0]["field"], "trades[1].BOOK_QUANTITY");
  EXPECT_TRUE(serve->Alive());
}

TEST_F(HostileClientTest, DeepJsonIsRefusedOnEveryTransportAndTheServerGoesOn) {
  auto serve = Start();
  const std::string deep = DeepJson(100000);
  HttpConnection client(serve->Port());
  for (const auto& [target, body] : {std::pair<std::string, std::string>{"/realtime_anomaly/", deep},
                                     {"/batch_anomaly/", "[" + deep + "]"},
                                     {"/batch_anomaly/", "{\"trades\":[" + deep + "]}"}}) {
    const auto reply = client.Post(target, body);
    ASSERT_EQ(reply.status, 422) << target << " " << reply.body.substr(0, 300);
    EXPECT_NE(reply.Json()["detail"][0]["field"].get<std::string>().find("TRADE_ID[0]"), std::string::npos);
    EXPECT_NE(reply.Json()["detail"][0]["problem"].get<std::string>().find("nested deeper than 32"),
              std::string::npos);
  }
  WsConnection ws(serve->Port());
  ws.Send(deep);
  EXPECT_EQ(ws.ReceiveJson()["type"], "error");
  ws.Send(AnomalousTrade("after-deep").dump());
  EXPECT_EQ(ws.ReceiveJson()["type"], "result");
  EXPECT_EQ(client.Get("/health").status, 200);
  EXPECT_TRUE(serve->Alive());
}

TEST_F(HostileClientTest, FieldsAreBoundedAsInACsvFile) {
  auto serve = Start();
  HttpConnection client(serve->Port());
  const auto huge = client.Post("/realtime_anomaly/", AnomalousTrade("T7MB", std::string(7 << 20, 'x')).dump());
  ASSERT_EQ(huge.status, 422) << huge.body.substr(0, 300);
  EXPECT_EQ(huge.Json()["detail"][0]["field"], "COMMENT");
  EXPECT_NE(huge.Json()["detail"][0]["problem"].get<std::string>().find("1048576"), std::string::npos);
  const auto at_limit = client.Post("/realtime_anomaly/", AnomalousTrade("T1MB", std::string(1 << 20, 'x')).dump());
  EXPECT_EQ(at_limit.status, 200);
  const json listed = client.Get("/anomalies").Json();
  EXPECT_EQ(listed["total"], 1) << "nothing of the refused trade was stored";
}

TEST_F(HostileClientTest, APageOfAnomaliesStopsAtTheResponseSizeLimitAndGoesOnFromNextOffset) {
  auto serve = Start("  max_response_bytes: 65536\n");
  HttpConnection client(serve->Port());
  for (int idx = 0; idx < 8; ++idx) {
    const auto reply = client.Post("/realtime_anomaly/", AnomalousTrade("P" + std::to_string(idx),
                                                                        std::string(30000, static_cast<char>('a' + idx))).dump());
    ASSERT_EQ(reply.status, 200);
    ASSERT_EQ(reply.Json()["flagged"], true);
  }
  std::set<std::int64_t> seen;
  json offset = 0;
  int pages = 0;
  while (!offset.is_null()) {
    const auto reply = client.Get("/anomalies?limit=8&offset=" + offset.dump());
    ASSERT_EQ(reply.status, 200);
    EXPECT_LE(reply.body.size(), 65536u + 40000u) << "at most one item beyond the limit";
    const json page = reply.Json();
    ASSERT_FALSE(page["items"].empty());
    for (const json& item : page["items"]) seen.insert(item["id"].get<std::int64_t>());
    if (!page["next_offset"].is_null()) {
      EXPECT_TRUE(page["truncated"].get<bool>() || page["items"].size() == 8u);
    }
    offset = page["next_offset"];
    ASSERT_LT(++pages, 10);
  }
  EXPECT_GT(pages, 1);
  EXPECT_EQ(seen.size(), 8u) << "every anomaly once, across the pages";
  const json empty = client.Get("/anomalies?limit=0&offset=2").Json();
  EXPECT_EQ(empty["total"], 8);
  EXPECT_TRUE(empty["next_offset"].is_null()) << "an empty page must not send a client round in a loop";
}

TEST_F(HostileClientTest, AnAnomalyShowsTheNewestRowsOfItsAuditTrailUpToALimit) {
  auto serve = Start();
  HttpConnection client(serve->Port());
  const json verdict = client.Post("/realtime_anomaly/", AnomalousTrade("AUD").dump()).Json();
  const std::string target = "/anomalies/" + verdict["anomaly_id"].dump();
  json answer;
  for (int idx = 0; idx < 105; ++idx) {
    const json decision{{"status", idx % 2 == 0 ? "resolved" : "reopened"},
                        {"reviewer", "j.doe"},
                        {"note", "decision " + std::to_string(idx) + std::string(3000, '.')}};
    answer = client.Post(target + "/feedback", decision.dump()).Json();
  }
  for (const json& anomaly : {answer, client.Get(target).Json()}) {
    ASSERT_EQ(anomaly["audit"].size(), 100u);
    EXPECT_TRUE(anomaly["audit_truncated"].get<bool>());
    EXPECT_EQ(anomaly["audit"].front()["note"].get<std::string>().rfind("decision 5", 0), 0u) << "oldest shown first";
    EXPECT_EQ(anomaly["audit"].back()["note"].get<std::string>().rfind("decision 104", 0), 0u) << "the newest last";
  }
}

TEST_F(HostileClientTest, ABatchOfEmptyTradesGetsABoundedList) {
  auto serve = Start();
  HttpConnection client(serve->Port());
  std::string batch = "[";
  for (int idx = 0; idx < 10000; ++idx) batch += idx == 0 ? "{}" : ",{}";
  batch += "]";
  const auto reply = client.Post("/batch_anomaly/", batch);
  ASSERT_EQ(reply.status, 422);
  const json detail = reply.Json()["detail"];
  ASSERT_EQ(detail.size(), 101u);
  EXPECT_NE(detail.back()["problem"].get<std::string>().find("more problems not listed"), std::string::npos);
  EXPECT_LT(reply.body.size(), 20000u);
}

TEST_F(HostileClientTest, OutOfFileDescriptorsTheListenerBacksOffAndRecovers) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 1024 && limit.rlim_max >= 1024) {
    limit.rlim_cur = 1024;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 450) GTEST_SKIP() << "the test itself needs 450 descriptors; its limit is " << limit.rlim_cur;
  auto serve = Start("", "", "ulimit -n 256");
  boost::asio::io_context ioc;
  std::vector<std::unique_ptr<tcp::socket>> idle;
  for (int idx = 0; idx < 400; ++idx) {
    idle.push_back(std::make_unique<tcp::socket>(ioc));
    idle.back()->connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), serve->Port()));
  }
  // The event: the server holds (nearly) all the descriptors it may open.
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (serve->OpenDescriptors() < 250 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(serve->OpenDescriptors(), 250u);
  const double cpu_before = serve->CpuSeconds();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double cpu_used = serve->CpuSeconds() - cpu_before;
  EXPECT_LT(cpu_used, 0.3) << "an idle server out of descriptors must not spin";
  EXPECT_NE(Log().find("server.accept_failed"), std::string::npos);

  idle.clear();  // the sessions see their peers go and give their descriptors back
  HttpConnection client(serve->Port());
  EXPECT_EQ(client.Get("/health").status, 200);
  EXPECT_TRUE(serve->Alive());
}

TEST_F(HostileClientTest, AWebSocketMessageMustCompleteWithinTheReadTimeoutButAConnectionMayIdle) {
  auto serve = Start("  read_timeout_ms: 500\n");
  {
    WsConnection idle(serve->Port());
    std::this_thread::sleep_for(std::chrono::milliseconds(800));  // idle between messages: allowed
    idle.Send(AnomalousTrade("after-idle").dump());
    EXPECT_EQ(idle.ReceiveJson()["type"], "result");
  }
  boost::asio::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), serve->Port()));
  const Watchdog watchdog(beast::get_lowest_layer(ws).native_handle(), std::chrono::seconds(10));
  ws.handshake("127.0.0.1", "/ws");
  ws.text(true);
  const auto started = Clock::now();
  ws.write_some(false, boost::asio::buffer(std::string("{\"TRADE_ID\":")));  // the first fragment, no more
  beast::flat_buffer buffer;
  beast::error_code error;
  ws.read(buffer, error);
  const double waited = std::chrono::duration<double>(Clock::now() - started).count();
  EXPECT_EQ(error, websocket::error::closed) << error.message();
  EXPECT_EQ(ws.reason().code, websocket::close_code::policy_error);
  EXPECT_NE(std::string(ws.reason().reason.c_str()).find("read_timeout_ms"), std::string::npos);
  EXPECT_GE(waited, 0.4);
  EXPECT_LT(waited, 5.0);
  EXPECT_TRUE(serve->Alive());
}

TEST_F(HostileClientTest, ALargeAnswerToASlowReaderIsNotCutByTheReadDeadline) {
  auto serve = Start("  read_timeout_ms: 300\n");
  {
    HttpConnection client(serve->Port());
    for (int idx = 0; idx < 6; ++idx) {
      ASSERT_EQ(client.Post("/realtime_anomaly/",
                            AnomalousTrade("L" + std::to_string(idx), std::string(700000, static_cast<char>('a' + idx))).dump())
                    .status,
                200);
    }
  }
  RawConnection raw(serve->Port(), 20000, 16384);
  raw.Send("GET /anomalies?limit=8 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // a slow reader: well past the read deadline
  const std::string header = raw.ReadHeader();
  ASSERT_NE(header.find("200 OK"), std::string::npos) << header;
  const json page = json::parse(raw.ReadBody(ContentLength(header)));
  EXPECT_EQ(page["items"].size(), 6u);
}

TEST_F(HostileClientTest, Expect100ContinueIsAnsweredAndAnOversizedUploadRefusedBeforeItIsSent) {
  auto serve = Start();
  const std::string body = AnomalousTrade("E1").dump();
  RawConnection raw(serve->Port(), 3000);
  raw.Send("POST /realtime_anomaly/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Content-Length: " + std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_NE(raw.ReadHeader().find("HTTP/1.1 100 Continue"), std::string::npos);
  raw.Send(body);
  const std::string header = raw.ReadHeader();
  ASSERT_NE(header.find("200 OK"), std::string::npos) << header;
  EXPECT_EQ(json::parse(raw.ReadBody(ContentLength(header)))["trade_id"], "E1");

  RawConnection oversized(serve->Port(), 3000);
  oversized.Send("POST /realtime_anomaly/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Content-Length: 900000000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_NE(oversized.ReadHeader().find("413"), std::string::npos);
}

TEST_F(HostileClientTest, TheBearerSchemeIsCaseInsensitive) {
  auto serve = Start("", "", "true", {"RECON_API_KEYS=s3cret"});
  for (const std::string scheme : {"Bearer", "bearer", "BEARER"}) {
    RawConnection raw(serve->Port());
    raw.Send("GET /anomalies HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + scheme + " s3cret\r\n\r\n");
    EXPECT_NE(raw.ReadHeader().find("200 OK"), std::string::npos) << scheme;
  }
  RawConnection wrong(serve->Port());
  wrong.Send("GET /anomalies HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: bearer wrong\r\n\r\n");
  EXPECT_NE(wrong.ReadHeader().find("401"), std::string::npos);
  RawConnection no_space(serve->Port());
  no_space.Send("GET /anomalies HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: bearers3cret\r\n\r\n");
  EXPECT_NE(no_space.ReadHeader().find("401"), std::string::npos);
  // Without a key an upload is refused before it is sent, and no method list is given away.
  RawConnection upload(serve->Port(), 3000);
  upload.Send("POST /realtime_anomaly/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1500000\r\n"
              "Expect: 100-continue\r\n\r\n");
  EXPECT_NE(upload.ReadHeader().find("401"), std::string::npos);
  RawConnection wrong_method(serve->Port());
  wrong_method.Send("GET /realtime_anomaly/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_NE(wrong_method.ReadHeader().find("401"), std::string::npos);
}

TEST_F(HostileClientTest, AReviewerNameWithALineBreakIsRefused) {
  auto serve = Start();
  HttpConnection client(serve->Port());
  const json verdict = client.Post("/realtime_anomaly/", AnomalousTrade("R1").dump()).Json();
  const std::string target = "/anomalies/" + verdict["anomaly_id"].dump() + "/feedback";
  const auto forged =
      client.Post(target, json{{"status", "resolved"}, {"reviewer", "j.doe\r\nactor: admin"}}.dump());
  ASSERT_EQ(forged.status, 422) << forged.body;
  EXPECT_EQ(forged.Json()["detail"][0]["field"], "reviewer");
  for (const std::string invisible : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xAE", "\xE2\x81\xA6", "\t"}) {
    const auto reply = client.Post(target, json{{"status", "resolved"}, {"reviewer", "j." + invisible + "doe"}}.dump());
    EXPECT_EQ(reply.status, 422) << reply.body;
  }
  EXPECT_EQ(client.Post(target, json{{"status", "reopened"}, {"reviewer", "Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez"}}.dump())
                .status,
            200)
      << "letters beyond ASCII are names, not controls";
  EXPECT_EQ(client.Post(target, json{{"status", "resolved"}, {"reviewer", "j.doe"}}.dump()).status, 200);
}

}  // namespace
}  // namespace recon
