#pragma once
// `recon serve`: the HTTP + WebSocket service on Boost.Beast. I/O threads run the connections; scoring and store
// queries run on a separate pool so an LLM call never holds an I/O thread. Stop() is graceful: it stops
// accepting, lets in-flight requests finish (up to server.shutdown_grace_ms), closes idle keep-alive
// connections and WebSockets (close code 1001), then records the serving run in the store.
#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "recon/server/api.hpp"
#include "recon/server/live_feed.hpp"
#include "recon/server/session_registry.hpp"
#include "recon/server/ws_hub.hpp"
#include "recon/service/scoring_service.hpp"

namespace recon::server {

class Listener;
struct ServerState;

class Server {
 public:
  /// Validates the bind address against the keys: a non-loopback address without API keys is refused.
  Server(const pipeline::Config& config, const Logger& logger, service::ScoringService& service, ApiKeys keys);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds (throws Unavailable when it cannot) and starts the I/O threads.
  void Start();
  /// The bound port (useful with server.port 0).
  unsigned short Port() const;
  /// Graceful stop; idempotent.
  void Stop();
  /// Blocks until SIGINT or SIGTERM, then stops gracefully.
  void RunUntilSignalled();

 private:
  void RunIoLoop();

  const pipeline::Config& config_;
  const Logger& logger_;
  service::ScoringService& service_;
  Api api_;
  boost::asio::io_context ioc_;
  // Keeps the I/O threads running while a request is on the work pool and no socket operation is pending.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_guard_;
  boost::asio::thread_pool work_pool_;
  WsHub hub_;
  LiveFeed live_feed_;
  SessionRegistry registry_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<ServerState> state_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace recon::server
