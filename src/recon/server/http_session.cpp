#include "recon/server/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>

#include "recon/server/responses.hpp"
#include "recon/server/ws_session.hpp"

namespace recon::server {

namespace beast = boost::beast;
namespace asio = boost::asio;

HttpSession::HttpSession(asio::ip::tcp::socket&& socket, ServerState& state)
    : stream_(std::move(socket)), state_(state) {}

void HttpSession::Run() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
}

void HttpSession::RequestClose() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->busy_) self->Close();  // idle keep-alive connection; a busy one closes after its response
  });
}

void HttpSession::DoRead() {
  if (state_.stopping) return Close();
  parser_.emplace();
  parser_->body_limit(state_.params.body_limit_bytes);
  stream_.expires_after(std::chrono::milliseconds(state_.params.read_timeout_ms));
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::OnHeader, shared_from_this()));
}

void HttpSession::OnHeader(beast::error_code error, std::size_t bytes) {
  if (error) return OnRead(error, bytes);
  const auto& header = parser_->get();
  // RFC 7231 5.1.1: an HTTP/1.0 client's Expect: 100-continue is ignored.
  if (header.version() < 11 || !beast::iequals(header[http::field::expect], "100-continue")) return ReadBody();
  // The client waits for a word before it sends the body: refuse what would be refused anyway (no key, a body
  // that cannot fit) before it is sent.
  const auto length = parser_->content_length();
  if (length && *length > state_.params.body_limit_bytes) return Write(BodyTooLarge());
  if (state_.api.RefusesUnauthorised(header)) {
    Response refusal = UnauthorisedResponse(header);
    refusal.keep_alive(false);  // the body the client may still send is not read
    return Write(std::move(refusal));
  }
  auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, header.version());
  http::async_write(stream_, *go_on, [self = shared_from_this(), go_on](beast::error_code write_error, std::size_t) {
    if (write_error) return self->Close();
    self->ReadBody();
  });
}

void HttpSession::ReadBody() {
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

Response HttpSession::BodyTooLarge() const {
  Request request;
  request.version(11);
  Response response = JsonResponse(request, http::status::payload_too_large,
                                   {{"detail", "request body larger than " +
                                                   std::to_string(state_.params.body_limit_bytes) +
                                                   " bytes (server.body_limit_bytes)"}});
  response.keep_alive(false);
  return response;
}

void HttpSession::OnRead(beast::error_code error, std::size_t /*bytes*/) {
  if (error == http::error::end_of_stream || error == asio::error::operation_aborted) return Close();
  if (error == http::error::body_limit) return Write(BodyTooLarge());
  if (error == beast::error::timeout) return Close();
  if (error) {
    Request request;
    request.version(11);
    Response response =
        JsonResponse(request, http::status::bad_request, {{"detail", "malformed HTTP request: " + error.message()}});
    response.keep_alive(false);
    return Write(std::move(response));
  }
  Request request = parser_->release();
  if (beast::websocket::is_upgrade(request)) {
    if (ParseTarget(View(request.target())).path != "/ws") {
      return Write(JsonResponse(request, http::status::not_found, {{"detail", "WebSocket endpoint is /ws"}}));
    }
    if (!state_.api.AuthorisedUpgrade(request)) {
      return Write(JsonResponse(request, http::status::unauthorized, {{"detail", "missing or invalid API key"}}));
    }
    stream_.expires_never();
    std::make_shared<WsSession>(std::move(stream_), state_)->Run(std::move(request));
    return;
  }
  busy_ = true;
  if (!state_.api.RunsOnWorkPool(request)) return Write(state_.api.Handle(request));
  // Scoring and store queries run on the work pool, so a slow one (an LLM call) never stalls the I/O threads.
  asio::post(state_.work_pool, [self = shared_from_this(), request = std::move(request)]() mutable {
    Response response = self->state_.api.Handle(request);
    asio::post(self->stream_.get_executor(),
               [self, response = std::move(response)]() mutable { self->Write(std::move(response)); });
  });
}

void HttpSession::Write(Response response) {
  busy_ = true;
  const bool keep_alive = response.keep_alive() && !state_.stopping;
  response.keep_alive(keep_alive);
  auto shared = std::make_shared<Response>(std::move(response));
  stream_.expires_after(std::chrono::milliseconds(state_.params.write_timeout_ms));  // not what is left of the read's
  http::async_write(stream_, *shared,
                    [self = shared_from_this(), shared, keep_alive](beast::error_code error, std::size_t bytes) {
                      self->OnWrite(keep_alive, error, bytes);
                    });
}

void HttpSession::OnWrite(bool keep_alive, beast::error_code error, std::size_t /*bytes*/) {
  busy_ = false;
  if (error || !keep_alive) return Close();
  DoRead();
}

void HttpSession::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

}  // namespace recon::server
