#include "recon/store/run_store.hpp"

#include "recon/core/logger.hpp"

namespace recon::store {

std::int64_t StartRun(RunStore& store, const RunRecord& run, const Logger& logger) {
  for (const InterruptedRun& interrupted : store.MarkInterruptedRuns()) {
    logger.Warn("run.interrupted", {{"run_id", interrupted.run_id},
                                    {"committed", interrupted.committed},
                                    {"status", InterruptedStatus(interrupted.committed)}});
  }
  return store.BeginRun(run);
}

}  // namespace recon::store
