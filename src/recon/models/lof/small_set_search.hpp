#pragma once
// The all-neighbours search (lof/all_neighbours.hpp) for sets of at most kSmallSetBlocks blocks (2,048 points),
// where bounding boxes prune few blocks and the work is less the distances than choosing among them: ionosphere (351
// rows, 33 dimensions), breastw (449 distinct rows, 9), cardio (1,822, 21). Each query's approximate bounds to all
// points (lof/approximate_bounds.hpp) are kept, the count-th smallest found by counting passes over them from a guess
// (the k-th distance of a query nearby, in spatial order), the few points within it (plus the rounding bound)
// gathered with a compress, measured exactly and ranked by counting, not inserted.
//
// IMPLEMENTATION DECISIONS: measured on the ODDS sets against the general blocked search (candidates gathered block
// by block with a bound tightened on the way) and the KD-tree, one thread: ionosphere 0.68 ms -> 0.40, breastw
// 0.72 (tree) -> 0.35; two threads, cardio 3.8 -> 3.2 ms. On normal rows (two threads) it wins up to about 2,000
// points: 9-11 dimensions, 700-1,000 rows 1.2-2.2 ms (tree) -> 0.5-0.9, 2,000 rows 2.9-3.2 (blocked) -> 2.7;
// 12-33 dimensions, 1,000-2,000 rows 8-27% faster; from 3,000 rows the boxes' pruning wins (pendigits, 6,870 rows,
// 18.9 -> 32 ms; satellite 25.8 -> 44). Where the time went before: candidate lists appended and bisected every few
// points, and a ranked insertion per exact distance, whose branches mispredict; here every pass is a branch-free count,
// and the result is exact and the same on any machine and thread count as before, whatever the guesses were.
#include <cstddef>

#include "recon/models/lof/blocked_layout.hpp"
#include "recon/models/lof/knn_index.hpp"

namespace recon::models {

inline constexpr std::size_t kSmallSetBlocks = 32;

/// Every point's `count` nearest (itself among them) handed to `sink`, nearest first, ties by row; `layout` has at
/// most kSmallSetBlocks blocks.
void SearchSmallSet(const BlockedLayout& layout, std::size_t count, unsigned threads, const NeighbourSink& sink);

}  // namespace recon::models
