#pragma once
// "Have we seen this key among the last W trades?" in bounded memory: a ring of the last W key hashes plus a
// count per hash. Used for duplicate-booking features; the window keeps memory flat on any file size.
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace recon::features {

class RecentKeys {
 public:
  explicit RecentKeys(std::size_t window) : ring_(window, 0), used_(window, false) {}
  /// True if `key` is among the last W keys; then records it.
  bool SeenThenAdd(std::uint64_t key) {
    const auto found = counts_.find(key);
    const bool seen = found != counts_.end() && found->second > 0;
    if (used_[next_]) {
      const auto evicted = counts_.find(ring_[next_]);
      if (--evicted->second == 0) counts_.erase(evicted);
    }
    ring_[next_] = key;
    used_[next_] = true;
    ++counts_[key];
    next_ = (next_ + 1) % ring_.size();
    return seen;
  }

 private:
  std::vector<std::uint64_t> ring_;
  std::vector<bool> used_;
  std::unordered_map<std::uint64_t, std::uint32_t> counts_;
  std::size_t next_ = 0;
};

}  // namespace recon::features
