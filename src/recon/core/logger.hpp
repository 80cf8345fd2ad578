#pragma once
// Structured JSON-lines logging to a size-rotated file. Each Logger owns its own spdlog logger (never the global
// registry), so there is no global mutable state and tests can run several side by side. Libraries never print
// to stderr: the CLI decides what the user sees.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace recon {

/// Where and how much to log.
struct LoggingParams {
  std::string dir = "var/log";              ///< folder of recon.log and its rotated copies
  std::uint64_t max_file_bytes = 10 << 20;  ///< rotate when the file reaches this size
  int max_files = 5;                        ///< rotated files kept
  std::string level = "info";               ///< debug | info | warn | error | off
  /// Throws InvalidInput naming the field when a value is out of range.
  void Validate() const;
};

enum class LogLevel { kDebug, kInfo, kWarn, kError };

/// A JSON-lines logger: {"ts":..., "level":..., "event":..., ...fields}. Each line reaches the file (the kernel's
/// page cache, not necessarily the disk) before Log returns, so a killed process loses at most the line being written.
class Logger {
 public:
  /// Opens (creating the folder) `dir/recon.log`. Throws Unavailable when the folder cannot be written.
  static Logger Open(const LoggingParams& params);
  /// A logger that discards everything (tests, tools).
  static Logger Null();

  /// Writes one line with `event` and the members of `fields` (an object).
  void Log(LogLevel level, std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) const;
  void Debug(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) const {
    Log(LogLevel::kDebug, event, fields);
  }
  void Info(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) const {
    Log(LogLevel::kInfo, event, fields);
  }
  void Warn(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) const {
    Log(LogLevel::kWarn, event, fields);
  }
  void Error(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) const {
    Log(LogLevel::kError, event, fields);
  }
  /// Flushes the file (lines are already written through as they are logged).
  void Flush() const;

 private:
  explicit Logger(std::shared_ptr<spdlog::logger> sink) : sink_(std::move(sink)) {}
  std::shared_ptr<spdlog::logger> sink_;
};

}  // namespace recon
