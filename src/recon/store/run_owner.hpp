#pragma once
// Who runs a run, and whether that process is still alive: how a starting process tells a run that is still going
// (a `recon serve` beside it, another `recon detect`) from one whose process was killed or crashed and will never
// record its outcome. Every Store backend applies this one rule (Store::MarkInterruptedRuns); none re-implements
// it in SQL; StartRun (store.hpp) logs what was marked.
//
// IMPLEMENTATION DECISIONS: a pid alone is not an identity, since the kernel reuses pids; the pid together with the
// process's start time (field 22 of /proc/<pid>/stat, clock ticks since boot) is. Liveness can only be checked on
// the owner's own host, so runs begun on another host are never judged from here. Processes that share a host
// name must share a pid namespace (containers on one store need distinct host names, which is Docker's default).
#include <cstdint>
#include <string>

namespace recon::store {

/// The process that owns a run.
struct RunOwner {
  std::string host;               ///< host name; empty for runs recorded before owners were
  std::int64_t pid = 0;           ///< process id on that host
  std::uint64_t start_ticks = 0;  ///< the process's start time, clock ticks since boot (/proc/<pid>/stat field 22)
  std::string started_at;         ///< when the run began (ISO 8601 UTC): all that is known of an owner-less run
};

/// What a starting process can tell about a run's owner.
enum class OwnerLiveness {
  kAlive,    ///< the owner is running: its run is in progress
  kEnded,    ///< the owner is gone (or the pid now names another process): the run was interrupted
  kUnknown,  ///< the owner is on another host, or unrecorded on a run begun since boot: left alone
};

/// This process as a run owner.
RunOwner CurrentRunOwner();

/// Whether `owner` still runs, seen from this host. A run recorded without an owner (an older recon) counts as
/// ended; a pid that exists but cannot be inspected counts as alive (never mark a run that may be going).
OwnerLiveness CheckRunOwner(const RunOwner& owner);

/// The status recorded for an interrupted run that had committed `committed` anomalies.
std::string InterruptedStatus(std::uint64_t committed);

}  // namespace recon::store
