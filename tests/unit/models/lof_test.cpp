#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "recon/core/error.hpp"
#include "recon/core/random.hpp"
#include "recon/models/lof/local_outlier_factor.hpp"

namespace recon::models {
namespace {

features::FeatureMatrix RandomPoints(std::size_t rows, std::size_t dims, std::uint64_t seed) {
  features::FeatureMatrix matrix(0, std::vector<std::string>(dims, "x"));
  Random random(seed);
  std::vector<float> row(dims);
  for (std::size_t idx = 0; idx < rows; ++idx) {
    for (float& value : row) value = static_cast<float>(random.Uniform(-1.0, 1.0) * (idx % 7 == 0 ? 4.0 : 1.0));
    matrix.AppendRow(row.data());
  }
  return matrix;
}

double Distance(const float* a, const float* b, std::size_t dims, Metric metric = Metric::kEuclidean) {
  double sum = 0.0;
  for (std::size_t dim = 0; dim < dims; ++dim) {
    const double delta = static_cast<double>(a[dim]) - b[dim];
    sum += metric == Metric::kManhattan ? std::fabs(delta) : delta * delta;
  }
  return metric == Metric::kManhattan ? sum : std::sqrt(sum);
}

// LOF straight from Breunig et al.'s definitions (brute force, each point left out of its own neighbourhood).
std::vector<double> OracleLof(const features::FeatureMatrix& data, std::size_t k,
                              Metric metric = Metric::kEuclidean) {
  const auto Distance = [metric](const float* a, const float* b, std::size_t dims) {
    return recon::models::Distance(a, b, dims, metric);
  };
  const std::size_t n = data.Rows();
  std::vector<std::vector<std::size_t>> neighbours(n);
  std::vector<double> k_distance(n);
  for (std::size_t p = 0; p < n; ++p) {
    std::vector<std::size_t> others;
    for (std::size_t o = 0; o < n; ++o) {
      if (o != p) others.push_back(o);
    }
    std::vector<double> from_p(n);
    for (std::size_t o = 0; o < n; ++o) from_p[o] = Distance(data.Row(p), data.Row(o), data.Cols());
    std::sort(others.begin(), others.end(), [&](std::size_t a, std::size_t b) { return from_p[a] < from_p[b]; });
    neighbours[p].assign(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(k));
    k_distance[p] = Distance(data.Row(p), data.Row(neighbours[p].back()), data.Cols());
  }
  std::vector<double> lrd(n);
  for (std::size_t p = 0; p < n; ++p) {
    double reach = 0.0;
    for (const std::size_t o : neighbours[p])
      reach += std::max(k_distance[o], Distance(data.Row(p), data.Row(o), data.Cols()));
    lrd[p] = 1.0 / (reach / static_cast<double>(k) + 1e-10);
  }
  std::vector<double> lof(n);
  for (std::size_t p = 0; p < n; ++p) {
    double sum = 0.0;
    for (const std::size_t o : neighbours[p]) sum += lrd[o];
    lof[p] = sum / static_cast<double>(k) / lrd[p];
  }
  return lof;
}

TEST(LofTest, MatchesTheDefinitionWithTreeAndBruteForce) {
  for (const std::size_t dims : {3u, 20u}) {  // KD-tree below 16 dimensions, brute force above
    const auto data = RandomPoints(150, dims, dims);
    LocalOutlierFactor lof({10, Scaling::kNone});
    lof.Fit(data);
    const auto scores = lof.TrainingScores(data, 2);
    const auto oracle = OracleLof(data, 10);
    for (std::size_t row = 0; row < data.Rows(); ++row)
      ASSERT_NEAR(scores[row], oracle[row], 1e-5 * oracle[row]) << row;
  }
}

TEST(LofTest, ManhattanMatchesTheDefinitionWithTreeAndBruteForce) {
  for (const std::size_t dims : {3u, 9u, 20u}) {  // KD-tree (lof/kd_tree.hpp) up to 16 dimensions, brute force above
    const auto data = RandomPoints(1100, dims, dims + 100);
    LofParams params{10, Scaling::kNone, Metric::kManhattan};
    LocalOutlierFactor lof(params);
    lof.Fit(data);
    const auto scores = lof.TrainingScores(data, 2);
    const auto oracle = OracleLof(data, 10, Metric::kManhattan);
    const auto euclidean = OracleLof(data, 10);
    std::size_t differs = 0;
    for (std::size_t row = 0; row < data.Rows(); ++row) {
      ASSERT_NEAR(scores[row], oracle[row], 1e-5 * oracle[row]) << dims << " dims, row " << row;
      differs += std::fabs(oracle[row] - euclidean[row]) > 1e-3 * oracle[row] ? 1 : 0;
    }
    EXPECT_GT(differs, data.Rows() / 2) << "the metric should change most scores";
  }
}

TEST(LofTest, NoveltyScoresOfFarPointsAreHighAndDuplicatesCount) {
  auto data = RandomPoints(200, 2, 5);
  for (int copy = 0; copy < 30; ++copy) data.AppendRow(data.Row(0));  // a heavy duplicate
  LocalOutlierFactor lof({20, Scaling::kStandardise});
  lof.Fit(data);
  features::FeatureMatrix queries(0, {"x", "y"});
  const float near[] = {0.1f, 0.1f};
  const float far[] = {40.0f, -40.0f};
  queries.AppendRow(near);
  queries.AppendRow(far);
  const auto scores = lof.Score(queries, 1);
  EXPECT_LT(scores[0], 2.0);
  EXPECT_GT(scores[1], 10.0);
  const auto training = lof.TrainingScores(data, 1);
  EXPECT_EQ(training[0], training.back());  // copies of a point score alike
}

TEST(LofTest, SaveLoadRoundTripScoresIdentically) {
  const auto data = RandomPoints(300, 4, 9);
  LocalOutlierFactor lof({15, Scaling::kRobust});
  lof.Fit(data);
  BinaryWriter writer;
  lof.Save(writer);
  BinaryReader reader(writer.Bytes());
  const auto loaded = LocalOutlierFactor::Load(reader);
  EXPECT_EQ(loaded->Score(data, 2), lof.Score(data, 1));
  BinaryWriter again;
  loaded->Save(again);
  EXPECT_EQ(again.Bytes(), writer.Bytes());
  BinaryReader truncated(std::string_view(writer.Bytes()).substr(0, writer.Bytes().size() - 9));
  EXPECT_THROW(LocalOutlierFactor::Load(truncated), Error);
}

TEST(LofTest, MetricSurvivesSaveAndLoadAndOldEuclideanSectionsStillLoad) {
  const auto data = RandomPoints(300, 4, 9);
  LocalOutlierFactor manhattan({15, Scaling::kStandardise, Metric::kManhattan});
  manhattan.Fit(data);
  BinaryWriter writer;
  manhattan.Save(writer);
  BinaryReader reader(writer.Bytes());
  EXPECT_EQ(LocalOutlierFactor::Load(reader)->Score(data, 1), manhattan.Score(data, 1));

  // A section written before the metric was a setting: tag "LOF " and no metric field. It loads as Euclidean.
  LocalOutlierFactor euclidean({15, Scaling::kStandardise});
  euclidean.Fit(data);
  BinaryWriter current;
  euclidean.Save(current);
  std::string legacy = current.Bytes();
  const std::uint32_t old_tag = 0x4C4F4620;
  std::memcpy(legacy.data(), &old_tag, sizeof old_tag);
  legacy.erase(4, sizeof(std::uint32_t));
  BinaryReader legacy_reader(legacy);
  EXPECT_EQ(LocalOutlierFactor::Load(legacy_reader)->Score(data, 1), euclidean.Score(data, 1));

  std::string unknown_metric = current.Bytes();
  unknown_metric[4] = 7;
  BinaryReader unknown_reader(unknown_metric);
  EXPECT_THROW(LocalOutlierFactor::Load(unknown_reader), Error);
}

TEST(LofTest, MetricNames) {
  EXPECT_EQ(ParseMetric("manhattan", "m"), Metric::kManhattan);
  EXPECT_EQ(ParseMetric("cityblock", "m"), Metric::kManhattan);
  EXPECT_EQ(ParseMetric("euclidean", "m"), Metric::kEuclidean);
  EXPECT_EQ(MetricName(Metric::kManhattan), "manhattan");
  try {
    ParseMetric("cosine", "detector.lof.metric");
    ADD_FAILURE() << "cosine accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("detector.lof.metric must be euclidean or manhattan"), std::string::npos);
  }
}

TEST(LofTest, ExplanationPointsAtTheDeviatingFeature) {
  const auto data = RandomPoints(400, 3, 2);
  LocalOutlierFactor lof({20, Scaling::kStandardise});
  lof.Fit(data);
  const float odd[] = {0.0f, 25.0f, 0.1f};
  const auto contributions = lof.Explain(odd);
  ASSERT_FALSE(contributions.empty());
  EXPECT_EQ(contributions.front().column, 1u);
}

}  // namespace
}  // namespace recon::models
