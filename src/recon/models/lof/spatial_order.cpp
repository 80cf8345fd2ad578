#include "recon/models/lof/spatial_order.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace recon::models {
namespace {

void SplitRange(const std::vector<double>& points, std::size_t dims, std::size_t leaf,
                std::vector<std::uint32_t>& order, std::size_t begin, std::size_t end) {
  std::vector<double> low(dims);
  std::vector<double> high(dims);
  while (end - begin > leaf) {
    // Each point's row read once, all its coordinates together (a pass per coordinate strode across the rows:
    // 40 us of ionosphere's 80 us layout).
    std::fill(low.begin(), low.end(), std::numeric_limits<double>::max());
    std::fill(high.begin(), high.end(), std::numeric_limits<double>::lowest());
    for (std::size_t pos = begin; pos < end; ++pos) {
      const double* row = &points[order[pos] * dims];
      for (std::size_t dim = 0; dim < dims; ++dim) {
        low[dim] = std::min(low[dim], row[dim]);
        high[dim] = std::max(high[dim], row[dim]);
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
    std::nth_element(order.begin() + static_cast<std::ptrdiff_t>(begin),
                     order.begin() + static_cast<std::ptrdiff_t>(middle),
                     order.begin() + static_cast<std::ptrdiff_t>(end), [&](std::uint32_t a, std::uint32_t b) {
                       // Not-a-number sorts last, so the order stays strict (nth_element relies on it).
                       const auto key = [&](std::uint32_t row) {
                         const double value = points[row * dims + widest];
                         return std::isnan(value) ? std::numeric_limits<double>::infinity() : value;
                       };
                       return key(a) < key(b) || (key(a) == key(b) && a < b);
                     });
    SplitRange(points, dims, leaf, order, begin, middle);
    begin = middle;
  }
}

}  // namespace

std::vector<std::uint32_t> SpatialOrder(const std::vector<double>& points, std::size_t rows, std::size_t dims,
                                        std::size_t leaf) {
  std::vector<std::uint32_t> order(rows);
  std::iota(order.begin(), order.end(), 0U);
  if (dims > 0 && leaf > 0) SplitRange(points, dims, leaf, order, 0, rows);
  return order;
}

}  // namespace recon::models
