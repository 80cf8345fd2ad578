#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace recon::pipeline {

/// Wall time per pipeline stage, accumulated over batches, reported in the order stages first ran.
class StageTimes {
 public:
  /// Adds `seconds` to `stage`.
  void Add(const std::string& stage, double seconds) {
    for (auto& [name, total] : stages_) {
      if (name == stage) {
        total += seconds;
        return;
      }
    }
    stages_.emplace_back(stage, seconds);
  }
  const std::vector<std::pair<std::string, double>>& Stages() const { return stages_; }

 private:
  std::vector<std::pair<std::string, double>> stages_;
};

/// Adds the time from construction to destruction to a stage.
class ScopedStage {
 public:
  ScopedStage(StageTimes& times, std::string stage)
      : times_(times), stage_(std::move(stage)), start_(std::chrono::steady_clock::now()) {}
  ~ScopedStage() {
    times_.Add(stage_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  ScopedStage(const ScopedStage&) = delete;
  ScopedStage& operator=(const ScopedStage&) = delete;

 private:
  StageTimes& times_;
  std::string stage_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace recon::pipeline
