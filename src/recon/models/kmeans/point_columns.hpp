#pragma once
// The training points a second time, column by column (dims arrays of `rows` doubles). Passes that compare every
// point with one centre (k-means++ candidates, the first assignment) then run over consecutive rows with one
// coordinate of the centre held in a register: one vector lane per row, no horizontal sums, which the row-major
// layout of 9 or 16 coordinates per point cannot give.
#include <cstddef>
#include <vector>

namespace recon::models {

template <typename Value>
struct BasicPointColumns {
  std::vector<Value> values;  ///< dims x rows
  std::size_t rows = 0;
  std::size_t dims = 0;

  /// Transposes row-major `points`.
  static BasicPointColumns FromRows(const std::vector<double>& points, std::size_t rows, std::size_t dims) {
    BasicPointColumns columns{std::vector<Value>(rows * dims), rows, dims};
    for (std::size_t row = 0; row < rows; ++row) {
      for (std::size_t dim = 0; dim < dims; ++dim) {
        columns.values[dim * rows + row] = static_cast<Value>(points[row * dims + dim]);
      }
    }
    return columns;
  }
};
/// Exact coordinates: the first assignment, whose distances become Hamerly's bounds.
using PointColumns = BasicPointColumns<double>;
/// Single precision, for k-means++ seeding: it only draws candidates in proportion to D(x)^2 and compares their
/// potentials, which needs no more than float's 7 digits, and twice the lanes per instruction halve its cost.
using SeedingColumns = BasicPointColumns<float>;

/// Rows per block of the column passes: a block's distances and bounds stay in the L1 cache.
inline constexpr std::size_t kColumnBlockRows = 256;

/// Squared distances from rows [begin, end) to `point`, into out[0, end - begin). Always inlined, so it is
/// vectorised inside its caller's AVX2 copy (core/vector_clones.hpp). Coordinates are summed in dimension order.
template <typename Value>
[[gnu::always_inline]] inline void BlockSquaredDistances(const BasicPointColumns<Value>& columns, std::size_t begin,
                                                         std::size_t end, const Value* point, Value* out) {
  const std::size_t count = end - begin;
  for (std::size_t idx = 0; idx < count; ++idx) out[idx] = Value{0};
  for (std::size_t dim = 0; dim < columns.dims; ++dim) {
    const Value* column = columns.values.data() + dim * columns.rows + begin;
    const Value coordinate = point[dim];
    for (std::size_t idx = 0; idx < count; ++idx) {
      const Value delta = column[idx] - coordinate;
      out[idx] += delta * delta;
    }
  }
}

/// Sum of `values` in four interleaved partial sums (a fixed order, so the result does not depend on the
/// machine), which lets the additions use vector lanes.
[[gnu::always_inline]] inline double LaneSum(const double* values, std::size_t count) {
  double partial[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t idx = 0;
  for (; idx + 4 <= count; idx += 4) {
    for (std::size_t lane = 0; lane < 4; ++lane) partial[lane] += values[idx + lane];
  }
  for (; idx < count; ++idx) partial[0] += values[idx];
  return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}

}  // namespace recon::models
