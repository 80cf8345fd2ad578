#include "recon/models/lof/blocked_layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "recon/core/vector_clones.hpp"
#include "recon/models/lof/exact_scan.hpp"
#include "recon/models/lof/spatial_order.hpp"

namespace recon::models {

BlockedLayout MakeBlockedLayout(const features::FeatureMatrix& points, Metric metric, bool with_boxes) {
  BlockedLayout layout;
  layout.metric = metric;
  layout.rows = points.Rows();
  layout.dims = points.Cols();
  const std::size_t rows = layout.rows;
  const std::size_t dims = layout.dims;
  const float* exact = points.Data();
  layout.original = SpatialOrder(exact, rows, dims, kBlockPoints);
  layout.exact_by_position.resize(rows * dims);
  for (std::size_t pos = 0; pos < rows; ++pos) {
    std::copy_n(&exact[layout.original[pos] * dims], dims, &layout.exact_by_position[pos * dims]);
  }
  // Means of the coordinates that are numbers: a NaN must not spread to every centred point (its own distances are
  // never admitted, and it ranks last). Adding 0 for a NaN keeps the loop free of branches (and the same sums).
  std::vector<double> means(dims, 0.0);
  std::vector<double> counted(dims, 0.0);
  for (std::size_t row = 0; row < rows; ++row) {
    const float* values = &exact[row * dims];
    for (std::size_t dim = 0; dim < dims; ++dim) {
      const bool number = !std::isnan(values[dim]);
      means[dim] += number ? static_cast<double>(values[dim]) : 0.0;
      counted[dim] += number ? 1.0 : 0.0;
    }
  }
  for (std::size_t dim = 0; dim < dims; ++dim) means[dim] /= std::max(counted[dim], 1.0);
  layout.padded_rows = (rows + kBlockPoints - 1) / kBlockPoints * kBlockPoints;
  const std::size_t padded = layout.padded_rows;
  const std::size_t blocks = padded / kBlockPoints;
  const bool manhattan = metric == Metric::kManhattan;
  // Padding points must bound to +inf: Euclidean bounds add their norms (infinite), Manhattan ones subtract a
  // multiple of the norm (zero) and add the coordinates (infinite).
  layout.columns.assign(padded * dims, manhattan ? std::numeric_limits<float>::infinity() : 0.0F);
  layout.norms.assign(padded, manhattan ? 0.0F : std::numeric_limits<float>::infinity());
  if (with_boxes) {
    layout.box_low.assign(blocks * dims, std::numeric_limits<float>::max());
    layout.box_high.assign(blocks * dims, std::numeric_limits<float>::lowest());
  }
  layout.box_max_norm.assign(blocks, 0.0F);
  // Column by column: each column written in order, each block's box read from its run of the column, and every
  // point's norm summed over the coordinates in order (the same sums as point by point).
  std::vector<double> norms(rows, 0.0);
  for (std::size_t dim = 0; dim < dims; ++dim) {
    float* column = &layout.columns[dim * padded];
    const double mean = means[dim];
    for (std::size_t pos = 0; pos < rows; ++pos) {
      const auto centred = static_cast<float>(layout.exact_by_position[pos * dims + dim] - mean);
      column[pos] = centred;
      norms[pos] += manhattan ? std::fabs(static_cast<double>(centred)) : static_cast<double>(centred) * centred;
    }
    for (std::size_t block = 0; block < blocks && with_boxes; ++block) {
      float low = layout.box_low[dim * blocks + block];
      float high = layout.box_high[dim * blocks + block];
      for (std::size_t pos = block * kBlockPoints; pos < std::min(rows, (block + 1) * kBlockPoints); ++pos) {
        low = std::min(low, column[pos]);
        high = std::max(high, column[pos]);
      }
      layout.box_low[dim * blocks + block] = low;
      layout.box_high[dim * blocks + block] = high;
    }
  }
  for (std::size_t pos = 0; pos < rows; ++pos) {
    const std::size_t block = pos / kBlockPoints;
    layout.norms[pos] = static_cast<float>(norms[pos]);
    layout.box_max_norm[block] = std::max(layout.box_max_norm[block], layout.norms[pos]);
    layout.max_norm = std::max(layout.max_norm, layout.norms[pos]);
  }
  return layout;
}

GroupBoundsInput GroupInput(const BlockedLayout& layout, const std::size_t* positions, float* coordinates,
                            float* starts) {
  const bool manhattan = layout.metric == Metric::kManhattan;
  const float relative = RelativeRoundingBound(layout.dims);
  for (std::size_t slot = 0; slot < kGroupQueries; ++slot) {
    const float norm = layout.norms[positions[slot]];
    starts[slot] = manhattan ? -norm * relative : norm * (1.0F - relative);
    for (std::size_t dim = 0; dim < layout.dims; ++dim) {
      const float coordinate = layout.columns[dim * layout.padded_rows + positions[slot]];
      coordinates[dim * kGroupQueries + slot] = manhattan ? coordinate : -2.0F * coordinate;
    }
  }
  GroupBoundsInput input;
  input.columns = layout.columns.data();
  input.stride = layout.padded_rows;
  input.dims = layout.dims;
  input.norms = layout.norms.data();
  input.metric = layout.metric;
  input.coordinates = coordinates;
  input.starts = starts;
  input.relative = relative;
  return input;
}

// Each one's rank counted against all the others, four at a time and branch-free, where an insertion per candidate
// mispredicted its branches (a quarter of the small-set search's time). Compiled for AVX2 too
// (core/vector_clones.hpp: the same bits).
RECON_VECTOR_CLONES void MeasureAndRank(const BlockedLayout& layout, std::size_t query_position,
                                        const std::uint32_t* positions, std::size_t size, std::size_t count,
                                        double* distances, double* rows, Neighbour* out) {
  using Before = std::int64_t __attribute__((vector_size(kScanLanes * sizeof(double))));
  const std::size_t dims = layout.dims;
  const double* query = &layout.exact_by_position[query_position * dims];
  for (std::size_t idx = 0; idx < size; ++idx) {
    distances[idx] = ExactDistance(layout, query, &layout.exact_by_position[positions[idx] * dims]);
    rows[idx] = static_cast<double>(layout.original[positions[idx]]);
  }
  const std::size_t whole = (size + kScanLanes - 1) / kScanLanes * kScanLanes;
  for (std::size_t idx = size; idx < whole; ++idx) {
    distances[idx] = std::numeric_limits<double>::quiet_NaN();  // compares false: never before anything
    rows[idx] = 0.0;
  }
  std::size_t ranked = 0;
  for (std::size_t idx = 0; idx < size; ++idx) {
    const double distance = distances[idx];
    if (std::isnan(distance)) continue;
    const ScanDoubles own_distance = {distance, distance, distance, distance};
    const double row = rows[idx];
    const ScanDoubles own_row = {row, row, row, row};
    Before before = {0, 0, 0, 0};
    for (std::size_t other = 0; other < whole; other += kScanLanes) {
      const ScanDoubles other_distance = LoadScanDoubles(distances + other);
      before += (other_distance < own_distance) |
                ((other_distance == own_distance) & (LoadScanDoubles(rows + other) < own_row));
    }
    const auto rank = static_cast<std::size_t>(-(before[0] + before[1] + before[2] + before[3]));  // true is -1
    if (rank < count) out[rank] = {static_cast<std::uint32_t>(row), distance};
    ++ranked;
  }
  RankUnknownLast(std::min(ranked, count), count, layout.rows, out);
}

}  // namespace recon::models
