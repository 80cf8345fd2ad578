#include "recon/models/lof/spatial_order.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace recon::models {
namespace {

// A point's place along the split coordinate, ties by row; not-a-number sorts last, so the order stays strict
// (nth_element relies on it).
struct Keyed {
  double key;
  std::uint32_t row;
  bool operator<(const Keyed& other) const { return key < other.key || (key == other.key && row < other.row); }
};

void SplitRange(const float* points, std::size_t dims, std::size_t leaf, std::vector<std::uint32_t>& order,
                std::size_t begin, std::size_t end, std::vector<Keyed>& keyed) {
  std::vector<double> low(dims);
  std::vector<double> high(dims);
  while (end - begin > leaf) {
    // Each point's row read once, all its coordinates together (a pass per coordinate strode across the rows:
    // 40 us of ionosphere's 80 us layout).
    std::fill(low.begin(), low.end(), std::numeric_limits<double>::max());
    std::fill(high.begin(), high.end(), std::numeric_limits<double>::lowest());
    for (std::size_t pos = begin; pos < end; ++pos) {
      const float* row = &points[order[pos] * dims];
      for (std::size_t dim = 0; dim < dims; ++dim) {
        low[dim] = std::min(low[dim], static_cast<double>(row[dim]));
        high[dim] = std::max(high[dim], static_cast<double>(row[dim]));
      }
    }
    std::size_t widest = 0;
    double widest_range = -1.0;
    for (std::size_t dim = 0; dim < dims; ++dim) {
      if (high[dim] - low[dim] > widest_range) {
        widest_range = high[dim] - low[dim];
        widest = dim;
      }
    }
    // The left part gets half the points, rounded up to whole leaves.
    const std::size_t half_leaves = ((end - begin) / 2 + leaf - 1) / leaf;
    const std::size_t middle = std::min(end, begin + half_leaves * leaf);
    // The keys copied out first: the selection compares each point several times, and reading them through `order`
    // strode across the rows (a third of ionosphere's layout).
    keyed.resize(end - begin);
    for (std::size_t pos = begin; pos < end; ++pos) {
      const double value = points[order[pos] * dims + widest];  // as a double: ranges and keys as before
      keyed[pos - begin] = {std::isnan(value) ? std::numeric_limits<double>::infinity() : value, order[pos]};
    }
    std::nth_element(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(middle - begin), keyed.end());
    for (std::size_t pos = begin; pos < end; ++pos) order[pos] = keyed[pos - begin].row;
    SplitRange(points, dims, leaf, order, begin, middle, keyed);
    begin = middle;
  }
}

}  // namespace

std::vector<std::uint32_t> SpatialOrder(const float* points, std::size_t rows, std::size_t dims, std::size_t leaf) {
  std::vector<std::uint32_t> order(rows);
  std::iota(order.begin(), order.end(), 0U);
  std::vector<Keyed> keyed;
  if (dims > 0 && leaf > 0) SplitRange(points, dims, leaf, order, 0, rows, keyed);
  return order;
}

}  // namespace recon::models
