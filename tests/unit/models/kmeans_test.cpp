#include "recon/models/kmeans/kmeans.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "recon/core/random.hpp"
#include "recon/models/kmeans/hamerly.hpp"
#include "recon/models/kmeans/kmeans_init.hpp"

namespace recon::models {
namespace {

features::FeatureMatrix ThreeBlobs(std::size_t per_blob, std::uint64_t seed) {
  features::FeatureMatrix matrix(0, {"x", "y"});
  Random random(seed);
  const float centres[3][2] = {{0, 0}, {10, 10}, {-10, 10}};
  for (std::size_t blob = 0; blob < 3; ++blob) {
    for (std::size_t idx = 0; idx < per_blob; ++idx) {
      const float row[2] = {centres[blob][0] + static_cast<float>(random.Uniform(-1, 1)),
                            centres[blob][1] + static_cast<float>(random.Uniform(-1, 1))};
      matrix.AppendRow(row);
    }
  }
  return matrix;
}

TEST(KMeansTest, FindsWellSeparatedBlobs) {
  const auto data = ThreeBlobs(300, 4);
  KMeans kmeans({3, 4, 100, 1e-6, 42});
  kmeans.Fit(data, 2);
  const auto labels = kmeans.Assign(data, 2);
  for (std::size_t blob = 0; blob < 3; ++blob) {
    std::set<std::int32_t> seen(labels.begin() + static_cast<std::ptrdiff_t>(blob * 300),
                                labels.begin() + static_cast<std::ptrdiff_t>((blob + 1) * 300));
    EXPECT_EQ(seen.size(), 1u) << "blob " << blob << " was split";
  }
  EXPECT_NE(labels[0], labels[300]);
  EXPECT_NE(labels[300], labels[600]);
  EXPECT_GT(kmeans.Inertia(), 0.0);
}

TEST(KMeansTest, IdenticalOnAnyThreadCount) {
  const auto data = ThreeBlobs(5000, 8);
  KMeans one({5, 3, 50, 1e-4, 7});
  KMeans many({5, 3, 50, 1e-4, 7});
  one.Fit(data, 1);
  many.Fit(data, 4);
  EXPECT_EQ(one.Centres(), many.Centres());
  EXPECT_EQ(one.Inertia(), many.Inertia());
  EXPECT_EQ(one.Assign(data, 1), many.Assign(data, 3));
}

// Overlapping Gaussian clouds, so that many points change cluster over several iterations.
std::vector<double> OverlappingClouds(std::size_t rows, std::size_t dims, std::uint64_t seed) {
  Random random(seed);
  std::vector<double> points(rows * dims);
  for (std::size_t row = 0; row < rows; ++row) {
    const double offset = static_cast<double>(row % 4) * 1.5;
    for (std::size_t dim = 0; dim < dims; ++dim) points[row * dims + dim] = offset + random.Uniform(-2.0, 2.0);
  }
  return points;
}

// Textbook Lloyd: full assignment (ties to the lower index), centres from fresh sums, until no point moves.
std::vector<std::uint32_t> PlainLloydLabels(const std::vector<double>& points, std::size_t dims,
                                            std::vector<double> centres, std::size_t k) {
  const std::size_t rows = points.size() / dims;
  std::vector<std::uint32_t> labels(rows, 0);
  for (int iteration = 0; iteration < 300; ++iteration) {
    bool changed = false;
    for (std::size_t row = 0; row < rows; ++row) {
      std::uint32_t best = 0;
      double best_distance = SquaredDistance(&points[row * dims], &centres[0], dims);
      for (std::size_t centre = 1; centre < k; ++centre) {
        const double distance = SquaredDistance(&points[row * dims], &centres[centre * dims], dims);
        if (distance < best_distance) {
          best_distance = distance;
          best = static_cast<std::uint32_t>(centre);
        }
      }
      changed |= iteration == 0 || labels[row] != best;
      labels[row] = best;
    }
    if (!changed) break;
    std::vector<double> sums(k * dims, 0.0);
    std::vector<double> counts(k, 0.0);
    for (std::size_t row = 0; row < rows; ++row) {
      counts[labels[row]] += 1.0;
      for (std::size_t dim = 0; dim < dims; ++dim) sums[labels[row] * dims + dim] += points[row * dims + dim];
    }
    for (std::size_t centre = 0; centre < k; ++centre) {
      if (counts[centre] == 0.0) continue;
      for (std::size_t dim = 0; dim < dims; ++dim) centres[centre * dims + dim] = sums[centre * dims + dim] / counts[centre];
    }
  }
  return labels;
}

TEST(KMeansTest, HamerlyEndsWhereTextbookLloydEndsFromTheSameSeeds) {
  constexpr std::size_t kRows = 3000, kDims = 5, kClusters = 6;
  const std::vector<double> points = OverlappingClouds(kRows, kDims, 11);
  const SeedingColumns seeding = SeedingColumns::FromRows(points, kRows, kDims);
  const PointColumns columns = PointColumns::FromRows(points, kRows, kDims);
  Random random(3);
  const std::vector<double> start = KMeansPlusPlus(points, seeding, kClusters, random);
  // The seeds are distinct training points.
  std::set<std::vector<double>> distinct;
  for (std::size_t centre = 0; centre < kClusters; ++centre) {
    distinct.insert(std::vector<double>(start.begin() + static_cast<std::ptrdiff_t>(centre * kDims),
                                        start.begin() + static_cast<std::ptrdiff_t>((centre + 1) * kDims)));
  }
  EXPECT_EQ(distinct.size(), kClusters);

  const LloydResult fast = RunHamerly(points, columns, start, kClusters, 300, 0.0);
  EXPECT_GT(fast.iterations, 3) << "the data should make points move for several iterations";
  const std::vector<std::uint32_t> expected = PlainLloydLabels(points, kDims, start, kClusters);
  // Same partition (centres agree to rounding: running sums against fresh ones), and the inertia is the sum of
  // squared distances to the nearest final centre.
  double inertia = 0.0;
  for (std::size_t row = 0; row < kRows; ++row) {
    std::uint32_t best = 0;
    double best_distance = std::numeric_limits<double>::max();
    for (std::size_t centre = 0; centre < kClusters; ++centre) {
      const double distance = SquaredDistance(&points[row * kDims], &fast.centres[centre * kDims], kDims);
      if (distance < best_distance) {
        best_distance = distance;
        best = static_cast<std::uint32_t>(centre);
      }
    }
    ASSERT_EQ(best, expected[row]) << "row " << row;
    inertia += best_distance;
  }
  EXPECT_NEAR(fast.inertia, inertia, 1e-9 * inertia);
}

TEST(KMeansTest, SaveLoadRoundTrip) {
  const auto data = ThreeBlobs(100, 1);
  KMeans kmeans({3, 2, 50, 1e-4, 1});
  kmeans.Fit(data, 1);
  BinaryWriter writer;
  kmeans.Save(writer);
  BinaryReader reader(writer.Bytes());
  const KMeans loaded = KMeans::Load(reader);
  EXPECT_EQ(loaded.Assign(data, 2), kmeans.Assign(data, 2));
}

}  // namespace
}  // namespace recon::models
