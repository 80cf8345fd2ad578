#include "recon/models/lof/blocked_layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "recon/models/lof/spatial_order.hpp"

namespace recon::models {

BlockedLayout MakeBlockedLayout(const features::FeatureMatrix& points, Metric metric) {
  BlockedLayout layout;
  layout.metric = metric;
  layout.rows = points.Rows();
  layout.dims = points.Cols();
  const std::size_t rows = layout.rows;
  const std::size_t dims = layout.dims;
  const std::vector<double> exact(points.Data(), points.Data() + rows * dims);
  layout.original = SpatialOrder(exact, rows, dims, kBlockPoints);
  layout.exact_by_position.resize(rows * dims);
  for (std::size_t pos = 0; pos < rows; ++pos) {
    std::copy_n(&exact[layout.original[pos] * dims], dims, &layout.exact_by_position[pos * dims]);
  }
  // Means of the coordinates that are numbers: a NaN must not spread to every centred point (its own distances are
  // never admitted, and it ranks last).
  std::vector<double> means(dims, 0.0);
  std::vector<std::size_t> counted(dims, 0);
  for (std::size_t row = 0; row < rows; ++row) {
    for (std::size_t dim = 0; dim < dims; ++dim) {
      const double value = exact[row * dims + dim];
      if (std::isnan(value)) continue;
      means[dim] += value;
      ++counted[dim];
    }
  }
  for (std::size_t dim = 0; dim < dims; ++dim) {
    means[dim] /= static_cast<double>(std::max<std::size_t>(counted[dim], 1));
  }
  layout.padded_rows = (rows + kBlockPoints - 1) / kBlockPoints * kBlockPoints;
  const std::size_t blocks = layout.padded_rows / kBlockPoints;
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
    const std::size_t block = pos / kBlockPoints;
    const double* point = &layout.exact_by_position[pos * dims];
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
    layout.max_norm = std::max(layout.max_norm, layout.norms[pos]);
  }
  return layout;
}

}  // namespace recon::models
