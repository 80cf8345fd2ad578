#pragma once
// The open connections, so a graceful shutdown can ask each to finish and close, and wait until they have.
#include <memory>
#include <mutex>
#include <vector>

namespace recon::server {

/// A connection that can be asked to close once its current request is answered.
class Closable {
 public:
  virtual ~Closable() = default;
  /// Called from any thread; the session posts the work onto its own strand.
  virtual void RequestClose() = 0;
};

class SessionRegistry {
 public:
  void Add(const std::shared_ptr<Closable>& session) {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [](const std::weak_ptr<Closable>& weak) { return weak.expired(); });
    sessions_.push_back(session);
  }
  /// Asks every live session to close.
  void CloseAll() {
    std::vector<std::shared_ptr<Closable>> live;
    {
      std::lock_guard lock(mutex_);
      for (const auto& weak : sessions_) {
        if (auto session = weak.lock()) live.push_back(std::move(session));
      }
    }
    for (const auto& session : live) session->RequestClose();
  }
  /// Sessions still alive.
  std::size_t Live() {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [](const std::weak_ptr<Closable>& weak) { return weak.expired(); });
    return sessions_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<Closable>> sessions_;
};

}  // namespace recon::server
