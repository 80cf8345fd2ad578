#pragma once
// Our own PRNG and transforms: std::*_distribution differs between standard libraries, and results must be
// identical on every platform and thread count. splitmix64 seeds xoshiro256++ (Blackman & Vigna, 2018).
#include <cmath>
#include <cstdint>

namespace recon {

/// splitmix64 step: a good 64-bit mixer, used to expand seeds.
inline std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Seed for sub-stream `stream_idx` of `seed` (tree, init, chunk...), so work split over threads draws the same
/// numbers.
inline std::uint64_t DeriveSeed(std::uint64_t seed, std::uint64_t stream_idx) {
  std::uint64_t state = seed ^ (0xd1b54a32d192ed03ULL * (stream_idx + 1));
  SplitMix64(state);
  return SplitMix64(state);
}

/// xoshiro256++ generator with uniform helpers.
class Random {
 public:
  explicit Random(std::uint64_t seed) {
    std::uint64_t state = seed;
    for (auto& word : state_) word = SplitMix64(state);
  }

  /// Next raw 64-bit value.
  std::uint64_t Next() {
    const std::uint64_t result = Rotl(state_[0] + state_[3], 23) + state_[0];
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double Uniform01() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  /// Uniform double in [low, high).
  double Uniform(double low, double high) { return low + (high - low) * Uniform01(); }

  /// Uniform integer in [0, bound), bound > 0 (Lemire's multiply-shift, rejection for exactness).
  std::uint64_t Below(std::uint64_t bound) {
    __uint128_t product = static_cast<__uint128_t>(Next()) * bound;
    auto low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        product = static_cast<__uint128_t>(Next()) * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

  /// Standard normal deviate (Marsaglia's polar method: square roots and a logarithm, no trigonometry).
  double Normal() {
    while (true) {
      const double u = 2.0 * Uniform01() - 1.0;
      const double v = 2.0 * Uniform01() - 1.0;
      const double s = u * u + v * v;
      if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
    }
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

}  // namespace recon
