#include "recon/features/recent_keys.hpp"

namespace recon::features {

// The ring holds W + 1 keys so the oldest can be evicted before the lookup, leaving exactly the last W keys to
// check: one probe then serves both the lookup and the increment.
RecentKeys::RecentKeys(std::size_t window) : ring_((window == 0 ? 1 : window) + 1, 0) {
  std::size_t capacity = 16;
  int bits = 4;
  while (capacity < 2 * ring_.size()) {
    capacity <<= 1;
    ++bits;
  }
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  shift_ = 32 - bits;
}

std::size_t RecentKeys::Find(std::uint32_t tag) const {
  std::size_t slot = Home(tag);
  while (slots_[slot].count != 0) {
    if (slots_[slot].tag == tag) return slot;
    slot = (slot + 1) & mask_;
  }
  return slot;  // the empty slot where the key would go
}

void RecentKeys::Decrement(std::uint32_t tag) {
  std::size_t hole = Find(tag);
  if (--slots_[hole].count > 0) return;
  // Backward-shift deletion keeps every probe chain unbroken without tombstones.
  slots_[hole] = Slot{};
  std::size_t next = (hole + 1) & mask_;
  while (slots_[next].count != 0) {
    const std::size_t home = Home(slots_[next].tag);
    // Move the entry back if its home is not in the cyclic range (hole, next].
    const bool stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (!stays) {
      slots_[hole] = slots_[next];
      slots_[next] = Slot{};
      hole = next;
    }
    next = (next + 1) & mask_;
  }
}

std::uint32_t RecentKeys::CountThenAdd(std::uint64_t key) {
  if (ring_used_ == ring_.size()) {
    Decrement(ring_[ring_next_]);  // the key W + 1 places back leaves the window
  } else {
    ++ring_used_;
  }
  const std::uint32_t tag = TagOf(key);
  Slot& slot = slots_[Find(tag)];
  const std::uint32_t seen = slot.count;
  slot.tag = tag;
  ++slot.count;
  ring_[ring_next_] = tag;
  ring_next_ = (ring_next_ + 1) % ring_.size();
  return seen;
}

}  // namespace recon::features
