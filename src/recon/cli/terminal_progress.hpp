#pragma once
#include <chrono>
#include <memory>

#include "recon/pipeline/progress.hpp"

namespace recon::cli {

/// A progress bar on stderr, redrawn at most ten times a second; only created when stderr is a terminal.
class TerminalProgress final : public pipeline::ProgressListener {
 public:
  void Update(std::string_view stage, std::uint64_t done_bytes, std::uint64_t total_bytes, std::uint64_t rows) override;
  void Done(std::string_view stage) override;

 private:
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

/// A TerminalProgress when stderr is a terminal and `enabled`, else null.
std::unique_ptr<pipeline::ProgressListener> MakeProgress(bool enabled);

}  // namespace recon::cli
