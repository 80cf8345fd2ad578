#include "recon/pipeline/triage_eval.hpp"

#include <stdlib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "recon/categorise/valuation.hpp"
#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/pipeline/detect_job.hpp"

namespace recon::pipeline {
namespace {

// A private folder (mkdtemp: a fresh name, mode 0700) under the system's temporary directory ($TMPDIR), removed
// with everything in it when the evaluation ends, whether it succeeded or threw.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::error_code error;
    const std::filesystem::path base = std::filesystem::temp_directory_path(error);
    if (error) ThrowUnavailable("no temporary folder for the evaluation: " + error.message() + " (set TMPDIR)");
    std::string pattern = (base / "recon-eval-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      ThrowUnavailable("cannot create a temporary folder in '" + base.string() + "': " + std::strerror(errno) +
                       " (set TMPDIR to a writable folder)");
    }
    path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace

TriageEvalReport RunTriageEval(const Config& base_config, const TriageEvalOptions& options, const Logger& logger,
                               ProgressListener* progress) {
  const auto started = std::chrono::steady_clock::now();
  base_config.Validate();
  const std::vector<std::string> input_header = CheckLabelledInput(options.input, options.truth, base_config.ingest);

  const ScratchFolder scratch;
  Config config = base_config;
  config.store.url = "sqlite:" + scratch.File("recon.db");
  config.paths.model = scratch.File("recon.model");
  config.paths.output = scratch.File("all_rows.csv");
  config.email.smtp_host.clear();  // the run's report stays in the scratch outbox: an evaluation mails nobody
  // Today's date is fixed once, so the run and the report age breaks at the same date even across midnight.
  const bool as_of_is_today = config.valuation.as_of.empty();
  if (as_of_is_today) config.valuation.as_of = FormatIsoDate(categorise::Valuer(config.valuation).AsOf());
  DetectOptions detect;
  detect.input = options.input;
  detect.output = config.paths.output;
  detect.rejects = scratch.File("rejects.csv");
  detect.all_rows = true;
  detect.algorithm = options.algorithm;
  detect.use_llm = options.use_llm;
  const DetectReport run = RunDetect(config, detect, logger, progress);

  TriageEvalReport report;
  report.input = options.input;
  report.rows_read = run.rows_read;
  report.rows_rejected = run.rows_rejected;
  report.algorithm = options.algorithm.empty() ? config.detector.algorithm : options.algorithm;
  report.model_rows = run.training.sample_rows;
  report.threshold = run.training.threshold;
  report.reporting_currency = config.valuation.reporting_currency;
  report.as_of = config.valuation.as_of;
  report.as_of_is_today = as_of_is_today;
  report.max_auto_resolve_amount = config.resolution.max_auto_resolve_amount;
  report.auto_resolve_timing = config.resolution.auto_resolve_timing;
  const std::vector<TriageRow> rows = ReadTriageRows(run.output_path, input_header, options.truth, config);
  report.metrics = ComputeTriageMetrics(rows, {config.resolution.max_auto_resolve_amount});
  for (const TriageRow& row : rows) report.settle_after_as_of += row.settles_after_as_of;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  logger.Info("eval.triage", {{"input", options.input},
                              {"rows_read", report.rows_read},
                              {"auto_resolved", report.metrics.auto_resolution.auto_resolved},
                              {"auto_resolved_wrong", report.metrics.auto_resolution.auto_resolved -
                                                          report.metrics.auto_resolution.true_timing},
                              {"severity_floor_violations", report.metrics.severity_floors.violations},
                              {"seconds", report.seconds}});
  return report;
}

}  // namespace recon::pipeline
