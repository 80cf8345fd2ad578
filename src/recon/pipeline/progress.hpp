#pragma once
#include <cstdint>
#include <string_view>

namespace recon::pipeline {

/// Receives progress of long passes; the CLI draws a bar with it, tests and the server ignore it.
class ProgressListener {
 public:
  virtual ~ProgressListener() = default;
  /// `stage` ("train", "detect"), bytes consumed of `total_bytes`, rows so far.
  virtual void Update(std::string_view stage, std::uint64_t done_bytes, std::uint64_t total_bytes,
                      std::uint64_t rows) = 0;
  /// The pass is over.
  virtual void Done(std::string_view stage) = 0;
};

}  // namespace recon::pipeline
