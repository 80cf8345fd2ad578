#pragma once
// Synchronous Beast clients for the server tests: HTTP/1.1 on a keep-alive connection, and WebSocket.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace recon::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
  nlohmann::json Json() const { return nlohmann::json::parse(body); }
};

/// One keep-alive connection to 127.0.0.1:port.
class HttpConnection {
 public:
  explicit HttpConnection(unsigned short port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }
  HttpReply Call(http::verb method, const std::string& target, const std::string& body = "",
                 const std::string& bearer = "") {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
    if (!body.empty() || method == http::verb::post) {
      request.set(http::field::content_type, "application/json");
      request.body() = body;
      request.prepare_payload();
    }
    http::write(stream_, request);
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 30);
    http::read(stream_, buffer_, parser);
    const auto& response = parser.get();
    return {static_cast<int>(response.result_int()), response.body(), std::string(response[http::field::content_type])};
  }
  HttpReply Get(const std::string& target, const std::string& bearer = "") {
    return Call(http::verb::get, target, "", bearer);
  }
  HttpReply Post(const std::string& target, const std::string& body, const std::string& bearer = "") {
    return Call(http::verb::post, target, body, bearer);
  }

 private:
  boost::asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

/// A WebSocket connection to ws://127.0.0.1:port/ws (or `target`).
class WsConnection {
 public:
  WsConnection(unsigned short port, const std::string& target = "/ws", const std::string& bearer = "",
               int receive_buffer_bytes = 0)
      : ws_(ioc_) {
    auto& socket = beast::get_lowest_layer(ws_);
    socket.open(tcp::v4());
    // A small receive buffer lets a test play a slow consumer whose backlog reaches the server quickly.
    if (receive_buffer_bytes > 0) socket.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer_bytes));
    socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    ws_.set_option(websocket::stream_base::decorator([bearer](websocket::request_type& request) {
      if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
    }));
    ws_.handshake("127.0.0.1", target);
  }
  void Send(const std::string& text) {
    ws_.text(true);
    ws_.write(boost::asio::buffer(text));
  }
  std::string Receive() {
    beast::flat_buffer buffer;
    ws_.read(buffer);
    return beast::buffers_to_string(buffer.data());
  }
  nlohmann::json ReceiveJson() { return nlohmann::json::parse(Receive()); }
  /// The next message, or nullopt when none arrives within `timeout` (the connection is then unusable): a test
  /// waiting for events it may never get fails instead of hanging.
  std::optional<std::string> ReceiveWithin(std::chrono::milliseconds timeout) {
    beast::flat_buffer buffer;
    bool done = false;
    beast::error_code result;
    ws_.async_read(buffer, [&](beast::error_code error, std::size_t) {
      done = true;
      result = error;
    });
    ioc_.restart();
    ioc_.run_for(timeout);
    if (!done) {
      beast::get_lowest_layer(ws_).cancel();
      ioc_.restart();
      ioc_.run();
      return std::nullopt;
    }
    if (result) return std::nullopt;
    return beast::buffers_to_string(buffer.data());
  }
  /// Reads until the server closes; returns the close reason.
  websocket::close_reason ReadUntilClosed() {
    beast::flat_buffer buffer;
    beast::error_code error;
    while (!error) {
      ws_.read(buffer, error);
      buffer.consume(buffer.size());
    }
    return ws_.reason();
  }

 private:
  boost::asio::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
};

}  // namespace recon::testing
