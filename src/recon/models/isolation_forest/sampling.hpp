#pragma once
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "recon/core/random.hpp"
#include "recon/models/isolation_forest/sklearn_random.hpp"

namespace recon::models {

/// Floyd's algorithm: `count` distinct indices of [0, population), deterministic for a given generator. The
/// sub-sample of each extended isolation tree.
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

/// scikit-learn's sample_without_replacement(population, count, method="auto"), with which its bagging draws each
/// isolation tree's rows: the first `count` of a permutation when count / population lies in (0.01, 0.99),
/// otherwise tracking selection (ratio below 0.2) or reservoir sampling. Population at most 2^32.
inline std::vector<std::uint32_t> SampleLikeScikitLearn(std::size_t population, std::size_t count,
                                                        NumpyRandomState& random) {
  const double ratio = population == 0 ? 1.0 : static_cast<double>(count) / static_cast<double>(population);
  if (ratio > 0.01 && ratio < 0.99) {
    std::vector<std::uint32_t> sample = random.Permutation(static_cast<std::uint32_t>(population));
    sample.resize(count);
    return sample;
  }
  std::vector<std::uint32_t> sample;
  if (ratio < 0.2) {
    std::unordered_set<std::uint32_t> selected;
    selected.reserve(count);
    sample.reserve(count);
    for (std::size_t drawn = 0; drawn < count; ++drawn) {
      std::uint32_t pick = random.RandInt(population);
      while (!selected.insert(pick).second) pick = random.RandInt(population);
      sample.push_back(pick);
    }
    return sample;
  }
  sample.resize(count);
  for (std::size_t idx = 0; idx < count; ++idx) sample[idx] = static_cast<std::uint32_t>(idx);
  for (std::size_t idx = count; idx < population; ++idx) {
    const std::uint32_t slot = random.RandInt(idx + 1);
    if (slot < count) sample[slot] = static_cast<std::uint32_t>(idx);
  }
  return sample;
}

}  // namespace recon::models
