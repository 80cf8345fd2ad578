#pragma once
// Accepts connections and starts an HttpSession for each, on a strand of its own.
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "recon/server/server_state.hpp"

namespace recon::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Binds and listens; throws Unavailable naming the address when that fails (in use, no permission).
  Listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint, ServerState& state);
  void Run();
  /// Stops accepting (posted onto the acceptor's executor).
  void Stop();
  unsigned short Port() const { return port_; }

 private:
  void DoAccept();

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  ServerState& state_;
  unsigned short port_ = 0;
};

}  // namespace recon::server
