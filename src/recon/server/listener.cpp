#include "recon/server/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "recon/core/error.hpp"
#include "recon/server/http_session.hpp"

namespace recon::server {

namespace asio = boost::asio;

Listener::Listener(asio::io_context& ioc, const asio::ip::tcp::endpoint& endpoint, ServerState& state)
    : ioc_(ioc), acceptor_(asio::make_strand(ioc)), state_(state) {
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
  });
}

void Listener::DoAccept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [self = shared_from_this()](boost::system::error_code error,
                                                                              asio::ip::tcp::socket socket) {
    if (error == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
    if (!error && !self->state_.stopping) {
      socket.set_option(asio::ip::tcp::no_delay(true), error);
      auto session = std::make_shared<HttpSession>(std::move(socket), self->state_);
      self->state_.registry.Add(session);
      session->Run();
    }
    self->DoAccept();
  });
}

}  // namespace recon::server
