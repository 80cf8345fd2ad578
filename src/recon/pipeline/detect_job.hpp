#pragma once
// `recon detect`: the batch pipeline, one streaming pass over the input
//   read -> decode -> features -> score -> threshold -> cluster -> categorise -> resolve -> CSV + store
// with the model bundle loaded, or trained on the same file and saved when missing.
#include <cstdint>
#include <map>
#include <string>

#include "recon/core/logger.hpp"
#include "recon/pipeline/categoriser_factory.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/report/mail_builder.hpp"
#include "recon/pipeline/progress.hpp"
#include "recon/pipeline/stage_timer.hpp"
#include "recon/pipeline/trainer.hpp"

namespace recon::pipeline {

struct DetectOptions {
  std::string input;
  std::string output;     ///< anomalies CSV; empty = config paths.output
  std::string rejects;    ///< rejects CSV; empty = beside the output, "<output stem>.rejects.csv"
  bool all_rows = false;  ///< write every row (flagged 0/1), not only the anomalies
  std::string algorithm;  ///< must match the model's detector when set
  bool use_llm = false;   ///< ask the configured LLM about uncertain anomalies even if llm.enabled is false
};

struct DetectReport {
  std::string input;
  std::string output_path;
  std::string rejects_path;
  std::string model_path;
  bool trained_model = false;
  TrainingReport training;
  std::uint64_t rows_read = 0;
  std::uint64_t rows_rejected = 0;
  std::uint64_t flagged = 0;
  std::uint64_t stored_new = 0;
  std::map<std::string, std::uint64_t> by_category;
  std::map<std::string, std::uint64_t> by_status;
  std::map<std::string, std::uint64_t> by_severity;
  /// Timing Issues left for review, by each condition that held them back ("amount above the auto-resolve limit").
  std::map<std::string, std::uint64_t> timing_held_by_reason;
  std::map<std::string, std::uint64_t> rejects_by_kind;
  LlmReport llm;
  std::vector<report::TopAnomaly> top_anomalies;  ///< highest scores, for the e-mail report
  std::string email_status;  ///< what happened to the report e-mail (queued, sent, kept in the outbox, ...)
  StageTimes times;
  double total_seconds = 0.0;
};

/// Runs the batch pipeline. Throws recon::Error for failures of the whole run (missing columns, unreadable or
/// corrupt model, unwritable output); bad rows are rejected and counted, never thrown.
DetectReport RunDetect(const Config& config, const DetectOptions& options, const Logger& logger,
                       ProgressListener* progress);

/// The one-screen summary printed after a run.
std::string RenderSummary(const DetectReport& report);

}  // namespace recon::pipeline
