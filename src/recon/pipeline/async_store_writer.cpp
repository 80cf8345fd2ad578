#include "recon/pipeline/async_store_writer.hpp"

namespace recon::pipeline {

AsyncStoreWriter::AsyncStoreWriter(std::unique_ptr<store::AnomalyStore> store, std::size_t max_pending,
                                   std::size_t insert_batch)
    : store_(std::move(store)),
      max_pending_(max_pending == 0 ? 1 : max_pending),
      insert_batch_(insert_batch == 0 ? 1 : insert_batch),
      worker_([this] { Run(); }) {}

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
  finishing_ = false;
  queue_.push_back(std::move(anomalies));
  lock.unlock();
  changed_.notify_all();
}

std::uint64_t AsyncStoreWriter::Finish() {
  std::unique_lock lock(mutex_);
  finishing_ = true;
  changed_.notify_all();
  // unwritten_ is read only while the worker is idle (!busy_ is tested first): it changes it only while busy.
  changed_.wait(lock, [this] { return failure_ || (queue_.empty() && !busy_ && unwritten_.empty()); });
  RethrowFailure();
  return inserted_;
}

void AsyncStoreWriter::Run() {
  while (true) {
    std::vector<store::AnomalyRecord> work;
    bool write_now = false;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return closing_ || !queue_.empty() || (finishing_ && !unwritten_.empty()); });
      if (failure_) return;  // already reported; what is left stays unwritten
      const bool ending = finishing_ || closing_;
      if (queue_.empty() && !(ending && !unwritten_.empty())) return;  // closing with nothing left
      if (!queue_.empty()) {
        work = std::move(queue_.front());
        queue_.pop_front();
      }
      write_now = queue_.empty() && ending;
      busy_ = true;
    }
    changed_.notify_all();
    std::uint64_t inserted = 0;
    std::exception_ptr failure;
    try {
      for (const std::size_t idx : store_->UnstoredAnomalies(work)) unwritten_.push_back(std::move(work[idx]));
      if (!unwritten_.empty() && (write_now || unwritten_.size() >= insert_batch_)) {
        inserted = store_->InsertAnomalies(unwritten_);
        unwritten_.clear();
      }
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
