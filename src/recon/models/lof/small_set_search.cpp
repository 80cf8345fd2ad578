#include "recon/models/lof/small_set_search.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "recon/core/parallel.hpp"
#include "recon/core/vector_clones.hpp"
#include "recon/models/lof/approximate_bounds.hpp"
#include "recon/models/lof/exact_scan.hpp"

namespace recon::models {
namespace {

constexpr float kLargest = std::numeric_limits<float>::max();
// A query's first guess at its bound is the k-th distance of the query kGroupQueries before it (in spatial order,
// usually near) times kGuessFactor; it grows by kGrowth while fewer than k bounds are within it, and is halved
// towards the k-th bound while more than kNarrowTo x k are (each a branch-free pass over all bounds), then
// bisected kFinalBisections times over the points it gathered. Measured on ionosphere and breastw: guesses of 1.5x,
// growth of 2x, narrowing to 3x or 4x k all within 3% of these; 12 final bisections 3% slower, 6 no faster.
constexpr double kGuessFactor = 1.25;
constexpr float kGrowth = 4.0F;
constexpr unsigned kNarrowTo = 2;
constexpr int kMaxNarrowing = 24;
constexpr int kFinalBisections = 8;

// Per thread, reused from group to group: the guesses carry over.
struct Scratch {
  std::vector<float> coordinates;         // dims x kGroupQueries, prepared for the bounds kernel
  std::vector<float> lowers;              // kGroupQueries x padded_rows: every bound of the group
  std::vector<std::uint32_t> candidates;  // positions; room for the compress's 8-wide stores past the last
  std::vector<float> candidate_lowers;
  std::vector<double> distances;  // MeasureAndRank's scratch (blocked_layout.hpp)
  std::vector<double> rows;
  std::vector<Neighbour> list;
  float guesses[kGroupQueries];

  Scratch(const BlockedLayout& layout, std::size_t count)
      : coordinates(layout.dims * kGroupQueries),
        lowers(kGroupQueries * layout.padded_rows),
        candidates(layout.padded_rows + 8),
        candidate_lowers(layout.padded_rows),
        distances(layout.padded_rows + kScanLanes),
        rows(layout.padded_rows + kScanLanes),
        list(count) {
    std::fill(std::begin(guesses), std::end(guesses), kLargest);
  }
};

// value + addend rounded up (at least their exact sum), at most the largest float: a bound never admits the
// padding points, whose bounds are infinite.
float SumRoundedUp(float value, float addend) {
  const float sum = value + addend;
  if (!(sum < kLargest)) return kLargest;
  return std::nextafter(sum, std::numeric_limits<float>::infinity());
}

// A bound `high` with at least `count` of the query's bounds within it, near the count-th: from the guess, grown
// while short, halved towards `low` (which has fewer within) while it holds many more. `high` is the largest float
// when fewer than `count` bounds are numbers. Inlined into SearchGroup, so its counting passes take the AVX2 clone's
// vector width.
[[gnu::always_inline]] inline void BracketCountTh(const float* lowers, std::size_t padded, std::size_t count,
                                                  float guess, float& low, float& high, unsigned& within) {
  low = 0.0F;
  high = guess;
  if (high == kLargest) {
    high = 0.0F;
    for (std::size_t pos = 0; pos < padded; ++pos) high = std::max(high, lowers[pos] <= kLargest ? lowers[pos] : 0.0F);
  }
  within = CountWithin(lowers, padded, high);
  if (within < count && CountWithin(lowers, padded, kLargest) < count) {
    high = kLargest;
    within = CountWithin(lowers, padded, high);
    return;
  }
  while (within < count) {
    low = high;
    high = high < kLargest / kGrowth ? std::max(high * kGrowth, std::numeric_limits<float>::min()) : kLargest;
    within = CountWithin(lowers, padded, high);
  }
  for (int step = 0; step < kMaxNarrowing && within > kNarrowTo * count && low < high; ++step) {
    const float middle = low + (high - low) * 0.5F;
    const unsigned at_middle = CountWithin(lowers, padded, middle);
    if (at_middle >= count) {
      high = middle;
      within = at_middle;
    } else {
      low = middle;
    }
  }
}

// The `count` nearest points to each of the (up to kGroupQueries) queries at positions [first, first + queries),
// each list handed to `sink`. Every point whose lower bound is within the count-th smallest lower bound plus the
// rounding bound (at least the count-th distance) is measured exactly: the same lists as an exhaustive search.
RECON_APPROXIMATE_CLONES void SearchGroup(const BlockedLayout& layout, GroupBoundsKernel kernel, WithinKernel gather,
                                          std::size_t first, std::size_t queries, std::size_t count, Scratch& scratch,
                                          const NeighbourSink& sink) {
  const std::size_t padded = layout.padded_rows;
  const float relative = RelativeRoundingBound(layout.dims);
  std::size_t positions[kGroupQueries];
  float norms[kGroupQueries];
  for (std::size_t slot = 0; slot < kGroupQueries; ++slot) {
    // Missing queries of a short group repeat the last one, and are not reported.
    positions[slot] = first + std::min(slot, queries - 1);
    norms[slot] = layout.norms[positions[slot]];
  }
  float starts[kGroupQueries];
  const GroupBoundsInput input = GroupInput(layout, positions, scratch.coordinates.data(), starts);
  const float no_limit[kGroupQueries] = {kLargest, kLargest, kLargest, kLargest};  // the kernel's bits go unused
  float bounds[kGroupQueries * kBlockPoints];
  std::uint64_t unused_bits[kGroupQueries];
  for (std::size_t begin = 0; begin < padded; begin += kBlockPoints) {
    kernel(input, begin, no_limit, bounds, unused_bits);
    for (std::size_t slot = 0; slot < kGroupQueries; ++slot) {
      std::memcpy(&scratch.lowers[slot * padded + begin], &bounds[slot * kBlockPoints], sizeof(float) * kBlockPoints);
    }
  }
  std::uint32_t* candidates = scratch.candidates.data();
  float* candidate_lowers = scratch.candidate_lowers.data();
  for (std::size_t slot = 0; slot < queries; ++slot) {
    const float* lowers = &scratch.lowers[slot * padded];
    // Bounds every point's upper bound less its lower (UpperBound, lof/approximate_bounds.hpp, with the largest norm).
    const float slack = 3.0F * relative * (norms[slot] + layout.max_norm);
    float low = 0.0F;
    float high = 0.0F;
    unsigned within = 0;
    BracketCountTh(lowers, padded, count, scratch.guesses[slot], low, high, within);
    std::size_t size = gather(lowers, padded, within >= count ? SumRoundedUp(high, slack) : kLargest, candidates);
    if (within >= count) {
      for (std::size_t idx = 0; idx < size; ++idx) candidate_lowers[idx] = lowers[candidates[idx]];
      high = BisectCounted(candidate_lowers, size, count, low, high, kFinalBisections);
      // At least count points have lower bounds within `high`, so distances within `admit`: the count-th distance
      // is within it, and every point as near has its lower bound within it too.
      const float admit = SumRoundedUp(high, slack);
      std::size_t kept = 0;
      for (std::size_t idx = 0; idx < size; ++idx) {
        candidates[kept] = candidates[idx];
        kept += static_cast<std::size_t>(candidate_lowers[idx] <= admit);
      }
      size = kept;
    }
    Neighbour* list = scratch.list.data();
    MeasureAndRank(layout, positions[slot], candidates, size, count, scratch.distances.data(), scratch.rows.data(),
                   list);
    const double kth = list[count - 1].distance;  // not a number when the list ends in unknown distances
    scratch.guesses[slot] = kth > 0.0 && kth < kLargest ? AtLeast(kth * kGuessFactor) : kLargest;
    for (std::size_t idx = 0; idx < count; ++idx)
      list[idx].distance = DistanceFromRanked(list[idx].distance, layout.metric);
    sink(layout.original[positions[slot]], static_cast<std::uint32_t>(positions[slot]), scratch.list);
  }
}

}  // namespace

void SearchSmallSet(const BlockedLayout& layout, std::size_t count, unsigned threads, const NeighbourSink& sink) {
  if (count == 0 || layout.rows == 0) return;
  const GroupBoundsKernel kernel = SelectGroupBoundsKernel();
  const WithinKernel gather = SelectWithinKernel();
  const std::size_t groups = (layout.rows + kGroupQueries - 1) / kGroupQueries;
  std::atomic<std::size_t> next_group{0};
  // Each thread claims one group at a time and keeps its scratch and guesses throughout: a guess decides only how
  // fast a query is answered, never its answer, so the lists do not depend on which thread took which group.
  ParallelFor(threads, 1, threads, [&](std::size_t, std::size_t) {
    Scratch scratch(layout, count);
    try {
      for (std::size_t group = next_group++; group < groups; group = next_group++) {
        const std::size_t first = group * kGroupQueries;
        SearchGroup(layout, kernel, gather, first, std::min(kGroupQueries, layout.rows - first), count, scratch, sink);
      }
    } catch (...) {
      next_group = groups;  // the other threads stop at their next claim
      throw;
    }
  });
}

}  // namespace recon::models
