#include "recon/service/verdict_cache.hpp"

#include <algorithm>
#include <mutex>

namespace recon::service {

VerdictCache::VerdictCache(std::size_t capacity) : generation_capacity_(std::max<std::size_t>(capacity / 2, 1)) {}

std::optional<store::StoredAnomaly> VerdictCache::Find(const std::string& natural_key) {
  {
    std::shared_lock lock(mutex_);
    if (const auto found = current_.find(natural_key); found != current_.end()) return found->second;
    if (previous_.find(natural_key) == previous_.end()) return std::nullopt;
  }
  std::unique_lock lock(mutex_);  // found in the previous generation: move it back to the current one
  if (const auto found = current_.find(natural_key); found != current_.end()) return found->second;
  const auto found = previous_.find(natural_key);
  if (found == previous_.end()) return std::nullopt;
  store::StoredAnomaly verdict = std::move(found->second);
  previous_.erase(found);
  InsertLocked(natural_key, verdict);
  return verdict;
}

std::uint64_t VerdictCache::Epoch() const {
  std::shared_lock lock(mutex_);
  return epoch_;
}

void VerdictCache::Offer(const store::StoredAnomaly& verdict, std::uint64_t epoch) {
  std::unique_lock lock(mutex_);
  if (epoch != epoch_) return;
  InsertLocked(verdict.record.natural_key, verdict);
}

void VerdictCache::Erase(const std::string& natural_key) {
  std::unique_lock lock(mutex_);
  ++epoch_;
  current_.erase(natural_key);
  previous_.erase(natural_key);
}

void VerdictCache::Clear() {
  std::unique_lock lock(mutex_);
  ++epoch_;
  current_.clear();
  previous_.clear();
}

std::size_t VerdictCache::Size() const {
  std::shared_lock lock(mutex_);
  return current_.size() + previous_.size();
}

void VerdictCache::InsertLocked(const std::string& natural_key, store::StoredAnomaly verdict) {
  previous_.erase(natural_key);
  if (current_.size() >= generation_capacity_ && current_.find(natural_key) == current_.end()) {
    previous_ = std::move(current_);
    current_ = Map{};
  }
  current_.insert_or_assign(natural_key, std::move(verdict));
}

}  // namespace recon::service
