#pragma once
// The exact inner loop of LOF's neighbour searches (lof/kd_tree.cpp, and knn_index.cpp's brute force): distances
// from one query to a run of points stored column by column in double precision, four per vector instruction, in
// the operations and order of SquaredDistance / ManhattanDistance (core/distance.hpp), so they equal a scalar
// brute force bit for bit; and the list of the best points so far, ranked by (distance, row index), so ties are
// broken the same way whatever order the points are visited in. For inclusion in functions compiled for several
// vector widths (core/vector_clones.hpp): everything here is inline.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "recon/models/lof/knn_index.hpp"

namespace recon::models {

inline constexpr std::size_t kScanLanes = 4;  // doubles per AVX2 register

using ScanDoubles = double __attribute__((vector_size(kScanLanes * sizeof(double))));

/// The term each coordinate adds to a ranked distance: squared (Euclidean, ranked squared) or absolute (Manhattan).
struct SquareTerm {
  static double Of(double delta) { return delta * delta; }
  static ScanDoubles Of(ScanDoubles delta) { return delta * delta; }
};
struct AbsoluteTerm {
  static double Of(double delta) { return delta < 0.0 ? -delta : delta; }
  static ScanDoubles Of(ScanDoubles delta) { return delta < 0.0 ? -delta : delta; }
};

/// The `count` best points offered so far, sorted by (distance, row index), into a caller's `count` slots.
class RankedList {
 public:
  RankedList(Neighbour* slots, std::size_t count) : slots_(slots), count_(count) {}
  double Worst() const { return worst_; }
  std::size_t Filled() const { return filled_; }

  void Offer(double distance, std::uint32_t row) {
    if (filled_ == count_ && !Before(distance, row, slots_[count_ - 1])) return;
    std::size_t slot = filled_ < count_ ? filled_++ : count_ - 1;
    for (; slot > 0 && Before(distance, row, slots_[slot - 1]); --slot) slots_[slot] = slots_[slot - 1];
    slots_[slot] = {row, distance};
    if (filled_ == count_) worst_ = slots_[count_ - 1].distance;
  }

 private:
  static bool Before(double distance, std::uint32_t row, const Neighbour& other) {
    return distance < other.distance || (distance == other.distance && row < other.index);
  }

  Neighbour* slots_;
  std::size_t count_;
  std::size_t filled_ = 0;
  double worst_ = std::numeric_limits<double>::infinity();
};

/// A bit per lane of a comparison's result (lane i's bit i).
template <class Lanes>
[[gnu::always_inline]] inline unsigned LaneBits(Lanes within) {
  return static_cast<unsigned>((within[0] & 1) | (within[1] & 2) | (within[2] & 4) | (within[3] & 8));
}

inline ScanDoubles LoadScanDoubles(const double* from) {
  ScanDoubles values;
  std::memcpy(&values, from, sizeof values);
  return values;
}

/// Offers the points at positions [begin, end) of `columns` (dims columns of `stride` values, readable up to
/// kScanLanes - 1 positions past `end`) to `ranked`, as rows original[position].
template <class Term>
[[gnu::always_inline]] inline void ScanPoints(const double* columns, std::size_t stride, std::size_t dims,
                                              std::size_t begin, std::size_t end, const double* query,
                                              const std::uint32_t* original, RankedList& ranked) {
  for (std::size_t pos = begin; pos < end; pos += kScanLanes) {
    // SumOfTerms's order: four partial sums over coordinates, combined pairwise.
    ScanDoubles partial0{};
    ScanDoubles partial1{};
    ScanDoubles partial2{};
    ScanDoubles partial3{};
    const double* column = columns + pos;
    std::size_t dim = 0;
    for (; dim + 4 <= dims; dim += 4) {
      partial0 += Term::Of(LoadScanDoubles(column + dim * stride) - query[dim]);
      partial1 += Term::Of(LoadScanDoubles(column + (dim + 1) * stride) - query[dim + 1]);
      partial2 += Term::Of(LoadScanDoubles(column + (dim + 2) * stride) - query[dim + 2]);
      partial3 += Term::Of(LoadScanDoubles(column + (dim + 3) * stride) - query[dim + 3]);
    }
    for (; dim < dims; ++dim) partial0 += Term::Of(LoadScanDoubles(column + dim * stride) - query[dim]);
    const ScanDoubles distances = (partial0 + partial1) + (partial2 + partial3);
    const double worst = ranked.Worst();
    const auto within = distances <= worst;
    unsigned bits = LaneBits(within);
    if (end - pos < kScanLanes) bits &= (1U << (end - pos)) - 1U;
    for (; bits != 0; bits &= bits - 1) {
      const auto lane = static_cast<std::size_t>(__builtin_ctz(bits));
      ranked.Offer(distances[lane], original[pos + lane]);
    }
  }
}

/// Completes `out` (the list's slots, `count` of them, the first `filled` ranked) once every point has been
/// offered: only distances that are not numbers (NaN coordinates) are never taken, and those points rank last, by
/// row.
inline void RankUnknownLast(std::size_t filled, std::size_t count, std::size_t rows, Neighbour* out) {
  if (filled == count) return;
  std::vector<bool> taken(rows, false);
  for (std::size_t slot = 0; slot < filled; ++slot) taken[out[slot].index] = true;
  std::size_t slot = filled;
  for (std::uint32_t row = 0; slot < count; ++row) {
    if (!taken[row]) out[slot++] = {row, std::numeric_limits<double>::quiet_NaN()};
  }
}

}  // namespace recon::models
