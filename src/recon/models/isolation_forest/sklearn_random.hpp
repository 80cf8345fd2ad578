#pragma once
// The random streams scikit-learn's IsolationForest draws from, reproduced so that recon grows the same trees for
// the same seed (random_state): numpy's legacy RandomState (MT19937 with Matsumoto's integer seeding; bounded
// integers by masked rejection, as numpy keeps for backward compatibility) for the per-tree seeds and the row
// sub-samples, and the 32-bit xorshift of scikit-learn's tree splitter (sklearn/tree/_utils.pyx, our_rand_r) for
// the split features and thresholds. Results can then be checked against scikit-learn tree by tree
// (tests/unit/models/sklearn_iforest_test.cpp).
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

namespace recon::models {

/// numpy.random.RandomState(seed), for the draws scikit-learn's bagging makes.
class NumpyRandomState {
 public:
  /// The standard engine's seeding is MT19937's init_genrand, which numpy's legacy seeding of an integer also uses.
  explicit NumpyRandomState(std::uint32_t seed) : engine_(seed) {}

  std::uint32_t NextUint32() { return static_cast<std::uint32_t>(engine_()); }

  /// randint(high): uniform in [0, high) for 0 < high <= 2^32, by numpy's masked rejection.
  std::uint32_t RandInt(std::uint64_t high) { return Interval(high - 1); }

  /// numpy's random_interval: uniform in [0, max] (max < 2^32), the smallest all-ones mask then rejection.
  std::uint32_t Interval(std::uint64_t max) {
    if (max == 0) return 0;
    std::uint64_t mask = max;
    for (int shift = 1; shift <= 16; shift *= 2) mask |= mask >> shift;
    std::uint64_t value = 0;
    do {
      value = NextUint32() & mask;
    } while (value > max);
    return static_cast<std::uint32_t>(value);
  }

  /// permutation(n): numpy's legacy Fisher-Yates shuffle of 0..n-1, from the last position down.
  std::vector<std::uint32_t> Permutation(std::uint32_t n) {
    std::vector<std::uint32_t> values(n);
    std::iota(values.begin(), values.end(), 0U);
    for (std::uint32_t pos = n > 0 ? n - 1 : 0; pos > 0; --pos) std::swap(values[pos], values[Interval(pos)]);
    return values;
  }

 private:
  // std::mt19937 with 32-bit words: the standard alias keeps its state in uint_fast32_t, 64 bits on x86-64, which
  // doubles the work of seeding and refilling the 624-word state (three states per tree).
  using Mt19937 = std::mersenne_twister_engine<std::uint32_t, 32, 624, 397, 31, 0x9908b0df, 11, 0xffffffff, 7,
                                               0x9d2c5680, 15, 0xefc60000, 18, 1812433253>;
  Mt19937 engine_;
};

/// scikit-learn's tree-splitter generator: a 32-bit xorshift whose state is seeded by one RandomState draw.
class SklearnTreeRandom {
 public:
  static constexpr std::uint32_t kRandRMax = 0x7FFFFFFF;

  explicit SklearnTreeRandom(std::uint32_t state) : state_(state) {}

  /// our_rand_r: uniform in [0, kRandRMax].
  std::uint32_t Next() {
    if (state_ == 0) state_ = 1;  // xorshift never leaves zero
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_ % (kRandRMax + 1U);
  }

  /// rand_int: in [low, high).
  std::size_t Int(std::size_t low, std::size_t high) { return low + Next() % (high - low); }

  /// rand_uniform: in [low, high], both ends possible.
  double Uniform(double low, double high) {
    return (high - low) * static_cast<double>(Next()) / static_cast<double>(kRandRMax) + low;
  }

 private:
  std::uint32_t state_;
};

}  // namespace recon::models
