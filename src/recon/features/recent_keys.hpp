#pragma once
// "Have we seen this key among the last W trades?" in bounded memory: a ring of the last W key hashes plus a
// count per key in an open-addressing table (linear probing, backward-shift deletion). A node-based map was the
// top cost of feature preparation: one allocation and a cache miss per trade.
#include <cstdint>
#include <vector>

namespace recon::features {

class RecentKeys {
 public:
  explicit RecentKeys(std::size_t window);
  /// True if `key` is among the last W keys; then records it.
  bool SeenThenAdd(std::uint64_t key) { return CountThenAdd(key) > 0; }
  /// How many of the last W keys equal `key`; then records it.
  std::uint32_t CountThenAdd(std::uint64_t key);

 private:
  // 8-byte slots keep the table in L2: a slot holds the upper 32 bits of the (already mixed) key as its tag.
  // Lookups compare tags only along one short probe sequence, so a false match has odds of about 2^-32 per
  // comparison: negligible next to the 64-bit hash collisions the keys already accept.
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t count = 0;  // 0 = empty slot
  };
  static std::uint32_t TagOf(std::uint64_t key) { return static_cast<std::uint32_t>(Mix(key) >> 32); }
  static std::uint64_t Mix(std::uint64_t key) { return key * 0x9e3779b97f4a7c15ULL; }
  std::size_t Home(std::uint32_t tag) const { return static_cast<std::size_t>(tag >> shift_); }
  std::size_t Find(std::uint32_t tag) const;
  void Decrement(std::uint32_t tag);

  std::vector<std::uint32_t> ring_;
  std::size_t ring_next_ = 0;
  std::size_t ring_used_ = 0;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 0;
};

}  // namespace recon::features
