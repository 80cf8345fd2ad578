#pragma once
// The point set as the blocked all-neighbours searches read it (lof/all_neighbours.cpp, lof/small_set_search.cpp):
// in spatial order (lof/spatial_order.hpp), mean-centred (smaller norms, smaller rounding error in the expansion),
// column by column in single precision with their norms (squared Euclidean, or Manhattan) and each block's bounding
// box, for the approximate bounds (lof/approximate_bounds.hpp); and as given, row by row in double precision in the
// same order, for the exact distances.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "recon/core/distance.hpp"
#include "recon/features/feature_matrix.hpp"
#include "recon/models/lof/approximate_bounds.hpp"
#include "recon/models/lof/knn_index.hpp"
#include "recon/models/lof/metric.hpp"

namespace recon::models {

struct BlockedLayout {
  Metric metric = Metric::kEuclidean;
  std::size_t rows = 0;
  std::size_t padded_rows = 0;  // rows rounded up to whole blocks; padding points are infinitely far away
  std::size_t dims = 0;
  std::vector<std::uint32_t> original;  // position -> row of the input
  std::vector<float> columns;           // dims x padded_rows, by position
  std::vector<float> norms;             // |p|^2 (Euclidean) or |p|_1 (Manhattan) of each centred point, by position
  float max_norm = 0.0F;                // the largest of them (not-a-number ones aside)
  std::vector<float> box_low;           // dims x blocks: each block's bounding box
  std::vector<float> box_high;
  std::vector<float> box_max_norm;        // the largest norm in each block
  std::vector<double> exact_by_position;  // rows x dims, as given, by position

  std::size_t Blocks() const { return padded_rows / kBlockPoints; }
};

/// The layout of `points`; the blocks' boxes (box_low, box_high) are left empty unless `with_boxes` (a search that
/// visits every block has no use for them).
BlockedLayout MakeBlockedLayout(const features::FeatureMatrix& points, Metric metric, bool with_boxes);

/// The bounds kernel's input (lof/approximate_bounds.hpp) for the group of kGroupQueries queries at `positions` of
/// `layout`: their coordinates prepared for the metric into `coordinates` (dims x kGroupQueries) and their starts into
/// `starts` (kGroupQueries), which must outlive the input.
GroupBoundsInput GroupInput(const BlockedLayout& layout, const std::size_t* positions, float* coordinates,
                            float* starts);

/// The points at `positions` measured exactly against the point at `query_position` and ranked by (distance, row)
/// into out[0, count): the `count` best, and after them, should fewer than `count` be numbers (coordinates that are
/// not), the rows not ranked, in order, with unknown distances (RankUnknownLast, lof/exact_scan.hpp). `distances`
/// and `rows` are scratch for size + 3 values.
void MeasureAndRank(const BlockedLayout& layout, std::size_t query_position, const std::uint32_t* positions,
                    std::size_t size, std::size_t count, double* distances, double* rows, Neighbour* out);

/// What the exact phase ranks by: squared Euclidean, or Manhattan, distance in double precision (the same bits as
/// every other search of recon's). Inlined, so that the vector-width clones of its callers widen it too.
[[gnu::always_inline]] inline double ExactDistance(const BlockedLayout& layout, const double* a, const double* b) {
  return layout.metric == Metric::kManhattan ? ManhattanDistance(a, b, layout.dims)
                                             : SquaredDistance(a, b, layout.dims);
}

}  // namespace recon::models
