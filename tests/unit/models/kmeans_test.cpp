#include "recon/models/kmeans/kmeans.hpp"

#include <gtest/gtest.h>

#include <set>

#include "recon/core/random.hpp"

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
