#pragma once
// The verdicts of stored anomalies, by natural key, kept in memory for trades posted again (client retries,
// replayed streams, the peer's benchmark posting one trade over and over). Without it every repeat costs an
// SQLite read transaction: a handful of fcntl lock system calls and a B-tree search (with one trade posted over
// and over, fcntl alone was 4% of the server's CPU, and repeats ran at 43% of /health's rate instead of 50-52%).
//
// IMPLEMENTATION DECISIONS:
// - Bounded with two generations instead of an LRU list: entries go into the current map; when it holds half
//   the capacity it becomes the previous map (the older one is dropped) and a hit there moves the entry back.
//   Recently used verdicts survive, the memory bound is exact, and a lookup is a hash probe under a shared lock.
// - Writers of a verdict (feedback) erase it; a reader that fetched a verdict from the store offers it with the
//   epoch it read before fetching, and the offer is refused when anything was erased since (it may be stale).
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "recon/store/store.hpp"

namespace recon::service {

class VerdictCache {
 public:
  /// Holds at most `capacity` verdicts (at least 2).
  explicit VerdictCache(std::size_t capacity);

  /// The stored verdict of `natural_key`, when cached.
  std::optional<store::StoredAnomaly> Find(const std::string& natural_key);
  /// The epoch to pass to Offer for a verdict about to be read from the store.
  std::uint64_t Epoch() const;
  /// Caches a verdict read from (or just written to) the store, unless something was erased since `epoch`.
  void Offer(const store::StoredAnomaly& verdict, std::uint64_t epoch);
  /// Forgets the verdict of `natural_key` (its status or ticket is changing).
  void Erase(const std::string& natural_key);
  /// Forgets every verdict (the store was changed by another process).
  void Clear();
  /// Verdicts held now.
  std::size_t Size() const;

 private:
  using Map = std::unordered_map<std::string, store::StoredAnomaly>;
  void InsertLocked(const std::string& natural_key, store::StoredAnomaly verdict);

  const std::size_t generation_capacity_;
  mutable std::shared_mutex mutex_;
  Map current_;
  Map previous_;
  std::uint64_t epoch_ = 0;
};

}  // namespace recon::service
