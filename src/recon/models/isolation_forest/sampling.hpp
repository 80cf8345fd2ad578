#pragma once
#include <cstdint>
#include <vector>

#include "recon/core/random.hpp"

namespace recon::models {

/// Floyd's algorithm: `count` distinct indices of [0, population), deterministic for a given generator. The
/// sub-sample of each isolation tree.
inline std::vector<std::uint32_t> SampleWithoutReplacement(std::size_t population, std::size_t count,
                                                           Random& random) {
  std::vector<bool> taken(population, false);
  std::vector<std::uint32_t> sample;
  sample.reserve(count);
  for (std::size_t upper = population - count; upper < population; ++upper) {
    auto pick = static_cast<std::size_t>(random.Below(upper + 1));
    if (taken[pick]) pick = upper;
    taken[pick] = true;
    sample.push_back(static_cast<std::uint32_t>(pick));
  }
  return sample;
}

}  // namespace recon::models
