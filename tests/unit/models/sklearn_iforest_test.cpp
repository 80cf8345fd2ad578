// recon's Isolation Forest against scikit-learn's, tree by tree: for the same seed it must grow the same trees
// (features, thresholds, node sizes) and give the same scores. References: tests/data/sklearn_iforest, written by
// tests/tools/make_sklearn_iforest_reference.py with scikit-learn 1.2.1 / numpy 1.24.2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

#include "recon/core/error.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"
#include "recon/models/isolation_forest/sampling.hpp"
#include "recon/models/isolation_forest/sklearn_random.hpp"
#include "recon/pipeline/eval_job.hpp"

namespace recon::models {
namespace {

// Known answers from numpy 1.24: RandomState(seed).randint(...) and .permutation(...).
TEST(NumpyRandomStateTest, MatchesNumpysLegacyStream) {
  NumpyRandomState zero(0);
  for (const std::uint32_t expected : {209652396U, 398764591U, 924231285U, 1478610112U, 441365315U}) {
    EXPECT_EQ(zero.RandInt(2147483647), expected);
  }
  NumpyRandomState forty_two(42);
  for (const std::uint32_t expected : {1608637542U, 1273642419U, 1935803228U}) {
    EXPECT_EQ(forty_two.RandInt(0x7FFFFFFF), expected);
  }
  NumpyRandomState three(3);
  for (const std::uint32_t expected : {874U, 664U, 249U, 643U, 952U, 968U}) EXPECT_EQ(three.RandInt(1000), expected);
  NumpyRandomState largest(4294967295U);
  EXPECT_EQ(largest.RandInt(std::uint64_t{1} << 32), 419326371U);
  EXPECT_EQ(largest.RandInt(std::uint64_t{1} << 32), 479346978U);
  NumpyRandomState seven(7);
  EXPECT_EQ(seven.Permutation(10), (std::vector<std::uint32_t>{8, 5, 0, 2, 1, 9, 7, 3, 6, 4}));
}

TEST(SklearnSamplingTest, EachMethodGivesDistinctRowsInRange) {
  for (const std::size_t population : {258UL, 683UL, 30000UL}) {
    NumpyRandomState random(5);
    auto sample = SampleLikeScikitLearn(population, 256, random);
    ASSERT_EQ(sample.size(), 256u);
    std::sort(sample.begin(), sample.end());
    EXPECT_EQ(std::adjacent_find(sample.begin(), sample.end()), sample.end()) << population;
    EXPECT_LT(sample.back(), population);
  }
  NumpyRandomState random(5);
  const auto everything = SampleLikeScikitLearn(200, 200, random);  // no draws: every row, in order
  for (std::uint32_t idx = 0; idx < 200; ++idx) EXPECT_EQ(everything[idx], idx);
}

// The rows tests/tools/make_sklearn_iforest_reference.py calls pattern(rows).
features::FeatureMatrix Pattern(std::size_t rows) {
  features::FeatureMatrix matrix(0, {"a", "b", "c"});
  float row[3];
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      row[j] = static_cast<float>(static_cast<double>(((i * 7919 + j * 104729) * (j + 1)) % 997) / 10.0);
    }
    matrix.AppendRow(row);
  }
  return matrix;
}

// An ODDS set as `recon eval` reads it (numbers parsed in double, then cast to float, as numpy does).
features::FeatureMatrix Odds(const std::string& name) {
  return pipeline::LoadLabelledMatrix(std::string(RECON_TEST_DATA_DIR) + "/odds/" + name + ".csv", "label", {})
      .features;
}

struct ReferenceNode {
  int feature;
  double threshold;
  std::uint32_t samples;
};

struct Reference {
  std::uint64_t seed = 0;
  int trees = 0;
  std::vector<std::vector<ReferenceNode>> nodes;
  std::size_t score_step = 1;
  std::vector<double> scores;
};

Reference ReadReference(const std::string& name, std::size_t rows) {
  std::ifstream in(std::string(RECON_TEST_DATA_DIR) + "/sklearn_iforest/" + name + ".txt");
  Reference reference;
  std::string word;
  std::string case_name;
  std::size_t file_rows = 0;
  std::size_t cols = 0;
  in >> word >> case_name >> word >> file_rows >> word >> cols >> word >> reference.seed >> word >> reference.trees;
  EXPECT_EQ(file_rows, rows) << name;
  for (int tree = 0; tree < reference.trees; ++tree) {
    std::size_t index = 0;
    std::size_t count = 0;
    in >> word >> index >> word >> count;
    auto& nodes = reference.nodes.emplace_back(count);
    for (ReferenceNode& node : nodes) in >> node.feature >> node.threshold >> node.samples;
  }
  in >> word >> word >> reference.score_step;
  double score = 0.0;
  while (in >> score) reference.scores.push_back(score);
  EXPECT_TRUE(in.eof()) << name;
  return reference;
}

// recon's tree in scikit-learn's node order: depth first, left child first.
void Preorder(const IsolationTree& tree, std::uint32_t node, std::vector<std::uint32_t>& order) {
  order.push_back(node);
  if (tree.nodes[node].feature < 0) return;
  Preorder(tree, tree.nodes[node].left, order);
  Preorder(tree, tree.nodes[node].left + 1, order);
}

void ExpectSameForest(const std::string& name, const features::FeatureMatrix& data) {
  const Reference reference = ReadReference(name, data.Rows());
  ASSERT_EQ(reference.nodes.size(), static_cast<std::size_t>(reference.trees)) << name;
  IsolationForest forest({reference.trees, 256, reference.seed});
  forest.Fit(data);
  ASSERT_EQ(forest.Trees().size(), reference.nodes.size());
  for (std::size_t tree_idx = 0; tree_idx < reference.nodes.size(); ++tree_idx) {
    const IsolationTree& tree = forest.Trees()[tree_idx];
    std::vector<std::uint32_t> order;
    Preorder(tree, 0, order);
    const auto& expected = reference.nodes[tree_idx];
    ASSERT_EQ(order.size(), expected.size()) << name << " tree " << tree_idx;
    for (std::size_t pos = 0; pos < order.size(); ++pos) {
      const IsolationNode& node = tree.nodes[order[pos]];
      SCOPED_TRACE(name + " tree " + std::to_string(tree_idx) + " node " + std::to_string(pos));
      EXPECT_EQ(node.feature, expected[pos].feature);
      EXPECT_EQ(tree.sizes[order[pos]], expected[pos].samples);
      if (node.feature >= 0) {
        // Stored as the largest float at most scikit-learn's double threshold: the same split for float inputs.
        EXPECT_LE(static_cast<double>(node.threshold), expected[pos].threshold);
        EXPECT_GT(static_cast<double>(std::nextafter(node.threshold, INFINITY)), expected[pos].threshold);
      }
    }
  }
  // score_samples is the negated anomaly score: recon reports s(x) itself.
  const std::vector<double> scores = forest.Score(data, 2);
  ASSERT_EQ(reference.scores.size(), (data.Rows() + reference.score_step - 1) / reference.score_step);
  for (std::size_t idx = 0; idx < reference.scores.size(); ++idx) {
    EXPECT_NEAR(scores[idx * reference.score_step], -reference.scores[idx], 1e-6) << name << " row " << idx;
  }
}

TEST(SklearnIsolationForestTest, SameTreesAsScikitLearnWhenRowsArePermuted) {
  ExpectSameForest("breastw", Odds("breastw"));
}

TEST(SklearnIsolationForestTest, SameTreesAsScikitLearnWhenRowsAreTracked) {
  ExpectSameForest("pattern30000", Pattern(30000));
}

TEST(SklearnIsolationForestTest, SameTreesAsScikitLearnWhenRowsAreReservoirSampled) {
  ExpectSameForest("pattern258", Pattern(258));
}

TEST(SklearnIsolationForestTest, SeedsBeyondNumpysRangeAreRefused) {
  EXPECT_THROW(IsolationForest({10, 256, std::uint64_t{1} << 32}), Error);
  EXPECT_NO_THROW(IsolationForest({10, 256, 4294967295ULL}));
}

}  // namespace
}  // namespace recon::models
