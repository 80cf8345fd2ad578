#pragma once
// The SQLite store's schema, versioned by PRAGMA user_version. History: 2 llm_cache; 3 outbox; 4 run owners
// (columns of runs) and the anomalies_run index, for marking interrupted runs with what they committed;
// 5 anomalies.resolution_reason; 6 category_corrections (reviewers' corrections, which the local categoriser
// learns from) and the anomalies_trade index (corrections imported by trade id). Internal to recon_store.
#include <sqlite3.h>

#include <string>

namespace recon::store {

/// The version this recon writes; a store of a higher one is refused.
inline constexpr int kSchemaVersion = 6;

/// Creates what is missing and upgrades a store of `from_version` in place, then records kSchemaVersion. Runs
/// inside the caller's write transaction; throws Unavailable naming the store at `path`.
void CreateOrUpgradeSchema(sqlite3* db, int from_version, const std::string& path);

}  // namespace recon::store
