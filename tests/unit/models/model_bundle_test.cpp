#include "recon/models/model_bundle.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "recon/core/error.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"
#include "support/model_file.hpp"
#include "support/temp_dir.hpp"
#include "unit/models/test_data.hpp"

namespace recon::models {
namespace {

ModelBundle SmallBundle() {
  features::FeatureParams params;
  params.model_features = {"abs_amount_diff_log", "rel_amount_diff"};
  ModelBundle bundle;
  bundle.features = std::make_unique<features::FeatureBuilder>(params);
  const auto data = testing::BlobsWithOutliers(300, 3, 2, 11);
  auto forest = std::make_unique<IsolationForest>(IsolationForestParams{10, 64, 5});
  forest->Fit(data);
  bundle.detector = std::move(forest);
  bundle.clusterer = std::make_unique<KMeans>(KMeansParams{3, 2, 20, 1e-4, 5});
  bundle.clusterer->Fit(data, 1);
  bundle.threshold = 0.61;
  bundle.metadata.source = "train.csv";
  bundle.metadata.rows_seen = 303;
  return bundle;
}

ErrorKind KindOfLoading(const std::string& bytes) {
  try {
    ModelBundle::Deserialise(bytes, "m.model");
  } catch (const Error& error) {
    return error.Kind();
  }
  return ErrorKind::kInternal;
}

TEST(ModelBundleTest, PersistRestorePersistGivesIdenticalBytes) {
  recon::testing::TempDir dir;
  const ModelBundle bundle = SmallBundle();
  bundle.Save(dir.File("m.model"));
  const ModelBundle loaded = ModelBundle::Load(dir.File("m.model"));
  EXPECT_EQ(loaded.Serialise(), bundle.Serialise());
  EXPECT_EQ(loaded.threshold, 0.61);
  EXPECT_EQ(loaded.metadata.rows_seen, 303u);
  EXPECT_EQ(loaded.detector->Name(), "iforest");
}

TEST(ModelBundleTest, RefusesForeignTruncatedCorruptAndNewerFiles) {
  const std::string good = SmallBundle().Serialise();
  EXPECT_EQ(KindOfLoading("PK\x03\x04 a zip file, not a model"), ErrorKind::kCorrupt);
  EXPECT_EQ(KindOfLoading(""), ErrorKind::kCorrupt);
  EXPECT_EQ(KindOfLoading(good.substr(0, good.size() - 1)), ErrorKind::kCorrupt);
  EXPECT_EQ(KindOfLoading(good.substr(0, 30)), ErrorKind::kCorrupt);
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x40;
  EXPECT_EQ(KindOfLoading(flipped), ErrorKind::kCorrupt);
  std::string newer = good;
  newer[8] = 9;  // format version
  try {
    ModelBundle::Deserialise(newer, "m.model");
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("format version 9"), std::string::npos) << error.what();
  }
  try {
    ModelBundle::Deserialise(flipped, "m.model");
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("checksum"), std::string::npos) << error.what();
  }
}

// Inputs that once crashed the model fuzzer (tests/fuzz/model_bundle_fuzz.cpp): each must be refused as corrupt,
// both as a whole file and as the payload of an otherwise valid one.
TEST(ModelBundleTest, FuzzerFindingsAreRefused) {
  const std::filesystem::path folder = std::filesystem::path(RECON_TEST_DATA_DIR) / "fuzz" / "model_bundle";
  int inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    ++inputs;
    const std::string bytes = recon::testing::ReadFile(entry.path().string());
    EXPECT_EQ(KindOfLoading(bytes), ErrorKind::kCorrupt) << entry.path();
    EXPECT_EQ(KindOfLoading(recon::testing::WrapAsModelFile(bytes)), ErrorKind::kCorrupt) << entry.path();
  }
  EXPECT_GE(inputs, 1);
}

TEST(ModelBundleTest, MissingFileIsNotFound) {
  recon::testing::TempDir dir;
  try {
    ModelBundle::Load(dir.File("none.model"));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kNotFound);
  }
}

}  // namespace
}  // namespace recon::models
