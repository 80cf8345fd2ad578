#include "recon/models/metrics.hpp"

#include <gtest/gtest.h>

#include "recon/core/error.hpp"

namespace recon::models {
namespace {

// Expected values are scikit-learn 1.2's roc_auc_score and average_precision_score on the same inputs.
TEST(MetricsTest, KnownAnswers) {
  EXPECT_DOUBLE_EQ(RocAuc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
  EXPECT_NEAR(AveragePrecision({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.8333333333333333, 1e-12);
  EXPECT_DOUBLE_EQ(RocAuc({1, 1, 0}, {1, 0, 0}), 0.75);
  EXPECT_DOUBLE_EQ(AveragePrecision({1, 1, 0}, {1, 0, 0}), 0.5);
  EXPECT_DOUBLE_EQ(RocAuc({3, 2, 1}, {1, 1, 0}), 1.0);
  EXPECT_DOUBLE_EQ(RocAuc({1, 2, 3}, {1, 1, 0}), 0.0);
  EXPECT_DOUBLE_EQ(AveragePrecision({3, 2, 1}, {1, 1, 0}), 1.0);
}

TEST(MetricsTest, NeedBothClasses) {
  EXPECT_THROW(RocAuc({1, 2}, {1, 1}), Error);
  EXPECT_THROW(AveragePrecision({1, 2}, {0, 0}), Error);
  EXPECT_THROW(RocAuc({1, 2}, {0}), Error);
}

}  // namespace
}  // namespace recon::models
