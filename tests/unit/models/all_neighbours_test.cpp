#include "recon/models/lof/all_neighbours.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "recon/models/lof/spatial_order.hpp"
#include "unit/models/test_data.hpp"

namespace recon::models {
namespace {

features::FeatureMatrix Points(std::size_t rows, std::size_t dims, std::uint64_t seed, bool with_ties) {
  return testing::ClusteredPoints(rows, dims, seed, with_ties);
}

// Every pair measured in double precision, ranked by (distance, index).
std::vector<Neighbour> Reference(const features::FeatureMatrix& points, std::size_t count,
                                 Metric metric = Metric::kEuclidean) {
  const std::size_t rows = points.Rows();
  const std::size_t dims = points.Cols();
  std::vector<Neighbour> lists;
  std::vector<Neighbour> all(rows);
  for (std::size_t query = 0; query < rows; ++query) {
    for (std::size_t row = 0; row < rows; ++row) {
      double sum = 0.0;
      for (std::size_t dim = 0; dim < dims; ++dim) {
        const double delta = static_cast<double>(points.At(query, dim)) - points.At(row, dim);
        sum += metric == Metric::kManhattan ? std::fabs(delta) : delta * delta;
      }
      all[row] = {static_cast<std::uint32_t>(row), sum};
    }
    std::sort(all.begin(), all.end(), [](const Neighbour& a, const Neighbour& b) {
      return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
    });
    for (std::size_t slot = 0; slot < count; ++slot) {
      const double distance = metric == Metric::kManhattan ? all[slot].distance : std::sqrt(all[slot].distance);
      lists.push_back({all[slot].index, distance});
    }
  }
  return lists;
}

void ExpectSameLists(const std::vector<Neighbour>& expected, const std::vector<Neighbour>& actual) {
  ASSERT_EQ(expected.size(), actual.size());
  for (std::size_t idx = 0; idx < expected.size(); ++idx) {
    ASSERT_EQ(expected[idx].index, actual[idx].index) << "entry " << idx;
    ASSERT_NEAR(expected[idx].distance, actual[idx].distance, 1e-12 * (1.0 + expected[idx].distance)) << idx;
  }
}

TEST(AllNeighboursTest, EqualsExhaustiveSearchInLowAndHighDimensions) {
  for (const std::size_t dims : {2U, 6U, 13U, 33U}) {
    const auto points = Points(700, dims, 5 + dims, /*with_ties=*/false);
    ExpectSameLists(Reference(points, 21), AllNeighbours(points, 21, 2));
  }
}

TEST(AllNeighboursTest, SmallSetsWithPartialBlocksGiveTheSameLists) {
  // The small-set search (up to 2,048 points): 301 and 450 leave partial blocks and a short last group of queries.
  for (const std::size_t rows : {301U, 450U}) {
    for (const bool with_ties : {false, true}) {
      const auto points = Points(rows, 24, rows + (with_ties ? 1 : 0), with_ties);
      SCOPED_TRACE(std::to_string(rows) + " rows" + (with_ties ? ", ties" : ""));
      ExpectSameLists(Reference(points, 21), AllNeighbours(points, 21, 2));
      ExpectSameLists(Reference(points, 21), AllNeighbours(points, 21, 1));
    }
  }
}

TEST(AllNeighboursTest, SmallSetsAtEveryScaleAndWithManyCopies) {
  // The small-set search (up to 2,048 points, from 9 dimensions) guesses each query's bound from a query nearby: here
  // the clusters' scales differ by 10^6 (a guess from one far too tight or loose for the next), half the points
  // are copies of one (k-th distances of 0), and a few tiny sets have fewer points than the lists ask.
  auto points = Points(400, 12, 21, /*with_ties=*/false);
  for (std::size_t row = 0; row < points.Rows(); ++row) {
    for (std::size_t dim = 0; dim < points.Cols(); ++dim) {
      if (row % 3 == 1) points.At(row, dim) = points.At(row, dim) * 1e-3F;
      if (row % 3 == 2) points.At(row, dim) = points.At(row, dim) * 1e3F;
    }
  }
  ExpectSameLists(Reference(points, 21), AllNeighbours(points, 21, 2));
  auto copies = Points(200, 10, 22, /*with_ties=*/true);
  for (std::size_t row = 0; row < copies.Rows(); row += 2) {
    for (std::size_t dim = 0; dim < copies.Cols(); ++dim) copies.At(row, dim) = copies.At(0, dim);
  }
  for (const unsigned threads : {1U, 2U}) {
    ExpectSameLists(Reference(copies, 21), AllNeighbours(copies, 21, threads));
    ExpectSameLists(Reference(copies, 21, Metric::kManhattan), AllNeighbours(copies, 21, threads, Metric::kManhattan));
  }
  for (const std::size_t rows : {1U, 2U, 5U, 9U}) {
    const auto tiny = Points(rows, 11, rows, false);
    ExpectSameLists(Reference(tiny, rows), AllNeighbours(tiny, 21, 2));
  }
}

TEST(AllNeighboursTest, TiesAreBrokenByIndexAsTheReferenceDoes) {
  const auto points = Points(500, 4, 9, /*with_ties=*/true);
  ExpectSameLists(Reference(points, 15), AllNeighbours(points, 15, 1));
}

TEST(AllNeighboursTest, SameOnAnyThreadCountAndForTinySets) {
  const auto points = Points(1000, 20, 3, false);
  EXPECT_EQ(AllNeighbours(points, 10, 1).size(), 10000u);
  ExpectSameLists(AllNeighbours(points, 10, 1), AllNeighbours(points, 10, 4));
  const auto tiny = Points(3, 5, 1, false);
  ExpectSameLists(Reference(tiny, 3), AllNeighbours(tiny, 8, 2));  // count capped at the rows
}

TEST(AllNeighboursTest, SpatialOrderIsAPermutationWithCompactLeaves) {
  const auto points = Points(1000, 3, 2, false);
  std::vector<std::uint32_t> order = SpatialOrder(points.Data(), points.Rows(), points.Cols(), 64);
  std::vector<std::uint32_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::uint32_t> identity(points.Rows());
  std::iota(identity.begin(), identity.end(), 0U);
  EXPECT_EQ(sorted, identity);
  // The three clusters are 5 apart and about 2 wide: a compact leaf never mixes two of them (outliers aside).
  std::size_t mixed_leaves = 0;
  for (std::size_t begin = 0; begin < order.size(); begin += 64) {
    std::set<std::uint32_t> clusters;
    for (std::size_t pos = begin; pos < std::min(order.size(), begin + 64); ++pos) {
      if (order[pos] % 97 != 0) clusters.insert(order[pos] % 3);
    }
    mixed_leaves += clusters.size() > 1;
  }
  EXPECT_LE(mixed_leaves, 2u);
}

TEST(AllNeighboursTest, ManhattanEqualsExhaustiveSearchWithAndWithoutTies) {
  for (const std::size_t dims : {3u, 9u, 33u}) {
    for (const bool with_ties : {false, true}) {
      const auto points = Points(301, dims, dims + (with_ties ? 50 : 0), with_ties);  // 301: a partial last block
      SCOPED_TRACE(std::to_string(dims) + " dims" + (with_ties ? ", ties" : ""));
      ExpectSameLists(Reference(points, 21, Metric::kManhattan), AllNeighbours(points, 21, 2, Metric::kManhattan));
    }
  }
}

TEST(AllNeighboursTest, PrefersTheTreeBelowNineDimensionsAndTheBlockedSearchesFrom) {
  EXPECT_FALSE(PreferBlockedSearch(6));  // annthyroid, mammography, thyroid: dense, discrete-valued clusters
  EXPECT_FALSE(PreferBlockedSearch(8));
  EXPECT_TRUE(PreferBlockedSearch(9));  // breastw, and recon's nine model features
  EXPECT_TRUE(PreferBlockedSearch(16));
  EXPECT_TRUE(PreferBlockedSearch(300));  // wider than the tree takes
}

TEST(AllNeighboursTest, LargeSetsSearchedBlockByBlockEqualExhaustiveSearch) {
  // Above 2,048 points the blocked search skips blocks by their boxes (below, the small-set search takes them all).
  const auto points = Points(2300, 12, 31, /*with_ties=*/false);
  ExpectSameLists(Reference(points, 21), AllNeighbours(points, 21, 2));
  const auto tied = Points(2200, 9, 32, /*with_ties=*/true);
  ExpectSameLists(Reference(tied, 21, Metric::kManhattan), AllNeighbours(tied, 21, 2, Metric::kManhattan));
  // A point that is not a number is nobody's neighbour, and its own list is the first rows, unknown distances.
  auto with_nan = points;
  with_nan.At(1000, 5) = std::numeric_limits<float>::quiet_NaN();
  auto far = points;
  far.At(1000, 5) = 1e15F;
  const std::vector<Neighbour> lists = AllNeighbours(with_nan, 21, 2);
  const std::vector<Neighbour> expected = Reference(far, 21);
  for (std::size_t row = 0; row < with_nan.Rows(); ++row) {
    for (std::size_t slot = 0; slot < 21; ++slot) {
      const Neighbour& got = lists[row * 21 + slot];
      if (row == 1000) {
        ASSERT_EQ(got.index, slot);
        ASSERT_TRUE(std::isnan(got.distance));
      } else {
        ASSERT_EQ(got.index, expected[row * 21 + slot].index) << row << " " << slot;
      }
    }
  }
}

TEST(AllNeighboursTest, PointsThatAreNotNumbersRankLastInTheBlockedSearch) {
  auto points = Points(300, 20, 12, false);  // 20 dimensions: the blocked search
  points.At(42, 3) = std::numeric_limits<float>::quiet_NaN();
  auto far = points;  // the same set with that point far away ranks the others the same way
  far.At(42, 3) = 1e15F;
  const std::vector<Neighbour> lists = AllNeighbours(points, 300, 2);
  const std::vector<Neighbour> expected = Reference(far, 300);
  for (std::size_t row = 0; row < 300; row += 7) {
    if (row == 42) continue;
    for (std::size_t slot = 0; slot + 1 < 300; ++slot) {
      ASSERT_EQ(lists[row * 300 + slot].index, expected[row * 300 + slot].index) << row << " " << slot;
    }
    EXPECT_EQ(lists[row * 300 + 299].index, 42u);
    EXPECT_TRUE(std::isnan(lists[row * 300 + 299].distance));
  }
  for (std::uint32_t slot = 0; slot < 5; ++slot) EXPECT_EQ(lists[42 * 300 + slot].index, slot);  // all unknown
}

TEST(AllNeighboursTest, WideSetsUseTheBlockedSearchToo) {
  const auto points = Points(120, 300, 4, false);  // above any fixed-size buffer the search once kept on its stack
  ExpectSameLists(Reference(points, 7), AllNeighbours(points, 7, 2));
}

}  // namespace
}  // namespace recon::models
