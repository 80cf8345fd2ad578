#pragma once
// One HTTP connection (Beast's advanced-server shape): read a request with a body limit and a timeout, answer it
// (heavy routes on the work pool, the rest inline), keep the connection alive, and hand it to a WsSession when it
// asks to upgrade on /ws. All its handlers run on the connection's strand. The header is read first, so a client
// that sends `Expect: 100-continue` is told to go on (or refused with 413 before it uploads); the whole request must
// arrive within server.read_timeout_ms and each response be taken within server.write_timeout_ms.
#include <memory>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "recon/server/server_state.hpp"

namespace recon::server {

class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, ServerState& state);
  void Run();
  void RequestClose() override;

 private:
  void DoRead();
  void OnHeader(boost::beast::error_code error, std::size_t bytes);
  void ReadBody();
  void OnRead(boost::beast::error_code error, std::size_t bytes);
  void Write(Response response);
  void OnWrite(bool keep_alive, boost::beast::error_code error, std::size_t bytes);
  void Close();
  Response BodyTooLarge() const;

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ServerState& state_;
  bool busy_ = false;  // a request is being answered; closing waits for its response
};

}  // namespace recon::server
