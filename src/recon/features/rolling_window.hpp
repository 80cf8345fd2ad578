#pragma once
// Mean and sample standard deviation of the last N values, recomputed over the window (N is small) rather than
// from running sums, which lose precision when amounts reach 1e9.
#include <cmath>
#include <cstddef>
#include <vector>

namespace recon::features {

/// Statistics of a window, excluding the value about to be pushed.
struct WindowStats {
  double mean = 0.0;
  double std = 0.0;  ///< sample std (ddof = 1); 0 with fewer than two values
};

class RollingWindow {
 public:
  explicit RollingWindow(std::size_t capacity) : values_(capacity, 0.0) {}
  /// Stats over the values currently held.
  WindowStats Stats() const {
    WindowStats stats;
    if (count_ == 0) return stats;
    double sum = 0.0;
    for (std::size_t idx = 0; idx < count_; ++idx) sum += values_[idx];
    stats.mean = sum / static_cast<double>(count_);
    if (count_ < 2) return stats;
    double squares = 0.0;
    for (std::size_t idx = 0; idx < count_; ++idx) squares += (values_[idx] - stats.mean) * (values_[idx] - stats.mean);
    stats.std = std::sqrt(squares / static_cast<double>(count_ - 1));
    return stats;
  }
  /// Adds a value, evicting the oldest when full.
  void Push(double value) {
    values_[next_] = value;
    next_ = (next_ + 1) % values_.size();
    if (count_ < values_.size()) ++count_;
  }
  std::size_t Count() const { return count_; }

 private:
  std::vector<double> values_;
  std::size_t next_ = 0;
  std::size_t count_ = 0;
};

}  // namespace recon::features
