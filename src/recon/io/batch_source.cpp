#include "recon/io/batch_source.hpp"

namespace recon::io {

BatchSource::BatchSource(CsvReader& reader, const RecordDecoder& decoder, bool prefetch)
    : reader_(reader), decoder_(decoder), prefetch_(prefetch) {
  if (prefetch_) worker_ = std::thread([this] { Produce(); });
}

BatchSource::~BatchSource() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::unique_ptr<IngestBatch> BatchSource::ReadOne(std::unique_ptr<IngestBatch> batch) {
  if (!batch) batch = std::make_unique<IngestBatch>();
  if (!reader_.Next(batch->raw)) return nullptr;
  batch->errors.clear();
  decoder_.Decode(batch->raw, batch->records, batch->errors);
  return batch;
}

void BatchSource::Produce() {
  while (true) {
    std::unique_ptr<IngestBatch> reuse;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !ready_; });
      if (stopping_) return;
      reuse = std::move(spare_);
    }
    std::unique_ptr<IngestBatch> batch;
    std::exception_ptr failure;
    try {
      batch = ReadOne(std::move(reuse));
    } catch (...) {
      failure = std::current_exception();
    }
    const bool at_end = failure || !batch;
    {
      std::lock_guard lock(mutex_);
      if (at_end) {
        failure_ = failure;
        finished_ = true;
      } else {
        ready_ = std::move(batch);
      }
    }
    changed_.notify_all();
    if (at_end) return;
  }
}

std::unique_ptr<IngestBatch> BatchSource::Next() {
  if (!prefetch_) {
    std::unique_ptr<IngestBatch> reuse = std::move(spare_);
    return ReadOne(std::move(reuse));
  }
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return ready_ || finished_; });
  if (ready_) {
    auto batch = std::move(ready_);
    lock.unlock();
    changed_.notify_all();
    return batch;
  }
  if (failure_) std::rethrow_exception(failure_);
  return nullptr;
}

void BatchSource::Recycle(std::unique_ptr<IngestBatch> batch) {
  std::lock_guard lock(mutex_);
  spare_ = std::move(batch);
}

}  // namespace recon::io
