#pragma once
// The approximate phase of the blocked all-neighbours search (lof/all_neighbours.cpp): lower bounds on distances
// computed in single precision from mean-centred coordinates, with a bound on their rounding error, from a group of
// four queries to a block of 64 points, and for each query a bit per point whose bound is within its current admit
// (lof/candidate_list.hpp); the points they admit are then measured exactly. Sixteen points by four queries per
// pass, their sums in registers across all coordinates, so that one load of a point's coordinate serves four
// queries. (Tried for a KD-tree's leaves too, one query at a time: no faster than measuring them exactly.)
//
// IMPLEMENTATION DECISIONS: written with AVX2 and FMA intrinsics, chosen at run time where the processor has them,
// beside a portable version. The bit per point is one movemask instruction per eight points; the compiler's vector
// extensions have no portable form of it, and extracting lanes one by one cost more than the multiply-adds. Only
// the bounds' rounding differs between the two versions (within the error bound the caller allows for), so the
// search's result, measured exactly afterwards, is the same on either.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "recon/models/lof/metric.hpp"

namespace recon::models {

inline constexpr std::size_t kGroupQueries = 4;
inline constexpr std::size_t kBlockPoints = 64;

/// What the kernel reads: the points column by column in single precision (`stride` values per column, mean-centred),
/// their norms (squared Euclidean or Manhattan), and the group's queries prepared for the metric: Euclidean, the
/// expansion |q|^2 + |p|^2 - 2 q.p, with `coordinates` holding -2 q (dims x kGroupQueries) and `starts`
/// |q|^2 (1 - relative); Manhattan, sum |p - q|, with `coordinates` holding q and `starts` -|q|_1 relative. Both
/// minus the rounding bound relative * (|q| + |p|).
struct GroupBoundsInput {
  const float* columns = nullptr;
  std::size_t stride = 0;
  std::size_t dims = 0;
  const float* norms = nullptr;
  Metric metric = Metric::kEuclidean;
  const float* coordinates = nullptr;
  const float* starts = nullptr;
  float relative = 0.0F;
};

/// Bounds from the group to the kBlockPoints points at `begin` into out[query * kBlockPoints + point], and into
/// masks[query] a bit per point whose bound is at most admit[query].
using GroupBoundsKernel = void (*)(const GroupBoundsInput& input, std::size_t begin, const float* admit, float* out,
                                   std::uint64_t* masks);

/// Writes to `positions` the indices of the values[0, size) that are at most `limit` (not-a-number ones never are),
/// in order, and returns how many: a gather of a query's candidates from its bounds. `size` is a multiple of 8, and
/// `positions` has room for size + 8 (the AVX2 version stores eight at a time, those past the count unspecified).
using WithinKernel = std::size_t (*)(const float* values, std::size_t size, float limit, std::uint32_t* positions);

/// The AVX2 kernel where the processor runs it, else the portable one.
GroupBoundsKernel SelectGroupBoundsKernel();
WithinKernel SelectWithinKernel();
/// The portable kernels (for tests: both must lead to the same neighbours).
WithinKernel PortableWithinKernel();
GroupBoundsKernel PortableGroupBoundsKernel();

/// The `relative` bound on the rounding of a bound in `dims` dimensions: a dot product of d terms, two norms and a
/// few additions in single precision (and the centred coordinates' own rounding), all bounded by |q| + |p|;
/// generously, so that it only admits more points to the exact measure.
inline float RelativeRoundingBound(std::size_t dims) {
  return static_cast<float>((2.0 * static_cast<double>(dims) + 16.0) * 0x1.0p-23);
}

/// An upper bound on a distance from its lower bound: plus twice the error bound, and once more for this sum's own
/// rounding.
inline float UpperBound(float lower, float relative, float query_norm, float point_norm) {
  return lower + 3.0F * relative * (query_norm + point_norm);
}

/// How many of values[0, size) are at most `limit` (not-a-number ones never are): branch-free, in 32-bit lanes (eight
/// per AVX2 instruction where the caller is compiled for it).
inline unsigned CountWithin(const float* values, std::size_t size, float limit) {
  unsigned within = 0;
  for (std::size_t idx = 0; idx < size; ++idx) within += static_cast<unsigned>(values[idx] <= limit);
  return within;
}

/// A bound with at least `count` of values[0, size) within it, bisecting [low, high] `bisections` times (`high` must
/// have `count` within it): within 2^-bisections of the bracket above the count-th smallest value. Counting beats
/// sorting or selecting here: those mispredict a branch per value.
inline float BisectCounted(const float* values, std::size_t size, std::size_t count, float low, float high,
                           int bisections) {
  for (int step = 0; step < bisections && low < high; ++step) {
    const float middle = low + (high - low) * 0.5F;
    if (CountWithin(values, size, middle) >= count) {
      high = middle;
    } else {
      low = middle;
    }
  }
  return high;
}

/// The smallest float at least `value` (at most the largest finite float, which padding points' bounds exceed).
inline float AtLeast(double value) {
  float rounded = static_cast<float>(value);
  if (static_cast<double>(rounded) < value) rounded = std::nextafter(rounded, std::numeric_limits<float>::infinity());
  return std::min(rounded, std::numeric_limits<float>::max());
}

}  // namespace recon::models
