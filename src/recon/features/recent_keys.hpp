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
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t count = 0;  // 0 = empty slot
  };
  std::size_t Home(std::uint64_t key) const { return static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ULL) >> shift_); }
  std::size_t Find(std::uint64_t key) const;
  void Decrement(std::uint64_t key);

  std::vector<std::uint64_t> ring_;
  std::size_t ring_next_ = 0;
  std::size_t ring_used_ = 0;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 0;
};

}  // namespace recon::features
