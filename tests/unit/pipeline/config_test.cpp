#include "recon/pipeline/config.hpp"

#include <gtest/gtest.h>

#include "recon/core/error.hpp"
#include "support/temp_dir.hpp"

namespace recon::pipeline {
namespace {

std::string ErrorOf(const std::string& yaml) {
  testing::TempDir dir;
  try {
    LoadConfig(dir.Write("c.yaml", yaml));
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(ConfigTest, ShippedConfigDocumentsExactlyTheDefaults) {
  const Config shipped = LoadConfig(std::string(RECON_SOURCE_DIR) + "/config/config.yaml");
  EXPECT_EQ(DumpConfig(shipped), DumpConfig(Config{}));
}

TEST(ConfigTest, OverridesOnlyWhatIsSet) {
  testing::TempDir dir;
  const Config config =
      LoadConfig(dir.Write("c.yaml", "detector:\n  iforest:\n    n_estimators: 7\n  lof:\n    metric: manhattan\n"
                                     "columns:\n  desk: DESK\n"));
  EXPECT_EQ(config.detector.iforest.n_estimators, 7);
  EXPECT_EQ(config.detector.lof.metric, models::Metric::kManhattan);
  EXPECT_EQ(config.columns.HeaderOf(Field::kDesk), "DESK");
  EXPECT_EQ(config.detector.iforest.max_samples, 256);
  const Config reloaded = LoadConfig(dir.Write("d.yaml", DumpConfig(config)));
  EXPECT_EQ(DumpConfig(reloaded), DumpConfig(config));
}

TEST(ConfigTest, ErrorsNameTheKey) {
  EXPECT_NE(ErrorOf("detector:\n  contaminaton: 0.1\n").find("detector.contaminaton"), std::string::npos);
  EXPECT_NE(ErrorOf("detector:\n  contamination: lots\n").find("detector.contamination"), std::string::npos);
  EXPECT_NE(ErrorOf("detector:\n  contamination: 0.9\n").find("detector.contamination"), std::string::npos);
  EXPECT_NE(ErrorOf("clustering:\n  k: 0\n").find("clustering.k"), std::string::npos);
  EXPECT_NE(ErrorOf("columns:\n  desk: TRADE_ID\n").find("mapped to two fields"), std::string::npos);
  EXPECT_NE(ErrorOf("features: [1, 2]\n").find("features"), std::string::npos);
  EXPECT_NE(ErrorOf("detector: {algorithm: svm}\n").find("iforest"), std::string::npos);
  EXPECT_NE(ErrorOf("a: [unclosed\n").find("not valid YAML"), std::string::npos);
  EXPECT_NE(ErrorOf("detector:\n  lof:\n    metric: cosine\n")
                .find("detector.lof.metric must be euclidean or manhattan"),
            std::string::npos);
  EXPECT_NE(ErrorOf("detector:\n  iforest:\n    seed: 4294967296\n").find("detector.iforest.seed"), std::string::npos);
}

}  // namespace
}  // namespace recon::pipeline
