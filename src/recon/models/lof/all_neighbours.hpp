#pragma once
// The nearest neighbours of every point of a set among the same set: what fitting LOF asks for, n queries against
// the n points themselves. From about nine dimensions a blocked search (points in KD-tree leaf order, blocks of
// 64 skipped by their bounding boxes, four queries against sixteen points per pass of the bounds kernel) beats a
// KD-tree query per point: it streams the points and has few branches to mispredict, where the tree's pruning
// weakens (PreferBlockedSearch says where, as measured). Sets of at most 2,048 points go to the small-set search
// (lof/small_set_search.hpp), which keeps every bound of a query and counts instead of gathering as it goes.
//
// IMPLEMENTATION DECISIONS: distances are first computed approximately in single precision, Euclidean ones as
// |q|^2 + |p|^2 - 2 q.p on mean-centred columns (a multiply-add per coordinate, eight points per instruction),
// Manhattan ones as sums of |p_i - q_i|, with a bound on their rounding error (lof/approximate_bounds.hpp). The
// points whose lower bound is within a bound on the query's k-th distance are gathered first (lof/candidate_list.hpp)
// and only at the end measured exactly in double precision, hardly more than k of them; the lists are ranked on
// those exact distances, ties by index. So the result is exact and the same on any machine and thread count,
// whatever the approximation did.
#include <cstddef>
#include <vector>

#include "recon/features/feature_matrix.hpp"
#include "recon/models/lof/knn_index.hpp"

namespace recon::models {

/// Whether the blocked searches are faster than the KD-tree (lof/kd_tree.hpp) in `dims` dimensions (from 9, and
/// always above the tree's 16): which AllNeighbours uses.
bool PreferBlockedSearch(std::size_t dims);

/// For every point of `points`, its `count` nearest points of the set (the point itself among them, at distance
/// 0) in `metric`, nearest first, ties by index: rows x count entries, row-major. `count` is at most
/// points.Rows().
std::vector<Neighbour> AllNeighbours(const features::FeatureMatrix& points, std::size_t count, unsigned threads,
                                     Metric metric = Metric::kEuclidean);
/// The same, each list handed to `sink` (knn_index.hpp) instead of stored.
void AllNeighbours(const features::FeatureMatrix& points, std::size_t count, unsigned threads, Metric metric,
                   const NeighbourSink& sink);

}  // namespace recon::models
