#pragma once
// The live feed: every stored anomaly, from any source, fanned out to the WebSocket sessions that subscribed.
// One shared immutable string per event, whatever the number of subscribers.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace recon::server {

/// What the hub needs of a subscriber.
class FeedSubscriber {
 public:
  virtual ~FeedSubscriber() = default;
  /// Queues `message` for sending (called from any thread; the session posts onto its strand).
  virtual void Deliver(std::shared_ptr<const std::string> message) = 0;
};

class WsHub {
 public:
  void Join(const std::shared_ptr<FeedSubscriber>& subscriber);
  void Leave(const FeedSubscriber* subscriber);
  void Broadcast(std::shared_ptr<const std::string> message);
  std::size_t Subscribers();

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<FeedSubscriber>> subscribers_;
};

}  // namespace recon::server
