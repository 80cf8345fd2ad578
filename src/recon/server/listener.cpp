#include "recon/server/listener.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "recon/core/error.hpp"
#include "recon/server/http_session.hpp"

namespace recon::server {

namespace asio = boost::asio;

Listener::Listener(asio::io_context& ioc, const asio::ip::tcp::endpoint& endpoint, ServerState& state)
    : ioc_(ioc), acceptor_(asio::make_strand(ioc)), retry_timer_(acceptor_.get_executor()), state_(state) {
  boost::system::error_code error;
  const std::string where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) ThrowUnavailable("cannot listen on " + where + ": " + error.message());
  port_ = acceptor_.local_endpoint().port();
}

void Listener::Run() { DoAccept(); }

void Listener::Stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void Listener::DoAccept() {
  acceptor_.async_accept(asio::make_strand(ioc_),
                         [self = shared_from_this()](boost::system::error_code error, asio::ip::tcp::socket socket) {
                           self->OnAccept(error, std::move(socket));
                         });
}

void Listener::OnAccept(boost::system::error_code error, asio::ip::tcp::socket socket) {
  if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (error) return BackOff(error);
  if (backoff_.count() > 0) {
    state_.logger.Info("server.accept_recovered", {{"failed_accepts", failed_accepts_}});
    backoff_ = std::chrono::milliseconds(0);
    failed_accepts_ = 0;
  }
  if (!state_.stopping) {
    socket.set_option(asio::ip::tcp::no_delay(true), error);
    auto session = std::make_shared<HttpSession>(std::move(socket), state_);
    state_.registry.Add(session);
    session->Run();
  }
  DoAccept();
}

void Listener::BackOff(const boost::system::error_code& error) {
  constexpr std::chrono::milliseconds kFirstPause{10};
  constexpr std::chrono::milliseconds kLongestPause{1000};
  ++failed_accepts_;
  state_.api.GetMetrics().AcceptFailed();
  if (backoff_.count() == 0) {
    // Logged when a run of failures starts; its length is logged when it ends.
    state_.logger.Warn("server.accept_failed", {{"error", error.message()}, {"retry_in_ms", kFirstPause.count()}});
  }
  backoff_ = backoff_.count() == 0 ? kFirstPause : std::min(backoff_ * 2, kLongestPause);
  retry_timer_.expires_after(backoff_);
  retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_error) {
    if (wait_error || !self->acceptor_.is_open()) return;
    self->DoAccept();
  });
}

}  // namespace recon::server
