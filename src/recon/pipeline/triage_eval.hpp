#pragma once
// `recon eval FILE --category-column C`: the quality of recon's triage on a labelled history, so that a team can
// check its thresholds (detector, valuation, severity, resolution) before it trusts them. It runs the real batch
// pipeline, exactly as `recon detect --all` would with the same configuration, except that the store, the model
// and the output live in a temporary folder removed afterwards (the user's are never read or written, and no
// e-mail is sent), then scores the decisions against the truth columns (triage_metrics.hpp).
#include <cstdint>
#include <string>

#include "recon/core/logger.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/pipeline/progress.hpp"
#include "recon/pipeline/triage_metrics.hpp"
#include "recon/pipeline/triage_rows.hpp"

namespace recon::pipeline {

struct TriageEvalOptions {
  std::string input;  ///< labelled CSV (the input columns plus the truth columns)
  TruthColumns truth;
  std::string algorithm;  ///< detector for the model trained on the file; empty = config detector.algorithm
  bool use_llm = false;   ///< ask the configured LLM, as `recon detect --llm` does
};

struct TriageEvalReport {
  std::string input;
  std::uint64_t rows_read = 0;
  std::uint64_t rows_rejected = 0;  ///< not scored, so their labels are left out of every figure
  std::string algorithm;
  std::uint64_t model_rows = 0;  ///< leading rows the model was fitted on
  double threshold = 0.0;
  std::string reporting_currency;
  std::string as_of;            ///< the date breaks were aged at (yyyy-mm-dd)
  bool as_of_is_today = false;  ///< valuation.as_of was not set: the figures may change from one day to the next
  std::uint64_t settle_after_as_of = 0;  ///< rows settling after as_of, which the resolver treats as not yet due
  double max_auto_resolve_amount = 0.0;
  bool auto_resolve_timing = true;
  TriageMetrics metrics;
  double seconds = 0.0;
};

/// Runs the evaluation. Throws recon::Error: InvalidInput for a bad file, column or label (before the run) or
/// configuration, Unavailable when no temporary folder can be made, and whatever the run itself throws.
TriageEvalReport RunTriageEval(const Config& config, const TriageEvalOptions& options, const Logger& logger,
                               ProgressListener* progress);

}  // namespace recon::pipeline
