#include "recon/core/logger.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "recon/core/error.hpp"
#include "support/temp_dir.hpp"

namespace recon {
namespace {

TEST(LoggerTest, WritesOneJsonObjectPerLineAndRotatesBySize) {
  testing::TempDir dir;
  LoggingParams params;
  params.dir = dir.File("log");
  params.max_file_bytes = 4096;
  params.max_files = 2;
  {
    const Logger logger = Logger::Open(params);
    for (int idx = 0; idx < 200; ++idx) {
      logger.Info("row.rejected", {{"line", idx}, {"comment", "quote \" and newline \n and bad utf8 \xff"}});
    }
    logger.Flush();
  }
  ASSERT_TRUE(std::filesystem::exists(dir.File("log/recon.log")));
  EXPECT_TRUE(std::filesystem::exists(dir.File("log/recon.1.log")));
  EXPECT_LE(std::filesystem::file_size(dir.File("log/recon.log")), 4096u);
  std::ifstream in(dir.File("log/recon.log"));
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    const auto parsed = nlohmann::json::parse(line);
    EXPECT_EQ(parsed["event"], "row.rejected");
    EXPECT_EQ(parsed["level"], "info");
    EXPECT_TRUE(parsed.contains("ts"));
    ++lines;
  }
  EXPECT_GT(lines, 0);
}

TEST(LoggerTest, EachLineReachesTheFileAsItIsWritten) {
  // A process killed with SIGKILL flushes nothing: whatever is still buffered is lost. Every line must therefore be
  // in the file before Log returns, at info level too, without Flush() or the destructor.
  testing::TempDir dir;
  LoggingParams params;
  params.dir = dir.File("log");
  const Logger logger = Logger::Open(params);
  logger.Info("run.started", {{"run_id", 7}});
  EXPECT_NE(testing::ReadFile(dir.File("log/recon.log")).find("\"run.started\""), std::string::npos);
  logger.Debug("not.at.this.level");
  logger.Info("run.progress", {{"rows", 8192}});
  const std::string text = testing::ReadFile(dir.File("log/recon.log"));
  EXPECT_NE(text.find("\"run.progress\""), std::string::npos) << text;
  EXPECT_EQ(text.find("not.at.this.level"), std::string::npos) << text;
}

TEST(LoggerTest, LevelFiltersAndBadSettingsAreRefused) {
  testing::TempDir dir;
  LoggingParams params;
  params.dir = dir.File("log");
  params.level = "warn";
  {
    const Logger logger = Logger::Open(params);
    logger.Info("hidden");
    logger.Warn("shown");
    logger.Flush();
  }
  const std::string text = testing::ReadFile(dir.File("log/recon.log"));
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_NE(text.find("shown"), std::string::npos);
  params.level = "loud";
  EXPECT_THROW(Logger::Open(params), Error);
}

}  // namespace
}  // namespace recon
