#pragma once
// E-mail triggers of the service: one summary report per /batch_anomaly/ request (with the batch's anomalies as
// CSV), and real-time anomalies at or above email.realtime_min_severity collected into a digest, so a burst sends
// one message per email.digest_interval_ms. Reports go to the store's outbox at once; a background thread drains
// the outbox (backoff and retries as in report/outbox_sender.hpp). Stop() queues the pending digest and makes a
// last delivery attempt. Enqueueing uses its own store connection, draining another, so a slow SMTP server never
// delays a request.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "recon/core/logger.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/report/mail_builder.hpp"
#include "recon/store/store.hpp"

namespace recon::service {

class ReportMailer {
 public:
  ReportMailer(const pipeline::Config& config, const Logger& logger);
  ~ReportMailer();

  /// A scored batch: `flagged` are its anomalies (new or already stored). Queues one report.
  void BatchScored(std::uint64_t trades, const std::vector<report::TopAnomaly>& flagged);
  /// New real-time anomalies (REST or WebSocket): those severe enough join the digest.
  void RealtimeAnomalies(const std::vector<report::TopAnomaly>& anomalies);
  /// Starts the background sender (digest interval, outbox drain).
  void Start();
  /// Queues the pending digest, tries to deliver what is due, and stops the thread. Idempotent.
  void Stop();
  /// Reports queued since start.
  std::uint64_t Queued() const { return queued_; }

 private:
  void Run();
  void FlushDigest();  // caller holds mutex_
  std::string WriteBatchCsv(const std::vector<report::TopAnomaly>& flagged);

  const pipeline::Config& config_;
  const Logger& logger_;
  categorise::Severity min_severity_;
  std::unique_ptr<store::Store> queue_store_;  // enqueueing (under mutex_)
  std::unique_ptr<store::Store> send_store_;   // draining (the sender thread only)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread sender_;
  std::vector<report::TopAnomaly> digest_;
  std::chrono::steady_clock::time_point digest_started_{};
  std::uint64_t batch_sequence_ = 0;
  std::atomic<std::uint64_t> queued_{0};
  std::string instance_;  // distinguishes this process's reports (Message-IDs) from earlier runs
};

}  // namespace recon::service
