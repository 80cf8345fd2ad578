#include "recon/models/lof/all_neighbours.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "recon/core/distance.hpp"
#include "recon/core/parallel.hpp"
#include "recon/core/vector_clones.hpp"
#include "recon/models/lof/approximate_bounds.hpp"
#include "recon/models/lof/blocked_layout.hpp"
#include "recon/models/lof/candidate_list.hpp"
#include "recon/models/lof/exact_scan.hpp"
#include "recon/models/lof/kd_tree.hpp"
#include "recon/models/lof/small_set_search.hpp"

namespace recon::models {
namespace {

// The blocked searches beat the KD-tree from 9 dimensions whatever the size (the small-set search takes sets of up
// to 2,048 points); below, the tree wins on the clustered, discrete-valued sets. The measurements behind this
// threshold are in bench/RESULTS.md, "LOF: blocked search against the tree".
constexpr std::size_t kMinBlockedDims = 9;
// Below this much work a second thread costs more than it saves (measured: ionosphere, 4.5e6, 1.26 -> 0.78 ms).
constexpr double kSerialBelowWork = 2.0e6;
constexpr std::size_t kQueriesPerBlock = 64;
constexpr std::size_t kPointsPerBlock = kBlockPoints;  // points per block (bounding box, spatial-order leaf)
// Blocks visited first, nearest centre first; the rest in spatial order (sorting them all cost 14% on annthyroid).
constexpr std::size_t kNearestBlocksFirst = 8;

// Distances (squared Euclidean, or Manhattan) from the query to every block's bounding box (lower bounds for the
// points in them), and, unless `centres` is null, to the box's centre (an estimate of how near its points are, for
// the order of visits: only the group's first query needs it).
RECON_APPROXIMATE_CLONES void BoxDistances(const BlockedLayout& layout, const float* query, float* out,
                                           float* centres) {
  const std::size_t blocks = layout.Blocks();
  const bool manhattan = layout.metric == Metric::kManhattan;
  std::fill(out, out + blocks, 0.0F);
  if (centres != nullptr) std::fill(centres, centres + blocks, 0.0F);
  for (std::size_t dim = 0; dim < layout.dims; ++dim) {
    const float* low = &layout.box_low[dim * blocks];
    const float* high = &layout.box_high[dim * blocks];
    const float coordinate = query[dim];
    for (std::size_t block = 0; block < blocks; ++block) {
      const float gap = std::max(std::max(low[block] - coordinate, coordinate - high[block]), 0.0F);
      out[block] += manhattan ? gap : gap * gap;
    }
    if (centres == nullptr) continue;
    for (std::size_t block = 0; block < blocks; ++block) {
      const float offset = (low[block] + high[block]) * 0.5F - coordinate;
      centres[block] += manhattan ? std::fabs(offset) : offset * offset;
    }
  }
}

// One query of a group: where it is and its candidates (lof/candidate_list.hpp).
struct QueryState {
  std::size_t position = 0;
  float norm = 0.0F;
  CandidateList candidates;

  void Reset(std::size_t query_position, float query_norm) {
    position = query_position;
    norm = query_norm;
    candidates.Reset();
  }
};

// Per thread, reused from group to group.
struct GroupScratch {
  QueryState states[kGroupQueries];
  std::vector<float> query;          // one query's centred coordinates
  std::vector<float> coordinates;    // dims x kGroupQueries
  std::vector<float> box_distances;  // kGroupQueries x blocks
  std::vector<float> centre_distances;
  std::vector<std::uint32_t> block_order;
  std::vector<std::uint32_t> measured;  // the positions measured exactly, and MeasureAndRank's scratch
  std::vector<double> distances;
  std::vector<double> rows;
  std::vector<Neighbour> list;
};

// The `count` nearest points to each of the (up to kGroupQueries) queries at positions [first, first + queries),
// each list handed to `sink`. The group's blocks are visited nearest centre first (to the group's first query),
// its own block first of all. Every point whose lower bound is within its query's bound is a candidate; a block
// is skipped whole when its bounding box is beyond every query's bound. Only then are candidates measured exactly:
// those whose lower bound is within the final bound, hardly more than `count`. Every point within the final k-th
// distance had its lower bound within every bound in force on the way, so none is missed.
RECON_APPROXIMATE_CLONES void NearestOfGroup(const BlockedLayout& layout, GroupBoundsKernel kernel, std::size_t first,
                                             std::size_t queries, std::size_t count, GroupScratch& scratch,
                                             const NeighbourSink& sink) {
  const std::size_t dims = layout.dims;
  const std::size_t blocks = layout.Blocks();
  const float relative = RelativeRoundingBound(dims);
  float admits[kGroupQueries];
  scratch.coordinates.resize(dims * kGroupQueries);
  scratch.box_distances.resize(kGroupQueries * blocks);
  scratch.centre_distances.resize(blocks);
  std::vector<float>& query = scratch.query;
  query.resize(dims);
  std::size_t positions[kGroupQueries];
  for (std::size_t slot = 0; slot < kGroupQueries; ++slot) {
    // Missing queries of a short group repeat the last one, and are not reported.
    positions[slot] = first + std::min(slot, queries - 1);
  }
  float starts[kGroupQueries];
  const GroupBoundsInput input = GroupInput(layout, positions, scratch.coordinates.data(), starts);
  for (std::size_t slot = 0; slot < kGroupQueries; ++slot) {
    const std::size_t position = positions[slot];
    scratch.states[slot].Reset(position, layout.norms[position]);
    for (std::size_t dim = 0; dim < dims; ++dim) query[dim] = layout.columns[dim * layout.padded_rows + position];
    BoxDistances(layout, query.data(), &scratch.box_distances[slot * blocks],
                 slot == 0 ? scratch.centre_distances.data() : nullptr);
    if (slot == 0) {
      std::vector<std::uint32_t>& order = scratch.block_order;
      order.resize(blocks);
      for (std::size_t block = 0; block < blocks; ++block) order[block] = static_cast<std::uint32_t>(block);
      const auto own = static_cast<std::uint32_t>(position / kPointsPerBlock);
      // The nearest few blocks by their centres first (they make the bounds tight), the rest as they lie.
      const std::size_t nearest = std::min<std::size_t>(blocks, kNearestBlocksFirst);
      std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(nearest), order.end(),
                        [&](std::uint32_t a, std::uint32_t b) {
                          const float key_a = a == own ? -1.0F : scratch.centre_distances[a];
                          const float key_b = b == own ? -1.0F : scratch.centre_distances[b];
                          return key_a < key_b || (key_a == key_b && a < b);
                        });
    }
  }
  float bounds[kGroupQueries * kPointsPerBlock];
  for (const std::uint32_t block : scratch.block_order) {
    bool needed = false;
    for (std::size_t slot = 0; slot < kGroupQueries; ++slot) {
      const QueryState& state = scratch.states[slot];
      admits[slot] = state.candidates.Admit();
      const float box_lower = scratch.box_distances[slot * blocks + block] * (1.0F - relative) -
                              relative * (state.norm + layout.box_max_norm[block]);
      needed |= box_lower <= admits[slot];
    }
    if (!needed) continue;
    const std::size_t begin = block * kPointsPerBlock;
    std::uint64_t masks[kGroupQueries];
    kernel(input, begin, admits, bounds, masks);
    for (std::size_t slot = 0; slot < queries; ++slot) {
      QueryState& state = scratch.states[slot];
      const float* lower = &bounds[slot * kPointsPerBlock];
      const float* norms = &layout.norms[begin];
      for (std::uint64_t bits = masks[slot]; bits != 0; bits &= bits - 1) {
        const auto point = static_cast<std::size_t>(__builtin_ctzll(bits));
        if (!(lower[point] <= state.candidates.Admit())) continue;  // the bound is tighter than the bits'
        state.candidates.Add(lower[point], UpperBound(lower[point], relative, state.norm, norms[point]),
                             static_cast<std::uint32_t>(begin + point));
      }
      state.candidates.TightenEvery(count, count);
    }
  }
  scratch.list.resize(count);
  for (std::size_t slot = 0; slot < queries; ++slot) {
    QueryState& state = scratch.states[slot];
    CandidateList& candidates = state.candidates;
    candidates.Tighten(count);
    scratch.measured.resize(candidates.Size());
    std::size_t measured = 0;
    for (std::size_t idx = 0; idx < candidates.Size(); ++idx) {
      scratch.measured[measured] = candidates.Position(idx);
      measured += static_cast<std::size_t>(candidates.Lower(idx) <= candidates.Admit());
    }
    scratch.distances.resize(measured + kScanLanes);
    scratch.rows.resize(measured + kScanLanes);
    MeasureAndRank(layout, state.position, scratch.measured.data(), measured, count, scratch.distances.data(),
                   scratch.rows.data(), scratch.list.data());
    for (Neighbour& neighbour : scratch.list)
      neighbour.distance = DistanceFromRanked(neighbour.distance, layout.metric);
    sink(layout.original[state.position], static_cast<std::uint32_t>(state.position), scratch.list);
  }
}

}  // namespace

bool PreferBlockedSearch(std::size_t dims) { return dims >= kMinBlockedDims; }

std::vector<Neighbour> AllNeighbours(const features::FeatureMatrix& points, std::size_t count, unsigned threads,
                                     Metric metric) {
  count = std::min(count, points.Rows());
  std::vector<Neighbour> lists(points.Rows() * count);
  AllNeighbours(points, count, threads, metric, [&](std::uint32_t row, std::uint32_t, std::span<Neighbour> list) {
    std::copy(list.begin(), list.end(), lists.begin() + static_cast<std::ptrdiff_t>(row * count));
  });
  return lists;
}

void AllNeighbours(const features::FeatureMatrix& points, std::size_t count, unsigned threads, Metric metric,
                   const NeighbourSink& sink) {
  count = std::min(count, points.Rows());
  if (count == 0) return;
  if (!PreferBlockedSearch(points.Cols())) {
    KdTree(points, metric)
        .AllNearest(count, threads, [&](std::uint32_t row, std::uint32_t place, std::span<Neighbour> list) {
          for (Neighbour& neighbour : list) neighbour.distance = DistanceFromRanked(neighbour.distance, metric);
          sink(row, place, list);
        });
    return;
  }
  // BENCH-ONLY switches (issue 18): RECON_LOF_NOSMALL=1, RECON_LOF_PORTABLE_BOUNDS=1.
  const bool small_set = (points.Rows() + kPointsPerBlock - 1) / kPointsPerBlock <= kSmallSetBlocks &&
                         std::getenv("RECON_LOF_NOSMALL") == nullptr;
  const BlockedLayout layout = MakeBlockedLayout(points, metric, /*with_boxes=*/!small_set);
  const double work =
      static_cast<double>(layout.rows) * static_cast<double>(layout.rows) * static_cast<double>(layout.dims + 4);
  if (work < kSerialBelowWork) threads = 1;
  if (small_set) {
    SearchSmallSet(layout, count, threads, sink);
    return;
  }
  const GroupBoundsKernel kernel =
      std::getenv("RECON_LOF_PORTABLE_BOUNDS") != nullptr ? PortableGroupBoundsKernel() : SelectGroupBoundsKernel();
  // Queries in spatial order, so consecutive queries visit the same blocks.
  ParallelFor(layout.rows, kQueriesPerBlock, threads, [&](std::size_t begin, std::size_t end) {
    GroupScratch scratch;
    for (std::size_t first = begin; first < end; first += kGroupQueries) {
      NearestOfGroup(layout, kernel, first, std::min(kGroupQueries, end - first), count, scratch, sink);
    }
  });
}

}  // namespace recon::models
