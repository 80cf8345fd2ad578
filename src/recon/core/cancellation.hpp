#pragma once
// A shutdown signal that sleeping workers notice at once: Sleep returns early (false) when Cancel is called, so
// a backoff of many seconds never delays a shutdown.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace recon {

class Cancellation {
 public:
  void Cancel() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      cancelled_flag_.store(true, std::memory_order_relaxed);
    }
    wake_.notify_all();
  }
  /// Lock-free: polled from transfer callbacks.
  bool Cancelled() const { return cancelled_flag_.load(std::memory_order_relaxed); }
  /// Sleeps for `duration`; false when cancelled before or during the sleep.
  template <class Rep, class Period>
  bool Sleep(std::chrono::duration<Rep, Period> duration) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, duration, [this] { return cancelled_; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool cancelled_ = false;
  std::atomic<bool> cancelled_flag_{false};
};

}  // namespace recon
