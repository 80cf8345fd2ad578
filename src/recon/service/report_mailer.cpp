#include "recon/service/report_mailer.hpp"

#include <unistd.h>

#include <filesystem>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/io/csv_writer.hpp"
#include "recon/report/outbox_sender.hpp"

namespace recon::service {
namespace {

constexpr auto kPollInterval = std::chrono::seconds(1);

report::ReportContent ContentOf(const std::string& kind, const std::string& source, std::uint64_t rows,
                                const std::vector<report::TopAnomaly>& anomalies, std::size_t top) {
  report::ReportContent content;
  content.kind = kind;
  content.source = source;
  content.rows = rows;
  content.flagged = anomalies.size();
  report::TopAnomalies best(top);
  for (const auto& anomaly : anomalies) {
    ++content.by_category[anomaly.category];
    ++content.by_status[anomaly.status];
    ++content.by_severity[anomaly.severity];
    best.Offer(anomaly);
  }
  content.top = best.Sorted();
  return content;
}

}  // namespace

ReportMailer::ReportMailer(const pipeline::Config& config, const Logger& logger)
    : config_(config),
      logger_(logger),
      min_severity_(*categorise::ParseSeverity(config.email.realtime_min_severity)),
      queue_store_(store::OpenStore(config.store.url)),
      send_store_(store::OpenStore(config.store.url)),
      instance_(UtcNowIso8601() + "/" + std::to_string(::getpid())) {}

ReportMailer::~ReportMailer() { Stop(); }

void ReportMailer::Start() { sender_ = std::thread([this] { Run(); }); }

std::string ReportMailer::WriteBatchCsv(const std::vector<report::TopAnomaly>& flagged) {
  const std::filesystem::path folder =
      std::filesystem::path(config_.paths.output).parent_path() / "reports";
  std::filesystem::create_directories(folder);
  const std::filesystem::path path =
      folder / ("batch-" + std::to_string(::getpid()) + "-" + std::to_string(batch_sequence_) + ".csv");
  io::CsvWriter csv(path.string(), /*formula_safe=*/true);
  for (const char* name : {"trade_id", "desk", "category", "severity", "status", "anomaly_score", "amount_diff",
                           "comment", "summary"}) {
    csv.Field(name);
  }
  csv.EndRow();
  for (const auto& row : flagged) {
    for (const std::string* value : {&row.trade_id, &row.desk, &row.category, &row.severity, &row.status}) {
      csv.Field(*value);
    }
    csv.Field(std::to_string(row.score));
    csv.Field(std::to_string(row.amount_diff));
    csv.Field(row.comment);
    csv.Field(row.summary);
    csv.EndRow();
  }
  csv.Close();
  return std::filesystem::absolute(path).string();
}

void ReportMailer::BatchScored(std::uint64_t trades, const std::vector<report::TopAnomaly>& flagged) {
  std::lock_guard lock(mutex_);
  ++batch_sequence_;
  try {
    auto content = ContentOf("batch", "POST /batch_anomaly/ #" + std::to_string(batch_sequence_), trades, flagged,
                             config_.email.top_anomalies);
    content.attachment_path = WriteBatchCsv(flagged);
    content.identity = instance_ + "#batch-" + std::to_string(batch_sequence_);
    queue_store_->EnqueueMail(report::BuildReportMail(content, config_.email));
    ++queued_;
  } catch (const std::exception& failure) {
    // The batch's answer does not depend on the e-mail: log it, never fail the request.
    logger_.Error("mail.queue_failed", {{"kind", "batch"}, {"error", failure.what()}});
  }
  wake_.notify_all();
}

void ReportMailer::RealtimeAnomalies(const std::vector<report::TopAnomaly>& anomalies) {
  std::lock_guard lock(mutex_);
  for (const auto& anomaly : anomalies) {
    const auto severity = categorise::ParseSeverity(anomaly.severity);
    if (!severity || *severity < min_severity_) continue;
    if (digest_.empty()) digest_started_ = std::chrono::steady_clock::now();
    digest_.push_back(anomaly);
  }
}

void ReportMailer::FlushDigest() {
  if (digest_.empty()) return;
  try {
    auto content = ContentOf("digest", "real-time anomalies (" + config_.email.realtime_min_severity + " and above)",
                             digest_.size(), digest_, config_.email.top_anomalies);
    content.identity = instance_ + "#digest-" + UtcNowIso8601() + "-" + std::to_string(queued_.load());
    queue_store_->EnqueueMail(report::BuildReportMail(content, config_.email));
    ++queued_;
  } catch (const std::exception& failure) {
    logger_.Error("mail.queue_failed", {{"kind", "digest"}, {"error", failure.what()}});
  }
  digest_.clear();
}

void ReportMailer::Run() {
  const auto interval = std::chrono::milliseconds(config_.email.digest_interval_ms);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kPollInterval, [this] { return stopping_; });
    if (stopping_) break;
    if (!digest_.empty() && std::chrono::steady_clock::now() - digest_started_ >= interval) FlushDigest();
    lock.unlock();
    try {
      report::DrainOutbox(*send_store_, config_.email, logger_);
    } catch (const std::exception& failure) {
      logger_.Error("mail.drain_failed", {{"error", failure.what()}});
    }
    lock.lock();
  }
}

void ReportMailer::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    FlushDigest();
  }
  wake_.notify_all();
  if (sender_.joinable()) sender_.join();
  try {
    report::DrainOutbox(*send_store_, config_.email, logger_);  // a last attempt; what fails stays queued
  } catch (const std::exception& failure) {
    logger_.Error("mail.drain_failed", {{"error", failure.what()}});
  }
}

}  // namespace recon::service
