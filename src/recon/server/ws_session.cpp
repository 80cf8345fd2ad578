#include "recon/server/ws_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "recon/server/ws_messages.hpp"

namespace recon::server {

namespace beast = boost::beast;
namespace asio = boost::asio;
namespace websocket = beast::websocket;
using nlohmann::json;

namespace {

constexpr std::size_t kReadChunkBytes = 64 * 1024;

}  // namespace

WsSession::WsSession(beast::tcp_stream&& stream, ServerState& state)
    : ws_(std::move(stream)), message_deadline_(ws_.get_executor()), state_(state) {
  state_.api.GetMetrics().WebSocketOpened();
}

WsSession::~WsSession() {
  state_.hub.Leave(this);
  state_.api.GetMetrics().WebSocketClosed();
}

void WsSession::Run(Request request) {
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(http::field::server, "recon"); }));
  ws_.read_message_max(state_.params.body_limit_bytes);
  state_.registry.Add(shared_from_this());
  ws_.async_accept(request, beast::bind_front_handler(&WsSession::OnAccept, shared_from_this()));
}

void WsSession::OnAccept(beast::error_code error) {
  if (error) return;
  DoRead();
}

void WsSession::RequestClose() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    self->CloseWith(websocket::close_code::going_away, "server shutting down");
  });
}

void WsSession::Deliver(std::shared_ptr<const std::string> message) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)]() mutable {
    self->Enqueue(std::move(message));
  });
}

void WsSession::DoRead() {
  if (closing_) return;
  ws_.async_read_some(buffer_, kReadChunkBytes, beast::bind_front_handler(&WsSession::OnRead, shared_from_this()));
}

void WsSession::OnRead(beast::error_code error, std::size_t /*bytes*/) {
  if (error) {  // closed by the peer, timed out, or too large: the stream is done
    message_deadline_.cancel();
    return;
  }
  if (!ws_.is_message_done()) {
    if (!message_started_) {
      message_started_ = true;
      ++message_number_;
      message_deadline_.expires_after(std::chrono::milliseconds(state_.params.read_timeout_ms));
      message_deadline_.async_wait(
          beast::bind_front_handler(&WsSession::OnMessageDeadline, shared_from_this(), message_number_));
    }
    return DoRead();
  }
  message_started_ = false;
  message_deadline_.cancel();
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  state_.api.GetMetrics().WebSocketMessage();
  const FeedMembership membership{[this] { state_.hub.Join(shared_from_this()); }, [this] { state_.hub.Leave(this); }};
  Enqueue(std::make_shared<const std::string>(AnswerWsMessage(text, state_.api, membership)));
  DoRead();
}

void WsSession::OnMessageDeadline(std::uint64_t message_number, beast::error_code error) {
  // Cancelled, or it expired just as its message completed (a cancel cannot recall a queued completion): only the
  // deadline of the message still arriving may close the connection.
  if (error || !message_started_ || message_number != message_number_) return;
  state_.api.GetMetrics().WebSocketMessageTimedOut();
  state_.logger.Warn("ws.message_timeout", {{"read_timeout_ms", state_.params.read_timeout_ms}});
  CloseWith(websocket::close_code::policy_error,
            "message not completed within " + std::to_string(state_.params.read_timeout_ms) +
                " ms (server.read_timeout_ms)");
}

void WsSession::Enqueue(std::shared_ptr<const std::string> message) {
  if (closing_) return;
  if (queue_.size() >= state_.params.ws_max_queued_messages) {
    state_.api.GetMetrics().SlowSubscriberDropped();
    state_.logger.Warn("ws.slow_consumer", {{"queued", queue_.size()}});
    return CloseWith(websocket::close_code::policy_error,
                     "slow consumer: more than " + std::to_string(state_.params.ws_max_queued_messages) +
                         " messages queued");
  }
  queue_.push_back(std::move(message));
  if (!writing_) DoWrite();
}

void WsSession::DoWrite() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(*queue_.front()), beast::bind_front_handler(&WsSession::OnWrite, shared_from_this()));
}

void WsSession::OnWrite(beast::error_code error, std::size_t /*bytes*/) {
  writing_ = false;
  if (error) return;
  queue_.pop_front();
  if (closing_) return StartClose();
  if (!queue_.empty()) DoWrite();
}

void WsSession::CloseWith(websocket::close_code code, const std::string& reason) {
  if (closing_) return;
  closing_ = true;
  close_reason_ = websocket::close_reason(code, reason);
  state_.hub.Leave(this);
  // The message being written must outlive its write; the rest is dropped.
  if (writing_) {
    queue_.erase(queue_.begin() + 1, queue_.end());
  } else {
    queue_.clear();
    StartClose();  // otherwise OnWrite starts it: Beast allows one write operation at a time, close included
  }
}

void WsSession::StartClose() {
  ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) {});
}

}  // namespace recon::server
