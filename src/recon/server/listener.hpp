#pragma once
// Accepts connections and starts an HttpSession for each, on a strand of its own. An accept that fails (out of
// file descriptors, out of memory) is retried after a pause that doubles up to a second and resets at the next
// success: retrying at once would spin a core while the condition lasts, starving the sessions that could end it.
#include <chrono>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

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
  void OnAccept(boost::system::error_code error, boost::asio::ip::tcp::socket socket);
  void BackOff(const boost::system::error_code& error);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  ServerState& state_;
  unsigned short port_ = 0;
  std::chrono::milliseconds backoff_{0};  // 0 while accepts succeed
  std::uint64_t failed_accepts_ = 0;      // since the last success, for the log
};

}  // namespace recon::server
