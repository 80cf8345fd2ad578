#pragma once
// The live feed's source: every anomaly that reaches the store, whoever wrote it (this service, a `recon detect`
// run beside it, another process), sent to the WebSocket subscribers in id order, once. One thread follows the
// store from the last id it sent: woken at once when this service stores anomalies, and every poll interval for
// the other writers.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "recon/core/logger.hpp"
#include "recon/server/ws_hub.hpp"
#include "recon/service/scoring_service.hpp"

namespace recon::server {

class LiveFeed {
 public:
  /// Reads the store through `service` (its reader connections), sends to `hub`'s subscribers; `poll`: how soon
  /// anomalies another process stored are heard.
  LiveFeed(service::ScoringService& service, WsHub& hub, const Logger& logger, std::chrono::milliseconds poll);
  ~LiveFeed();
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  /// Starts following the store from its newest anomaly (subscribers hear what is stored from now on).
  void Start();
  /// Reads the store now (this service stored anomalies). Any thread.
  void Wake();
  /// Stops the thread; idempotent.
  void Stop();

 private:
  void Run();
  bool Stopping();
  /// Sends what was stored since the last anomaly sent; false (and why in `error`) when the store cannot be read.
  bool Follow(std::string& error);

  service::ScoringService& service_;
  WsHub& hub_;
  const Logger& logger_;
  std::chrono::milliseconds poll_;
  std::int64_t last_sent_id_ = 0;  // the feed thread's
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::mutex join_mutex_;
  std::thread thread_;
};

}  // namespace recon::server
