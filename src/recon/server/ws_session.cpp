#include "recon/server/ws_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "recon/core/error.hpp"

namespace recon::server {

namespace beast = boost::beast;
namespace asio = boost::asio;
namespace websocket = beast::websocket;
using nlohmann::json;

namespace {

std::string ErrorMessage(const std::string& error, json detail = nullptr) {
  json message{{"type", "error"}, {"error", error}};
  if (!detail.is_null()) message["detail"] = std::move(detail);
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

WsSession::WsSession(beast::tcp_stream&& stream, ServerState& state) : ws_(std::move(stream)), state_(state) {
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
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::OnRead, shared_from_this()));
}

void WsSession::OnRead(beast::error_code error, std::size_t /*bytes*/) {
  if (error) return;  // closed by the peer, timed out, or too large: the stream is done
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  state_.api.GetMetrics().WebSocketMessage();
  Enqueue(std::make_shared<const std::string>(Answer(text)));
  DoRead();
}

std::string WsSession::Answer(const std::string& text) {
  json message;
  try {
    message = json::parse(text);
  } catch (const json::parse_error& failure) {
    return ErrorMessage("malformed JSON", "at byte " + std::to_string(failure.byte));
  }
  if (message.is_object() && (message.contains("subscribe") || message.contains("unsubscribe"))) {
    const bool subscribe = message.contains("subscribe");
    const json& feed = subscribe ? message["subscribe"] : message["unsubscribe"];
    if (feed != "anomalies") return ErrorMessage("unknown feed", "the only feed is \"anomalies\"");
    if (subscribe) {
      state_.hub.Join(shared_from_this());
    } else {
      state_.hub.Leave(this);
    }
    return json{{"type", subscribe ? "subscribed" : "unsubscribed"}, {"feed", "anomalies"}}.dump();
  }
  const std::vector<const json*> trades = {&message};
  try {
    std::vector<service::FieldProblem> problems;
    const auto verdicts = state_.api.Service().Score(trades, "api:ws", false, problems);
    if (!problems.empty()) {
      json detail = json::array();
      for (const auto& problem : problems) detail.push_back({{"field", problem.field}, {"problem", problem.problem}});
      return ErrorMessage("invalid trade", detail);
    }
    json result = service::ToJson(verdicts.front());
    result["type"] = "result";
    return result.dump(-1, ' ', false, json::error_handler_t::replace);
  } catch (const Error& failure) {
    return ErrorMessage(failure.Kind() == ErrorKind::kUnavailable ? "unavailable" : "failed", failure.what());
  }
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
