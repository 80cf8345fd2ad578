#include "recon/models/kmeans/silhouette.hpp"

#include <gtest/gtest.h>

#include "recon/core/error.hpp"
#include "recon/core/random.hpp"

namespace recon::models {
namespace {

// Worked by hand. Clusters {0, 1} and {4, 5} on a line: for 0, a = 1 and b = (4 + 5) / 2, s = 7/9; for 1,
// a = 1 and b = 3.5, s = 5/7; symmetric for the other cluster. Mean (7/9 + 5/7) / 2.
TEST(SilhouetteTest, KnownAnswerOnALine) {
  const std::vector<double> points = {0.0, 1.0, 4.0, 5.0};
  const std::vector<std::int32_t> labels = {0, 0, 1, 1};
  EXPECT_NEAR(MeanSilhouette(points, 1, labels, 2, 1), (7.0 / 9.0 + 5.0 / 7.0) / 2.0, 1e-12);
  EXPECT_EQ(MeanSilhouette(points, 1, labels, 2, 4), MeanSilhouette(points, 1, labels, 2, 1));
}

// A point alone in its cluster counts 0: {0, 1} and {10}: 0.9, 8/9 and 0, averaged over three points.
TEST(SilhouetteTest, APointAloneInItsClusterCountsZero) {
  const std::vector<double> points = {0.0, 0.0, 1.0, 0.0, 10.0, 0.0};
  const std::vector<std::int32_t> labels = {0, 0, 1};
  EXPECT_NEAR(MeanSilhouette(points, 2, labels, 2, 1), (0.9 + 8.0 / 9.0) / 3.0, 1e-12);
}

features::FeatureMatrix Blobs(std::size_t blobs, std::size_t per_blob, std::uint64_t seed) {
  features::FeatureMatrix matrix(0, {"x", "y"});
  Random random(seed);
  for (std::size_t blob = 0; blob < blobs; ++blob) {
    const double centre_x = 20.0 * static_cast<double>(blob % 2);
    const double centre_y = 20.0 * static_cast<double>(blob / 2);
    for (std::size_t idx = 0; idx < per_blob; ++idx) {
      const float row[2] = {static_cast<float>(centre_x + random.Uniform(-1, 1)),
                            static_cast<float>(centre_y + random.Uniform(-1, 1))};
      matrix.AppendRow(row);
    }
  }
  return matrix;
}

TEST(SilhouetteTest, ChoosesTheNumberOfWellSeparatedBlobs) {
  for (const std::size_t blobs : {std::size_t{3}, std::size_t{4}}) {
    const auto data = Blobs(blobs, 200, 5);
    auto [choice, model] = ChooseClusterCount(data, data, KMeansParams{5, 4, 100, 1e-6, 42}, 6, 2);
    EXPECT_EQ(choice.k, static_cast<int>(blobs));
    EXPECT_EQ(model.ClusterCount(), blobs);
    ASSERT_EQ(choice.tried.size(), 5u);  // k = 2 .. 6
    EXPECT_EQ(choice.tried.front().first, 2);
    for (const auto& [k, silhouette] : choice.tried) EXPECT_LE(silhouette, choice.silhouette) << k;
    EXPECT_GT(choice.silhouette, 0.8);
  }
}

TEST(SilhouetteTest, RefusesImpossibleRequests) {
  const auto data = Blobs(2, 10, 1);
  EXPECT_THROW(ChooseClusterCount(data, data, KMeansParams{}, 1, 1), Error);
  features::FeatureMatrix one_row(0, {"x", "y"});
  one_row.AppendRow(data.Row(0));
  EXPECT_THROW(ChooseClusterCount(data, one_row, KMeansParams{}, 4, 1), Error);
}

}  // namespace
}  // namespace recon::models
