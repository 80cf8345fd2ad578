#include "recon/pipeline/async_store_writer.hpp"

namespace recon::pipeline {

AsyncStoreWriter::AsyncStoreWriter(std::unique_ptr<store::Store> store, std::size_t max_pending)
    : store_(std::move(store)), max_pending_(max_pending == 0 ? 1 : max_pending), worker_([this] { Run(); }) {}

AsyncStoreWriter::~AsyncStoreWriter() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void AsyncStoreWriter::RethrowFailure() {
  if (failure_) std::rethrow_exception(failure_);
}

void AsyncStoreWriter::Submit(std::vector<store::AnomalyRecord> anomalies) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return failure_ || queue_.size() < max_pending_; });
  RethrowFailure();
  queue_.push_back(std::move(anomalies));
  lock.unlock();
  changed_.notify_all();
}

std::uint64_t AsyncStoreWriter::Finish() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return failure_ || (queue_.empty() && !busy_); });
  RethrowFailure();
  return inserted_;
}

void AsyncStoreWriter::Run() {
  while (true) {
    std::vector<store::AnomalyRecord> work;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty() || failure_) return;  // closing with nothing left, or a failure already reported
      work = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    changed_.notify_all();
    std::uint64_t inserted = 0;
    std::exception_ptr failure;
    try {
      inserted = store_->InsertAnomalies(work);
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      inserted_ += inserted;
      busy_ = false;
      if (failure) failure_ = failure;
    }
    changed_.notify_all();
  }
}

}  // namespace recon::pipeline
