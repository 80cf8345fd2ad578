#include "recon/server/server.hpp"

#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <condition_variable>

#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/server/listener.hpp"
#include "recon/server/server_state.hpp"

namespace recon::server {

namespace asio = boost::asio;

namespace {
// How soon the live feed hears anomalies that another process (a `recon detect` run) stored.
constexpr std::chrono::milliseconds kLiveFeedPoll{200};
}  // namespace

Server::Server(const pipeline::Config& config, const Logger& logger, service::ScoringService& service, ApiKeys keys)
    : config_(config),
      logger_(logger),
      service_(service),
      api_(service, config, keys, logger),
      ioc_(static_cast<int>(ResolveThreadCount(config.server.threads))),
      work_pool_(ResolveThreadCount(config.server.threads)),
      live_feed_(service, hub_, logger, kLiveFeedPoll) {
  if (!IsLoopback(config.server.host) && !keys.Enabled()) {
    ThrowInvalidInput("server.host is " + config.server.host + ", not loopback: set API keys in $" +
                      config.server.api_keys_env + " (comma-separated) before exposing the service");
  }
  state_ = std::make_unique<ServerState>(
      ServerState{api_, hub_, work_pool_, registry_, stopping_, config.server, logger});
  service_.SetStoredListener([this] { live_feed_.Wake(); });
}

Server::~Server() { Stop(); }

void Server::Start() {
  boost::system::error_code error;
  const auto address = asio::ip::make_address(config_.server.host, error);
  if (error) ThrowInvalidInput("server.host '" + config_.server.host + "' is not an IP address");
  listener_ = std::make_shared<Listener>(
      ioc_, asio::ip::tcp::endpoint(address, static_cast<unsigned short>(config_.server.port)), *state_);
  listener_->Run();
  live_feed_.Start();
  work_guard_.emplace(ioc_.get_executor());
  const unsigned threads = ResolveThreadCount(config_.server.threads);
  for (unsigned idx = 0; idx < threads; ++idx) threads_.emplace_back([this] { RunIoLoop(); });
  logger_.Info("server.started", {{"host", config_.server.host}, {"port", Port()}, {"threads", threads}});
}

void Server::RunIoLoop() {
  // The sessions' funnels answer every failure; this is the last line: an exception that still escapes a
  // handler is logged and the loop goes on, so one connection can never take the process down.
  while (true) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& failure) {
      logger_.Error("server.handler_exception", {{"error", failure.what()}});
    } catch (...) {
      logger_.Error("server.handler_exception", {{"error", "unknown exception"}});
    }
  }
}

unsigned short Server::Port() const { return listener_ ? listener_->Port() : 0; }

void Server::Stop() {
  if (stopped_ || !listener_) return;
  stopped_ = true;
  stopping_ = true;
  listener_->Stop();
  registry_.CloseAll();
  // In-flight requests finish and close their connections; wait for them, up to the grace period.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.server.shutdown_grace_ms);
  while (registry_.Live() > 0 && std::chrono::steady_clock::now() < deadline) {
    registry_.CloseAll();  // connections that were mid-request when first asked are idle now
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::size_t abandoned = registry_.Live();
  work_pool_.join();
  work_guard_.reset();
  ioc_.stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  live_feed_.Stop();
  service_.Shutdown();
  logger_.Info("server.stopped", {{"abandoned_connections", abandoned}});
}

void Server::RunUntilSignalled() {
  std::mutex mutex;
  std::condition_variable signalled;
  bool received = false;
  asio::signal_set signals(ioc_, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int signal_number) {
    if (error) return;
    logger_.Info("server.signal", {{"signal", signal_number}});
    std::lock_guard lock(mutex);
    received = true;
    signalled.notify_all();
  });
  {
    std::unique_lock lock(mutex);
    signalled.wait(lock, [&] { return received; });
  }
  Stop();
}

}  // namespace recon::server
