#include "recon/server/ws_hub.hpp"

#include <algorithm>

namespace recon::server {

void WsHub::Join(const std::shared_ptr<FeedSubscriber>& subscriber) {
  std::lock_guard lock(mutex_);
  for (const auto& weak : subscribers_) {
    if (weak.lock() == subscriber) return;
  }
  subscribers_.push_back(subscriber);
}

void WsHub::Leave(const FeedSubscriber* subscriber) {
  std::lock_guard lock(mutex_);
  std::erase_if(subscribers_, [subscriber](const std::weak_ptr<FeedSubscriber>& weak) {
    const auto live = weak.lock();
    return !live || live.get() == subscriber;
  });
}

void WsHub::Broadcast(std::shared_ptr<const std::string> message) {
  std::vector<std::shared_ptr<FeedSubscriber>> live;
  {
    std::lock_guard lock(mutex_);
    for (const auto& weak : subscribers_) {
      if (auto subscriber = weak.lock()) live.push_back(std::move(subscriber));
    }
  }
  for (const auto& subscriber : live) subscriber->Deliver(message);
}

std::size_t WsHub::Subscribers() {
  std::lock_guard lock(mutex_);
  std::erase_if(subscribers_, [](const std::weak_ptr<FeedSubscriber>& weak) { return weak.expired(); });
  return subscribers_.size();
}

}  // namespace recon::server
