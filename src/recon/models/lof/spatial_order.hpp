#pragma once
// An order of points in which consecutive runs of `leaf` points are spatially compact: the leaves of a KD-tree
// split at the median of the widest coordinate, each split falling on a multiple of `leaf` so that leaves line up
// with fixed-size blocks. Brute-force neighbour search over blocks in this order can skip whole blocks by their
// bounding boxes and finds good candidates in the query's own block first.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace recon::models {

/// The rows of `points` (row-major rows x dims), in leaf order; deterministic (ties by row index).
std::vector<std::uint32_t> SpatialOrder(const float* points, std::size_t rows, std::size_t dims, std::size_t leaf);

}  // namespace recon::models
