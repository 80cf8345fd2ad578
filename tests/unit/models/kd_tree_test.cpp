#include "recon/models/lof/kd_tree.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "recon/core/distance.hpp"
#include "recon/core/error.hpp"
#include "recon/models/lof/knn_index.hpp"
#include "unit/models/test_data.hpp"

namespace recon::models {
namespace {

features::FeatureMatrix Points(std::size_t rows, std::size_t dims, std::uint64_t seed, bool with_ties) {
  return testing::ClusteredPoints(rows, dims, seed, with_ties);
}

// Every point measured with core/distance.hpp's functions and ranked by (distance, index): what the tree must
// return, bit for bit.
std::vector<Neighbour> BruteForce(const features::FeatureMatrix& points, const float* query, std::size_t k,
                                  Metric metric) {
  const std::size_t dims = points.Cols();
  const std::vector<double> target(query, query + dims);
  std::vector<Neighbour> all;
  for (std::size_t row = 0; row < points.Rows(); ++row) {
    const std::vector<double> point(points.Row(row), points.Row(row) + dims);
    const double distance = metric == Metric::kManhattan ? ManhattanDistance(point.data(), target.data(), dims)
                                                         : SquaredDistance(point.data(), target.data(), dims);
    all.push_back({static_cast<std::uint32_t>(row), distance});
  }
  std::sort(all.begin(), all.end(), [](const Neighbour& a, const Neighbour& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
  });
  all.resize(k);
  return all;
}

void ExpectIdentical(const std::vector<Neighbour>& expected, const Neighbour* actual) {
  for (std::size_t slot = 0; slot < expected.size(); ++slot) {
    ASSERT_EQ(expected[slot].index, actual[slot].index) << "slot " << slot;
    ASSERT_EQ(expected[slot].distance, actual[slot].distance) << "slot " << slot;
  }
}

std::vector<Neighbour> NearestOf(const KdTree& tree, const float* query, std::size_t k) {
  std::vector<Neighbour> out(k);
  tree.Nearest(query, k, out.data());
  return out;
}

TEST(KdTreeTest, EqualsBruteForceBitForBitInEveryDimensionAndBothMetrics) {
  // 1-16 dimensions, the tree's whole range; 1,000 rows make leaves and inner nodes.
  for (std::size_t dims = 1; dims <= KdTree::kMaxDims; ++dims) {
    for (const Metric metric : {Metric::kEuclidean, Metric::kManhattan}) {
      SCOPED_TRACE(std::to_string(dims) + " dims, " + MetricName(metric));
      const auto points = Points(1000, dims, 11 + dims, /*with_ties=*/false);
      const KdTree tree(points, metric);
      const auto queries = Points(25, dims, 900 + dims, false);  // new points, some far outside the set
      for (std::size_t idx = 0; idx < queries.Rows(); ++idx) {
        for (const std::size_t k : {1U, 21U})
          ExpectIdentical(BruteForce(points, queries.Row(idx), k, metric), NearestOf(tree, queries.Row(idx), k).data());
      }
      ExpectIdentical(BruteForce(points, points.Row(7), 21, metric), NearestOf(tree, points.Row(7), 21).data());
    }
  }
}

TEST(KdTreeTest, TiesAreRankedByRowIndex) {
  for (const Metric metric : {Metric::kEuclidean, Metric::kManhattan}) {
    const auto points = Points(2000, 3, 4, /*with_ties=*/true);  // quarter-unit grid: many equal distances
    const KdTree tree(points, metric);
    for (std::size_t row = 0; row < points.Rows(); row += 37) {
      ExpectIdentical(BruteForce(points, points.Row(row), 40, metric), NearestOf(tree, points.Row(row), 40).data());
    }
  }
}

TEST(KdTreeTest, AllNearestEqualsOneQueryPerPointOnAnyThreadCount) {
  const auto points = Points(3000, 6, 8, false);
  const KdTree tree(points, Metric::kEuclidean);
  const std::vector<Neighbour> one_thread = tree.AllNearest(21, 1);
  const std::vector<Neighbour> four_threads = tree.AllNearest(21, 4);
  ASSERT_EQ(one_thread.size(), points.Rows() * 21);
  for (std::size_t row = 0; row < points.Rows(); ++row) {
    SCOPED_TRACE("row " + std::to_string(row));
    const std::vector<Neighbour> expected = BruteForce(points, points.Row(row), 21, Metric::kEuclidean);
    ExpectIdentical(expected, &one_thread[row * 21]);
    ExpectIdentical(expected, &four_threads[row * 21]);
    ASSERT_EQ(one_thread[row * 21].index, row);  // itself first, at distance 0
  }
}

TEST(KdTreeTest, LopsidedAndRepeatedPointsStayExact) {
  // Coordinates 2^-i: every middle cut leaves one point on one side, the shape that needs the median cuts the
  // tree falls back to beyond 32 levels (its search stack holds one node per level). Plus 300 copies of one
  // point: a cell no cut can divide.
  features::FeatureMatrix points(0, {"x"});
  for (int idx = 0; idx < 126; ++idx) {  // single-precision normals: about 80 levels of one-point cuts
    const float value = std::ldexp(1.0F, -idx);
    points.AppendRow(&value);
  }
  for (int idx = 0; idx < 300; ++idx) {
    const float value = 3.0F;
    points.AppendRow(&value);
  }
  const KdTree tree(points, Metric::kEuclidean);
  for (std::size_t row = 0; row < points.Rows(); row += 7) {
    ExpectIdentical(BruteForce(points, points.Row(row), 30, Metric::kEuclidean),
                    NearestOf(tree, points.Row(row), 30).data());
  }
  const std::vector<Neighbour> all = tree.AllNearest(points.Rows(), 2);  // every point ranks every other
  for (const std::size_t row : {0UL, 125UL, 300UL}) {
    ExpectIdentical(BruteForce(points, points.Row(row), points.Rows(), Metric::kEuclidean), &all[row * points.Rows()]);
  }
}

TEST(KdTreeTest, PointsThatAreNotNumbersRankLastAndLeaveTheOthersExact) {
  auto points = Points(400, 3, 6, false);
  points.At(10, 1) = std::numeric_limits<float>::quiet_NaN();
  points.At(250, 0) = std::numeric_limits<float>::quiet_NaN();
  const KdTree tree(points, Metric::kEuclidean);
  // The same set with those two points far away instead ranks the others the same way.
  auto far = points;
  far.At(10, 1) = 1e30F;
  far.At(250, 0) = 2e30F;
  for (std::size_t row = 0; row < points.Rows(); row += 13) {
    if (row == 10 || row == 250) continue;
    const std::vector<Neighbour> all = NearestOf(tree, points.Row(row), points.Rows());
    const std::vector<Neighbour> expected = BruteForce(far, points.Row(row), points.Rows() - 2, Metric::kEuclidean);
    ExpectIdentical(expected, all.data());
    EXPECT_EQ(all[points.Rows() - 2].index, 10u);  // then the unknown distances, by row
    EXPECT_EQ(all[points.Rows() - 1].index, 250u);
    EXPECT_TRUE(std::isnan(all.back().distance));
  }
  const std::vector<Neighbour> from_nan = NearestOf(tree, points.Row(10), 5);  // every distance unknown: by row
  for (std::uint32_t slot = 0; slot < 5; ++slot) EXPECT_EQ(from_nan[slot].index, slot);
}

TEST(KnnIndexTest, BruteForceAboveTheTreesDimensionsRanksAsTheTreeDoes) {
  // 20 and 40 dimensions: KnnIndex scans every point with the same kernel; distances as sqrt / sum, ties by row.
  for (const std::size_t dims : {20U, 40U}) {
    for (const Metric metric : {Metric::kEuclidean, Metric::kManhattan}) {
      const auto points = Points(500, dims, dims, /*with_ties=*/true);
      const KnnIndex index(points, metric);
      const auto queries = Points(10, dims, dims + 1, true);
      for (std::size_t idx = 0; idx < queries.Rows(); ++idx) {
        const std::vector<Neighbour> expected = BruteForce(points, queries.Row(idx), 21, metric);
        const std::vector<Neighbour> found = index.Nearest(queries.Row(idx), 21);
        ASSERT_EQ(found.size(), 21u);
        for (std::size_t slot = 0; slot < 21; ++slot) {
          ASSERT_EQ(found[slot].index, expected[slot].index) << dims << " dims, slot " << slot;
          const double distance =
              metric == Metric::kManhattan ? expected[slot].distance : std::sqrt(expected[slot].distance);
          ASSERT_EQ(found[slot].distance, distance);
        }
      }
    }
  }
}

TEST(KdTreeTest, RefusesWhatItCannotIndexOrAnswer) {
  EXPECT_THROW(KdTree(Points(10, KdTree::kMaxDims + 1, 1, false), Metric::kEuclidean), Error);
  const KdTree tree(Points(10, 2, 1, false), Metric::kEuclidean);
  std::vector<Neighbour> out(11);
  EXPECT_THROW(tree.Nearest(Points(1, 2, 2, false).Row(0), 11, out.data()), Error);
}

}  // namespace
}  // namespace recon::models
