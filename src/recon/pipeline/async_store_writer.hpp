#pragma once
// Writes anomalies to the store on its own thread and its own connection, so the store's work overlaps scoring
// instead of stalling it. Each submission is first checked against the store in a read transaction (a re-run's
// anomalies are nearly all stored already and need no write at all); the new ones are inserted in transactions
// of about `insert_batch` anomalies, since every transaction rewrites the index pages it touches. At most
// `max_pending` submissions wait; beyond that Submit blocks, which keeps memory bounded. A failure is rethrown
// by the next Submit or by Finish.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "recon/store/anomaly_store.hpp"

namespace recon::pipeline {

class AsyncStoreWriter {
 public:
  AsyncStoreWriter(std::unique_ptr<store::AnomalyStore> store, std::size_t max_pending = 64,
                   std::size_t insert_batch = 16384);
  ~AsyncStoreWriter();
  AsyncStoreWriter(const AsyncStoreWriter&) = delete;
  AsyncStoreWriter& operator=(const AsyncStoreWriter&) = delete;

  /// Queues anomalies for insertion.
  void Submit(std::vector<store::AnomalyRecord> anomalies);
  /// Waits until everything submitted is written; returns how many anomalies were new.
  std::uint64_t Finish();

 private:
  void Run();
  void RethrowFailure();

  std::unique_ptr<store::AnomalyStore> store_;
  std::size_t max_pending_;
  std::size_t insert_batch_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<store::AnomalyRecord>> queue_;
  std::vector<store::AnomalyRecord> unwritten_;  // new anomalies waiting for a full insert batch (worker only)
  bool busy_ = false;
  bool finishing_ = false;  // Finish is waiting: write what is held, whatever its size
  bool closing_ = false;
  std::uint64_t inserted_ = 0;
  std::exception_ptr failure_;
  std::thread worker_;
};

}  // namespace recon::pipeline
