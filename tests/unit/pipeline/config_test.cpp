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

TEST(ConfigTest, TheStoreIsAUrlAndTheOldPathsStoreStillWorksWithAWarning) {
  testing::TempDir dir;
  EXPECT_EQ(Config{}.store.url, "sqlite:var/recon.db");
  EXPECT_TRUE(Config{}.deprecations.empty());
  const Config url = LoadConfig(dir.Write("u.yaml", "store:\n  url: sqlite:///srv/recon.db\n"));
  EXPECT_EQ(url.store.url, "sqlite:///srv/recon.db");
  EXPECT_TRUE(url.deprecations.empty());
  EXPECT_NE(DumpConfig(url).find("url: sqlite:///srv/recon.db"), std::string::npos) << DumpConfig(url);

  // A config written before store.url keeps its store, and says what to write instead.
  const Config legacy = LoadConfig(dir.Write("l.yaml", "paths:\n  store: /srv/old.db\n  model: m.model\n"));
  EXPECT_EQ(legacy.store.url, "sqlite:/srv/old.db");
  EXPECT_EQ(legacy.paths.model, "m.model");
  ASSERT_EQ(legacy.deprecations.size(), 1u);
  EXPECT_NE(legacy.deprecations[0].find("'paths.store' is deprecated"), std::string::npos);
  EXPECT_NE(legacy.deprecations[0].find("store.url: sqlite:/srv/old.db"), std::string::npos) << legacy.deprecations[0];
  EXPECT_EQ(DumpConfig(legacy).find("paths:\n  store"), std::string::npos) << "dumped as store.url";
  const Config reloaded = LoadConfig(dir.Write("r.yaml", DumpConfig(legacy)));
  EXPECT_EQ(reloaded.store.url, "sqlite:/srv/old.db");
  EXPECT_TRUE(reloaded.deprecations.empty());

  EXPECT_NE(ErrorOf("paths:\n  store: a.db\nstore:\n  url: sqlite:b.db\n").find("both set; remove paths.store"),
            std::string::npos);
  EXPECT_NE(ErrorOf("paths:\n  store: ''\n").find("paths.store"), std::string::npos);
  EXPECT_NE(ErrorOf("store:\n  url: var/recon.db\n").find("store.url 'var/recon.db' names no backend"),
            std::string::npos)
      << ErrorOf("store:\n  url: var/recon.db\n");
  EXPECT_NE(ErrorOf("store:\n  url: postgresql://u:pw@db/recon\n").find("store.url"), std::string::npos);
  EXPECT_NE(ErrorOf("store:\n  url: postgresql://u:pw@db/recon\n").find("not built into this recon yet"),
            std::string::npos);
  EXPECT_NE(ErrorOf("store:\n  uri: sqlite:x.db\n").find("store.uri"), std::string::npos);
  EXPECT_NE(ErrorOf("store:\n  url: [1]\n").find("store.url"), std::string::npos);
}

}  // namespace
}  // namespace recon::pipeline
