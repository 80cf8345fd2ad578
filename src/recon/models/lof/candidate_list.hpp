#pragma once
// The points that may be among one query's `count` nearest, gathered from approximate distances
// (lof/approximate_bounds.hpp) before any is measured exactly: each with a lower and an upper bound on its distance,
// admitted while its lower bound is within `Admit()`, a bound on the query's count-th distance (at least `count`
// candidates have an upper bound within it). Candidates are appended as they come; every `count` new ones the bound
// is tightened to within 1/256 of the count-th smallest upper bound and the candidates beyond it dropped, by a
// bisection on counts. A sorted insertion or a selection (nth_element) mispredicts a branch per element, which cost
// more than all the distance arithmetic.
//
// Every point whose distance is within the final count-th distance had its lower bound within every bound in force
// on the way, so it is still a candidate at the end: measuring the candidates exactly finds the exact neighbours.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "recon/models/lof/approximate_bounds.hpp"

namespace recon::models {

class CandidateList {
 public:
  void Reset() {
    admit_ = std::numeric_limits<float>::max();
    size_ = kept_ = 0;
    bisected_ = 0;
  }

  float Admit() const { return admit_; }
  std::size_t Size() const { return size_; }
  float Lower(std::size_t idx) const { return lowers_[idx]; }
  std::uint32_t Position(std::size_t idx) const { return positions_[idx]; }

  void Add(float lower, float upper, std::uint32_t position) {
    if (size_ == lowers_.size()) {
      const std::size_t grown = std::max<std::size_t>(2 * size_, kInitialCapacity);
      lowers_.resize(grown);
      uppers_.resize(grown);
      positions_.resize(grown);
    }
    lowers_[size_] = lower;
    uppers_[size_] = upper;
    positions_[size_] = position;
    ++size_;
  }

  /// Tightens once `every` candidates have come in since the last time.
  void TightenEvery(std::size_t count, std::size_t every) {
    if (size_ >= kept_ + every) Tighten(count, kBisections);
  }

  /// Lowers the bound to within 2^-bisections above the count-th smallest upper bound (when there are `count`
  /// candidates) and drops the candidates whose lower bound is beyond it. On the way, 1/256 is enough; before the
  /// candidates are measured exactly, more halvings (each a pass over a few dozen bounds) spare exact measures.
  void Tighten(std::size_t count, int bisections = kFinalBisections) {
    if (size_ < count || (size_ == kept_ && bisected_ >= bisections)) return;  // nothing new to gain
    admit_ = std::min(admit_, CountedBound(uppers_.data(), size_, count, admit_, bisections));
    bisected_ = bisections;
    std::size_t written = 0;
    for (std::size_t idx = 0; idx < size_; ++idx) {
      lowers_[written] = lowers_[idx];
      uppers_[written] = uppers_[idx];
      positions_[written] = positions_[idx];
      written += static_cast<std::size_t>(lowers_[idx] <= admit_);
    }
    size_ = kept_ = written;
  }

 private:
  static constexpr int kBisections = 8;
  static constexpr int kFinalBisections = 16;
  static constexpr std::size_t kInitialCapacity = 64;

  /// A bound with at least `count` of the `points` upper bounds within it, within 2^-bisections of the range above
  /// the count-th smallest: a bisection on [0, high] (distances are not negative), `high` being the current bound
  /// when finite (it must have `count` within it), else the largest upper bound.
  static float CountedBound(const float* uppers, std::size_t points, std::size_t count, float high, int bisections) {
    if (high == std::numeric_limits<float>::max()) {
      float largest[4] = {0.0F, 0.0F, 0.0F, 0.0F};
      for (std::size_t idx = 0; idx < points; ++idx) largest[idx % 4] = std::max(largest[idx % 4], uppers[idx]);
      high = std::max(std::max(largest[0], largest[1]), std::max(largest[2], largest[3]));
    }
    return BisectCounted(uppers, points, count, 0.0F, high, bisections);
  }

  float admit_ = std::numeric_limits<float>::max();
  std::size_t size_ = 0;
  std::size_t kept_ = 0;  // size after the last tightening
  int bisected_ = 0;      // and how finely it bisected
  std::vector<float> lowers_;
  std::vector<float> uppers_;
  std::vector<std::uint32_t> positions_;
};

}  // namespace recon::models
