#include "recon/server/live_feed.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include "recon/core/error.hpp"
#include "recon/server/anomaly_json.hpp"

namespace recon::server {
namespace {

constexpr std::size_t kReadRows = 500;  // anomalies read per query while catching up

}  // namespace

LiveFeed::LiveFeed(service::ScoringService& service, WsHub& hub, const Logger& logger, std::chrono::milliseconds poll)
    : service_(service), hub_(hub), logger_(logger), poll_(poll) {}

LiveFeed::~LiveFeed() { Stop(); }

void LiveFeed::Start() {
  last_sent_id_ = service_.LastAnomalyId();
  thread_ = std::thread([this] { Run(); });
}

void LiveFeed::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void LiveFeed::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  std::lock_guard join_lock(join_mutex_);  // two threads stopping at once: one joins
  if (thread_.joinable()) thread_.join();
}

bool LiveFeed::Stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void LiveFeed::Run() {
  bool healthy = true;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, poll_, [this] { return woken_ || stopping_; });
      if (stopping_) return;
      woken_ = false;
    }
    std::string error;
    const bool read = Follow(error);
    // Logged once per change: a store that stays unreadable must not fill the log at the poll rate.
    if (!read && healthy) logger_.Warn("live_feed.read_failed", {{"error", error}, {"after_id", last_sent_id_}});
    if (read && !healthy) logger_.Info("live_feed.resumed", {{"after_id", last_sent_id_}});
    healthy = read;
  }
}

bool LiveFeed::Follow(std::string& error) {
  try {
    // The newest id read before the subscribers are counted: an anomaly stored after a client subscribed is above
    // it, so it is sent.
    const std::int64_t newest = service_.LastAnomalyId();
    if (hub_.Subscribers() == 0) {
      // Nobody listens: skip what was stored meanwhile rather than build events for no one.
      last_sent_id_ = std::max(last_sent_id_, newest);
      return true;
    }
    while (!Stopping()) {
      const std::vector<store::StoredAnomaly> stored = service_.AnomaliesAfter(last_sent_id_, kReadRows);
      for (const store::StoredAnomaly& anomaly : stored) {
        nlohmann::json event = AnomalyJson(anomaly);
        event["type"] = "anomaly";
        event["anomaly_id"] = anomaly.id;
        hub_.Broadcast(std::make_shared<const std::string>(
            event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
        last_sent_id_ = anomaly.id;
      }
      if (stored.size() < kReadRows) return true;
    }
    return true;
  } catch (const std::exception& failure) {
    error = failure.what();
    return false;
  }
}

}  // namespace recon::server
