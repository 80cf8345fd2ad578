#include "recon/models/lof/all_neighbours.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "recon/core/distance.hpp"
#include "recon/core/parallel.hpp"
#include "recon/core/vector_clones.hpp"
#include "recon/models/lof/exact_scan.hpp"
#include "recon/models/lof/kd_tree.hpp"
#include "recon/models/lof/spatial_order.hpp"

namespace recon::models {
namespace {

// Measured first against nanoflann's tree. On the ODDS sets: from about a dozen dimensions (pendigits, 16: 1.5x faster)
// up to rows^2 (dims + 4) = 2.5e9; in 6 dimensions (annthyroid, mammography, thyroid: dense, discrete-valued
// clusters) the tree stays faster, and in 9 on 683 rows (breastw). On spread-out data in 9 dimensions
// (bench/e2e/lof_generated_vs_sklearn.py: normal rows) from 2,000 rows to 100,000: 2.2x-3.3x faster, as the
// tree's leaves are slabs split once or twice per coordinate that a query's neighbour ball crosses by the
// dozen; on 100,000 reconciliation trades (9 model features) a little faster too (0.115 s against 0.136 s).
// Re-checked against recon's own tree (lof/kd_tree.hpp), which replaced nanoflann's, on spread-out rows, 2 threads:
// 9 dimensions, 2,000 rows 6.3 ms blocked / 5.3 ms tree, 4,000 12.5 / 14.7, 20,000 139 / 165; 12 dimensions, 5,000
// rows 24 / 37; 16 dimensions, 3,000 rows 13 / 19; pendigits 28-30 / 35: the same thresholds still hold, within
// a few rows' worth around 9 dimensions.
constexpr double kWorkBudget = 2.5e9;
constexpr std::size_t kMinBlockedDims = 12;
constexpr std::size_t kMinBlockedDimsFromManyRows = 9;
constexpr std::size_t kManyRows = 1024;
// Below this much work a second thread costs more than it saves (measured: ionosphere, 4.5e6, 1.26 -> 0.78 ms).
constexpr double kSerialBelowWork = 2.0e6;
constexpr std::size_t kQueriesPerBlock = 64;
constexpr std::size_t kLanes = 8;           // floats per vector register (AVX2)
constexpr std::size_t kGroupsPerBlock = 8;  // eight registers of running sums
constexpr std::size_t kPointsPerBlock = kLanes * kGroupsPerBlock;

using Floats = float __attribute__((vector_size(kLanes * sizeof(float))));

// The points in spatial order (lof/spatial_order.hpp), mean-centred (smaller norms, smaller rounding error in the
// expansion), column by column in single precision with their norms (squared Euclidean, or Manhattan) and each
// block's bounding box; and row by row in double precision, in their original order, for the exact distances.
struct Layout {
  Metric metric = Metric::kEuclidean;
  std::size_t rows = 0;
  std::size_t padded_rows = 0;  // rows rounded up to whole blocks; padding points are infinitely far away
  std::size_t dims = 0;
  std::vector<std::uint32_t> original;  // position -> row of the input
  std::vector<float> columns;           // dims x padded_rows, by position
  std::vector<float> norms;             // |p|^2 (Euclidean) or |p|_1 (Manhattan) of each centred point, by position
  std::vector<float> box_low;           // dims x blocks: each block's bounding box
  std::vector<float> box_high;
  std::vector<float> box_max_norm;  // the largest norm in each block
  std::vector<double> exact;        // rows x dims, as given, by row
};

Layout MakeLayout(const features::FeatureMatrix& points, Metric metric) {
  Layout layout;
  layout.metric = metric;
  layout.rows = points.Rows();
  layout.dims = points.Cols();
  const std::size_t rows = layout.rows;
  const std::size_t dims = layout.dims;
  layout.exact.assign(points.Data(), points.Data() + rows * dims);
  layout.original = SpatialOrder(layout.exact, rows, dims, kPointsPerBlock);
  // Means of the coordinates that are numbers: a NaN must not spread to every centred point (its own distances are
  // never admitted, and it ranks last).
  std::vector<double> means(dims, 0.0);
  std::vector<std::size_t> counted(dims, 0);
  for (std::size_t row = 0; row < rows; ++row) {
    for (std::size_t dim = 0; dim < dims; ++dim) {
      const double value = layout.exact[row * dims + dim];
      if (std::isnan(value)) continue;
      means[dim] += value;
      ++counted[dim];
    }
  }
  for (std::size_t dim = 0; dim < dims; ++dim) {
    means[dim] /= static_cast<double>(std::max<std::size_t>(counted[dim], 1));
  }
  layout.padded_rows = (rows + kPointsPerBlock - 1) / kPointsPerBlock * kPointsPerBlock;
  const std::size_t blocks = layout.padded_rows / kPointsPerBlock;
  layout.columns.assign(layout.padded_rows * dims, 0.0F);
  layout.norms.assign(layout.padded_rows, std::numeric_limits<float>::infinity());
  layout.box_low.assign(blocks * dims, std::numeric_limits<float>::max());
  layout.box_high.assign(blocks * dims, std::numeric_limits<float>::lowest());
  layout.box_max_norm.assign(blocks, 0.0F);
  if (metric == Metric::kManhattan) {
    // Padding points must bound to +inf: Manhattan bounds subtract a multiple of the norm, so pad the coordinates.
    for (std::size_t dim = 0; dim < dims; ++dim) {
      std::fill(layout.columns.begin() + static_cast<std::ptrdiff_t>(dim * layout.padded_rows + rows),
                layout.columns.begin() + static_cast<std::ptrdiff_t>((dim + 1) * layout.padded_rows),
                std::numeric_limits<float>::infinity());
    }
    std::fill(layout.norms.begin() + static_cast<std::ptrdiff_t>(rows), layout.norms.end(), 0.0F);
  }
  for (std::size_t pos = 0; pos < rows; ++pos) {
    const std::size_t block = pos / kPointsPerBlock;
    const double* point = &layout.exact[layout.original[pos] * dims];
    double norm = 0.0;
    for (std::size_t dim = 0; dim < dims; ++dim) {
      const auto centred = static_cast<float>(point[dim] - means[dim]);
      layout.columns[dim * layout.padded_rows + pos] = centred;
      layout.box_low[dim * blocks + block] = std::min(layout.box_low[dim * blocks + block], centred);
      layout.box_high[dim * blocks + block] = std::max(layout.box_high[dim * blocks + block], centred);
      norm += metric == Metric::kManhattan ? std::fabs(static_cast<double>(centred))
                                           : static_cast<double>(centred) * centred;
    }
    layout.norms[pos] = static_cast<float>(norm);
    layout.box_max_norm[block] = std::max(layout.box_max_norm[block], layout.norms[pos]);
  }
  return layout;
}

Floats LoadFloats(const float* from) {
  Floats values;
  std::memcpy(&values, from, sizeof values);
  return values;
}

// Lower bounds on the squared distances from the centred query to the block of points at `begin`: the
// expansion |q|^2 + |p|^2 - 2 q.p minus its rounding bound relative * (|q|^2 + |p|^2), with the block's sums held
// in registers across all coordinates. Returns a bit per point whose bound is at most `admit`. Only the bound
// matters to the result, so this kernel may use fused multiply-adds where the machine has them
// (RECON_APPROXIMATE_CLONES).
RECON_APPROXIMATE_CLONES std::uint64_t LowerBounds(const Layout& layout, const float* query, float query_norm,
                                                   float relative, std::size_t begin, float admit, float* out) {
  Floats sums[kGroupsPerBlock];
  if (layout.metric == Metric::kManhattan) {
    // sum |p - q| directly (no expansion), minus the same form of bound on the norms below.
    for (Floats& sum : sums) sum = Floats{} - query_norm * relative;
    for (std::size_t dim = 0; dim < layout.dims; ++dim) {
      const float* column = layout.columns.data() + dim * layout.padded_rows + begin;
      const Floats coordinate = Floats{} + query[dim];
      for (std::size_t group = 0; group < kGroupsPerBlock; ++group) {
        const Floats difference = LoadFloats(column + group * kLanes) - coordinate;
        sums[group] += difference < 0.0F ? -difference : difference;
      }
    }
  } else {
    for (Floats& sum : sums) sum = Floats{} + query_norm * (1.0F - relative);
    for (std::size_t dim = 0; dim < layout.dims; ++dim) {
      const float* column = layout.columns.data() + dim * layout.padded_rows + begin;
      const Floats scaled = Floats{} - 2.0F * query[dim];
      for (std::size_t group = 0; group < kGroupsPerBlock; ++group) {
        sums[group] += LoadFloats(column + group * kLanes) * scaled;
      }
    }
  }
  // Both: + |p| (1 - relative) for Euclidean's expansion, - |p|_1 relative for Manhattan's bound.
  const float norm_weight = layout.metric == Metric::kManhattan ? -relative : 1.0F - relative;
  const float* norms = layout.norms.data() + begin;
  auto within = sums[0] < Floats{};  // all false: a mask of the lanes at most `admit`
  for (std::size_t group = 0; group < kGroupsPerBlock; ++group) {
    sums[group] += LoadFloats(norms + group * kLanes) * norm_weight;
    within |= sums[group] <= admit;
  }
  int any = 0;
  for (std::size_t lane = 0; lane < kLanes; ++lane) any |= within[lane];
  if (any == 0) return 0;
  std::uint64_t bits = 0;
  for (std::size_t group = 0; group < kGroupsPerBlock; ++group) {
    std::memcpy(out + group * kLanes, &sums[group], sizeof sums[group]);
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      bits |= static_cast<std::uint64_t>(out[group * kLanes + lane] <= admit) << (group * kLanes + lane);
    }
  }
  return bits;
}

// Distances (squared Euclidean, or Manhattan) from the query to every block's bounding box (lower bounds for the
// points in them).
RECON_APPROXIMATE_CLONES void BoxDistances(const Layout& layout, const float* query, float* out) {
  const std::size_t blocks = layout.padded_rows / kPointsPerBlock;
  for (std::size_t block = 0; block < blocks; ++block) out[block] = 0.0F;
  for (std::size_t dim = 0; dim < layout.dims; ++dim) {
    const float* low = &layout.box_low[dim * blocks];
    const float* high = &layout.box_high[dim * blocks];
    const float coordinate = query[dim];
    for (std::size_t block = 0; block < blocks; ++block) {
      const float gap = std::max(std::max(low[block] - coordinate, coordinate - high[block]), 0.0F);
      out[block] += layout.metric == Metric::kManhattan ? gap : gap * gap;
    }
  }
}

// What the exact phase ranks by: squared Euclidean, or Manhattan, distance in double precision.
double ExactDistance(const Layout& layout, const double* a, const double* b) {
  return layout.metric == Metric::kManhattan ? ManhattanDistance(a, b, layout.dims)
                                             : SquaredDistance(a, b, layout.dims);
}

// The smallest float at least `value` (at most the largest finite float, which padding points' bounds exceed).
float AtLeast(double value) {
  float rounded = static_cast<float>(value);
  if (static_cast<double>(rounded) < value) rounded = std::nextafter(rounded, std::numeric_limits<float>::infinity());
  return std::min(rounded, std::numeric_limits<float>::max());
}

// The `count` nearest points to the point at `query_position`, into out[0, count). Each point whose lower bound
// is within the list's current k-th exact distance is measured exactly at once and offered to the ranked list
// (lof/exact_scan.hpp): every point within the final k-th distance was within the bound in force when its block
// was visited (the bound only shrinks), so none is missed, and no second pass over candidates is needed.
void NearestOf(const Layout& layout, std::size_t query_position, std::size_t count, float* query,
               std::vector<float>& box_distances, Neighbour* out) {
  const std::size_t rows = layout.rows;
  const std::size_t dims = layout.dims;
  for (std::size_t dim = 0; dim < dims; ++dim) query[dim] = layout.columns[dim * layout.padded_rows + query_position];
  const float query_norm = layout.norms[query_position];
  // Rounding error of the expansion (and of the centred coordinates) for point p: a dot product of d terms, two
  // norms and a few additions in single precision, all bounded by |q|^2 + |p|^2; generously, so that it only
  // admits more points to the exact measure.
  const float relative = static_cast<float>((2.0 * static_cast<double>(dims) + 16.0) * 0x1.0p-23);
  const double* query_exact = &layout.exact[layout.original[query_position] * dims];
  RankedList ranked(out, count);
  float admit = std::numeric_limits<float>::max();  // until the list is full; padding points' bounds are infinite
  float lower_bounds[kPointsPerBlock];
  auto visit = [&](std::size_t block) {
    const std::size_t begin = block * kPointsPerBlock;
    for (std::uint64_t bits = LowerBounds(layout, query, query_norm, relative, begin, admit, lower_bounds); bits != 0;
         bits &= bits - 1) {
      const auto lane = static_cast<std::size_t>(__builtin_ctzll(bits));
      if (!(lower_bounds[lane] <= admit)) continue;  // `admit` has tightened since the bits were taken
      const std::uint32_t row = layout.original[begin + lane];
      ranked.Offer(ExactDistance(layout, query_exact, &layout.exact[row * dims]), row);
      if (ranked.Filled() == count) admit = AtLeast(ranked.Worst());
    }
  };
  // The query's own block first: its spatial neighbours make `admit` tight, and most other blocks are then
  // skipped by their boxes alone.
  const std::size_t own_block = query_position / kPointsPerBlock;
  const std::size_t blocks = layout.padded_rows / kPointsPerBlock;
  visit(own_block);
  box_distances.resize(blocks);
  BoxDistances(layout, query, box_distances.data());
  for (std::size_t block = 0; block < blocks; ++block) {
    if (block == own_block) continue;
    const float box_lower =
        box_distances[block] * (1.0F - relative) - relative * (query_norm + layout.box_max_norm[block]);
    if (box_lower > admit) continue;
    visit(block);
  }
  RankUnknownLast(ranked, count, rows, out);
  for (std::size_t slot = 0; slot < count; ++slot)
    out[slot].distance = DistanceFromRanked(out[slot].distance, layout.metric);
}

}  // namespace

bool PreferBlockedSearch(std::size_t rows, std::size_t dims) {
  if (dims > KdTree::kMaxDims) return true;
  const double work = static_cast<double>(rows) * static_cast<double>(rows) * static_cast<double>(dims + 4);
  if (dims >= kMinBlockedDimsFromManyRows && rows >= kManyRows) return true;
  return dims >= kMinBlockedDims && work <= kWorkBudget;
}

std::vector<Neighbour> AllNeighbours(const features::FeatureMatrix& points, std::size_t count, unsigned threads,
                                     Metric metric) {
  count = std::min(count, points.Rows());
  std::vector<Neighbour> lists(points.Rows() * count);
  AllNeighbours(points, count, threads, metric, [&](std::uint32_t row, std::span<Neighbour> list) {
    std::copy(list.begin(), list.end(), lists.begin() + static_cast<std::ptrdiff_t>(row * count));
  });
  return lists;
}

void AllNeighbours(const features::FeatureMatrix& points, std::size_t count, unsigned threads, Metric metric,
                   const NeighbourSink& sink) {
  count = std::min(count, points.Rows());
  if (count == 0) return;
  if (!PreferBlockedSearch(points.Rows(), points.Cols())) {
    KdTree(points, metric).AllNearest(count, threads, [&](std::uint32_t row, std::span<Neighbour> list) {
      for (Neighbour& neighbour : list) neighbour.distance = DistanceFromRanked(neighbour.distance, metric);
      sink(row, list);
    });
    return;
  }
  const Layout layout = MakeLayout(points, metric);
  const double work =
      static_cast<double>(layout.rows) * static_cast<double>(layout.rows) * static_cast<double>(layout.dims + 4);
  if (work < kSerialBelowWork) threads = 1;
  // Queries in spatial order, so consecutive queries visit the same blocks.
  ParallelFor(layout.rows, kQueriesPerBlock, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<float> box_distances;
    std::vector<float> query(layout.dims);
    std::vector<Neighbour> list(count);
    for (std::size_t position = begin; position < end; ++position) {
      NearestOf(layout, position, count, query.data(), box_distances, list.data());
      sink(layout.original[position], list);
    }
  });
}

}  // namespace recon::models
