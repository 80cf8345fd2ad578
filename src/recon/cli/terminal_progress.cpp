#include "recon/cli/terminal_progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace recon::cli {

void TerminalProgress::Update(std::string_view stage, std::uint64_t done_bytes, std::uint64_t total_bytes,
                              std::uint64_t rows) {
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  constexpr int kWidth = 30;
  const double fraction =
      total_bytes > 0 ? std::min(1.0, static_cast<double>(done_bytes) / static_cast<double>(total_bytes)) : 0.0;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), ' ');
  std::fprintf(stderr, "\r%-7.*s [%s] %5.1f%%  %llu rows", static_cast<int>(stage.size()), stage.data(), bar.c_str(),
               fraction * 100.0, static_cast<unsigned long long>(rows));
  std::fflush(stderr);
}

void TerminalProgress::Done(std::string_view /*stage*/) {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

std::unique_ptr<pipeline::ProgressListener> MakeProgress(bool enabled) {
  if (!enabled || isatty(STDERR_FILENO) == 0) return nullptr;
  return std::make_unique<TerminalProgress>();
}

}  // namespace recon::cli
