#pragma once
// Runs a producer a few items ahead of its consumer on a background thread: while the pipeline scores batch k, the
// producer prepares batch k + 1 (reads and decodes it, or featurises it). Items travel by unique_ptr (never moved
// in memory, since decoded text points into its batch's buffer) and consumed items can be handed back for reuse.
// Without the background thread (background = false) the producer runs on the caller's thread, for tests and
// debugging.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace recon {

template <typename Item>
class ReadAhead {
 public:
  /// Fills `reuse` (or a new item when null) and returns it, or returns null at the end of the input.
  using Producer = std::function<std::unique_ptr<Item>(std::unique_ptr<Item> reuse)>;

  /// Runs `producer` on a background thread (when `background`) keeping up to `depth` items ready; a depth above
  /// one absorbs the jitter between stages so neither side idles while the other has a slow batch.
  ReadAhead(Producer producer, bool background, std::size_t depth = 2)
      : producer_(std::move(producer)), background_(background), depth_(depth == 0 ? 1 : depth) {
    if (background_) worker_ = std::thread([this] { Produce(); });
  }
  ~ReadAhead() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
  }
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  /// The next item, or null at the end. A failure of the producer is rethrown here, on the consumer's thread.
  std::unique_ptr<Item> Next() {
    if (!background_) {
      std::unique_ptr<Item> reuse;
      if (!spares_.empty()) {
        reuse = std::move(spares_.back());
        spares_.pop_back();
      }
      return producer_(std::move(reuse));
    }
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !ready_.empty() || finished_; });
    if (!ready_.empty()) {
      auto item = std::move(ready_.front());
      ready_.pop_front();
      lock.unlock();
      changed_.notify_all();
      return item;
    }
    if (failure_) std::rethrow_exception(failure_);
    return nullptr;
  }

  /// Gives a consumed item back so its buffers are reused.
  void Recycle(std::unique_ptr<Item> item) {
    std::lock_guard lock(mutex_);
    if (spares_.size() < depth_ + 1) spares_.push_back(std::move(item));
  }

 private:
  void Produce() {
    while (true) {
      std::unique_ptr<Item> reuse;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return stopping_ || ready_.size() < depth_; });
        if (stopping_) return;
        if (!spares_.empty()) {
          reuse = std::move(spares_.back());
          spares_.pop_back();
        }
      }
      std::unique_ptr<Item> item;
      std::exception_ptr failure;
      try {
        item = producer_(std::move(reuse));
      } catch (...) {
        failure = std::current_exception();
      }
      const bool at_end = failure || !item;
      {
        std::lock_guard lock(mutex_);
        if (at_end) {
          failure_ = failure;
          finished_ = true;
        } else {
          ready_.push_back(std::move(item));
        }
      }
      changed_.notify_all();
      if (at_end) return;
    }
  }

  Producer producer_;
  bool background_;
  std::size_t depth_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Item>> ready_;
  std::vector<std::unique_ptr<Item>> spares_;
  bool finished_ = false;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread worker_;
};

}  // namespace recon
