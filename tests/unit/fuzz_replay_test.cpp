// Every file of tests/data/fuzz/<target>/ (seed corpus and every finding kept from a fuzz run) through the
// target's body (tests/fuzz/fuzz_targets.hpp), so a fixed finding stays fixed in the ordinary and the sanitizer
// builds without clang or libFuzzer. Files under a `pending/` subfolder are reproducers of findings not fixed yet:
// they are not replayed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.hpp"
#include "support/temp_dir.hpp"

namespace recon::fuzz {
namespace {

struct ReplayedTarget {
  const char* name;
  void (*run)(std::string_view input);
};

const ReplayedTarget kTargets[] = {
    {"csv_ingest", &FuzzCsvIngest}, {"model_bundle", &FuzzModelBundle}, {"trade_json", &FuzzTradeJson},
    {"ws_message", &FuzzWsMessage}, {"http_request", &FuzzHttpRequest}, {"config", &FuzzConfig},
    {"llm_answer", &FuzzLlmAnswer},
};

class FuzzReplayTest : public ::testing::TestWithParam<ReplayedTarget> {};

std::vector<std::filesystem::path> CorpusOf(const std::string& name) {
  const std::filesystem::path folder = std::filesystem::path(RECON_TEST_DATA_DIR) / "fuzz" / name;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file()) files.push_back(entry.path());  // pending/ is a folder: skipped
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST_P(FuzzReplayTest, EveryKeptInputPasses) {
  const ReplayedTarget& target = GetParam();
  const auto files = CorpusOf(target.name);
  EXPECT_GE(files.size(), 2u) << "tests/data/fuzz/" << target.name << " should hold a seed corpus";
  for (const auto& file : files) {
    const std::string bytes = recon::testing::ReadFile(file.string());
    try {
      target.run(bytes);
    } catch (const std::exception& failure) {
      ADD_FAILURE() << file << ": " << failure.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplayTest, ::testing::ValuesIn(kTargets),
                         [](const ::testing::TestParamInfo<ReplayedTarget>& param) {
                           return std::string(param.param.name);
                         });

}  // namespace
}  // namespace recon::fuzz
