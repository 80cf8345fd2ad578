#pragma once
// What every session shares: the API, the live-feed hub, the pool for heavy handlers, the registry of open
// connections and the stopping flag.
#include <atomic>

#include <boost/asio/thread_pool.hpp>

#include "recon/server/api.hpp"
#include "recon/server/session_registry.hpp"
#include "recon/server/ws_hub.hpp"

namespace recon::server {

struct ServerState {
  Api& api;
  WsHub& hub;
  boost::asio::thread_pool& work_pool;
  SessionRegistry& registry;
  std::atomic<bool>& stopping;
  const pipeline::ServerParams& params;
  const Logger& logger;
};

}  // namespace recon::server
