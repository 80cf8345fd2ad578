#pragma once
// One WebSocket connection on /ws. Each text message is a trade (answered with its verdict, in order) or a
// command: {"subscribe": "anomalies"} joins the live feed of every stored anomaly, {"unsubscribe": "anomalies"}
// leaves it. A bad message gets an error message and the connection stays up. Outgoing messages queue on the
// connection's strand; a client that lets more than server.ws_max_queued_messages pile up is disconnected with a
// close reason, so a slow dashboard cannot make the server's memory grow without bound. A connection may idle
// between messages as long as it likes, but a message, once its first frame arrived, must be complete within
// server.read_timeout_ms: a client trickling one byte at a time is closed instead of holding a buffer forever.
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "recon/server/server_state.hpp"

namespace recon::server {

class WsSession : public Closable, public FeedSubscriber, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::beast::tcp_stream&& stream, ServerState& state);
  ~WsSession() override;
  /// Completes the upgrade `request` asked for.
  void Run(Request request);
  void RequestClose() override;
  void Deliver(std::shared_ptr<const std::string> message) override;

 private:
  void OnAccept(boost::beast::error_code error);
  void DoRead();
  void OnRead(boost::beast::error_code error, std::size_t bytes);
  void OnMessageDeadline(std::uint64_t message_number, boost::beast::error_code error);
  void Enqueue(std::shared_ptr<const std::string> message);
  void DoWrite();
  void OnWrite(boost::beast::error_code error, std::size_t bytes);
  void CloseWith(boost::beast::websocket::close_code code, const std::string& reason);
  void StartClose();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer message_deadline_;
  bool message_started_ = false;  // part of a message has arrived; the deadline runs
  std::uint64_t message_number_ = 0;  // of the message whose deadline runs
  ServerState& state_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false;
  bool closing_ = false;
  boost::beast::websocket::close_reason close_reason_;
};

}  // namespace recon::server
