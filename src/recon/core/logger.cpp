#include "recon/core/logger.hpp"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "recon/core/error.hpp"

namespace recon {
namespace {

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

std::string UtcTimestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  const std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + length, sizeof buffer - length, ".%03dZ", static_cast<int>(millis));
  return buffer;
}

}  // namespace

void LoggingParams::Validate() const {
  if (max_file_bytes < 4096) ThrowInvalidInput("logging.max_file_bytes must be at least 4096");
  if (max_files < 1 || max_files > 100) ThrowInvalidInput("logging.max_files must be between 1 and 100");
  if (level != "debug" && level != "info" && level != "warn" && level != "error" && level != "off") {
    ThrowInvalidInput("logging.level must be one of debug, info, warn, error, off (got '" + level + "')");
  }
}

Logger Logger::Open(const LoggingParams& params) {
  params.Validate();
  if (params.level == "off") return Null();
  std::error_code error;
  std::filesystem::create_directories(params.dir, error);
  if (error) ThrowUnavailable("cannot create log folder '" + params.dir + "': " + error.message());
  try {
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        (std::filesystem::path(params.dir) / "recon.log").string(), params.max_file_bytes,
        static_cast<std::size_t>(params.max_files));
    auto logger = std::make_shared<spdlog::logger>("recon", std::move(sink));
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::from_str(params.level == "warn" ? "warning" : params.level));
    // Every line goes to the file as it is logged: a process killed with SIGKILL runs no destructor and flushes
    // nothing, so a buffer would take the lines that explain the kill (run.started, the last progress) with it.
    // The cost is one write(2) per line, and recon logs per run and per request, never per row.
    logger->flush_on(spdlog::level::trace);
    return Logger(std::move(logger));
  } catch (const spdlog::spdlog_ex& failure) {
    ThrowUnavailable("cannot open log file in '" + params.dir + "': " + failure.what());
  }
}

Logger Logger::Null() { return Logger(nullptr); }

void Logger::Log(LogLevel level, std::string_view event, const nlohmann::json& fields) const {
  if (!sink_ || !sink_->should_log(ToSpdlog(level))) return;
  nlohmann::json line = {{"ts", UtcTimestamp()}, {"level", LevelName(level)}, {"event", event}};
  if (fields.is_object()) line.update(fields);
  // `replace` keeps a malformed UTF-8 comment from turning a log call into an exception.
  sink_->log(ToSpdlog(level), line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Logger::Flush() const {
  if (sink_) sink_->flush();
}

}  // namespace recon
