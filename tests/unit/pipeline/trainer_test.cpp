// The training sample's seed: `recon train` fits on a reservoir sample of a file longer than
// detector.train_max_rows, seeded by the configured detector's seed (iforest.seed, or lof.seed for LOF).
#include "recon/pipeline/trainer.hpp"

#include <gtest/gtest.h>

#include "recon/core/logger.hpp"

namespace recon::pipeline {
namespace {

const std::string kSample = std::string(RECON_SOURCE_DIR) + "/data/recon_sample_10k.csv";

models::ModelBundle TrainLof(std::uint64_t lof_seed, std::uint64_t iforest_seed) {
  Config config;
  config.detector.algorithm = "lof";
  config.detector.train_max_rows = 2000;  // a sample of the 10k file
  config.detector.lof.seed = lof_seed;
  config.detector.iforest.seed = iforest_seed;
  TrainingReport report;
  return TrainBundle(config, kSample, Logger::Null(), nullptr, nullptr, report);
}

TEST(TrainerTest, LofSeedChoosesTheTrainingSample) {
  const auto first = TrainLof(1, 42);
  const auto same = TrainLof(1, 7);  // the Isolation Forest's seed plays no part in a LOF model
  const auto other = TrainLof(2, 42);
  EXPECT_EQ(first.metadata.seed, 1u);
  EXPECT_EQ(first.metadata.sample_rows, 2000u);
  // Bundles differ in their creation time only when the sample is the same.
  auto without_time = [](models::ModelBundle bundle) {
    bundle.metadata.created_at.clear();
    return bundle.Serialise();
  };
  EXPECT_EQ(without_time(TrainLof(1, 42)), without_time(TrainLof(1, 42)));
  EXPECT_EQ(first.threshold, same.threshold);
  EXPECT_NE(first.threshold, other.threshold);
}

}  // namespace
}  // namespace recon::pipeline
