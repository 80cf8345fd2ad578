#pragma once
// Runs: each `recon detect`, `train` and `serve` records when it started, who runs it and how it ended, so a run
// killed midway is found and marked by the next start (run_owner.hpp has the liveness rule).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recon/store/run_owner.hpp"

namespace recon {
class Logger;
}

namespace recon::store {

/// A batch run as it starts.
struct RunRecord {
  std::string input_path;
  std::string input_fingerprint;
  std::string model_fingerprint;
  std::string command;  ///< "detect", "train"
  /// The process that runs it; empty = this process (tests name another).
  std::optional<RunOwner> owner = std::nullopt;
};

/// A batch run's outcome.
struct RunStats {
  std::uint64_t rows_read = 0;
  std::uint64_t rows_rejected = 0;
  std::uint64_t anomalies_flagged = 0;
  std::uint64_t anomalies_new = 0;
  std::string status;  ///< "ok" or "failed: reason" ("interrupted: ..." is set only by MarkInterruptedRuns)
};

/// A run found without an outcome whose process had ended, now recorded as interrupted.
struct InterruptedRun {
  std::int64_t run_id = 0;
  std::uint64_t committed = 0;  ///< anomalies stored with its run id: what it committed before it died
};

/// The runs table: begun, finished, and marked interrupted when their process died.
class RunStore {
 public:
  virtual ~RunStore() = default;
  /// Records the start of a run and its owner; returns its id (ascending). Commands start runs with StartRun
  /// (below), which calls MarkInterruptedRuns first, so that a run killed earlier does not stay "running" forever.
  virtual std::int64_t BeginRun(const RunRecord& run) = 0;
  /// Finishes every run that has no outcome and whose owner has ended (CheckRunOwner says kEnded: runs of live
  /// processes and of other hosts are left alone) with InterruptedStatus and its committed count as anomalies_new,
  /// in one transaction. Returns them, oldest first; a run is returned by one call only.
  virtual std::vector<InterruptedRun> MarkInterruptedRuns() = 0;
  /// How many stored anomalies run `run_id` inserted (the honest count of what it committed, whatever its end).
  virtual std::uint64_t CountRunAnomalies(std::int64_t run_id) = 0;
  /// Records how a run ended.
  virtual void FinishRun(std::int64_t run_id, const RunStats& stats) = 0;
  /// How run `run_id` ended ("ok", "failed: ...", "interrupted: ..."); empty while it runs or when there is no
  /// such run.
  virtual std::string RunStatus(std::int64_t run_id) = 0;
  /// How many runs are recorded.
  virtual std::uint64_t CountRuns() = 0;
};

/// How every command starts a run: marks the runs left without an outcome by a process that died (SIGKILL, a crash,
/// a power cut) as interrupted, logging `run.interrupted` with run_id and committed for each, then begins `run`.
/// Returns its id. Written once for every backend: the liveness rule is CheckRunOwner's.
std::int64_t StartRun(RunStore& store, const RunRecord& run, const Logger& logger);

}  // namespace recon::store
