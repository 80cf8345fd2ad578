// The libFuzzer entry point of one target: RECON_FUZZ_TARGET names its body (set per executable in
// tests/fuzz/CMakeLists.txt), so the fuzzer and the replay test run the same code.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_targets.hpp"

// The empty input once before fuzzing starts, so what a body builds on first use (the HTTP and WebSocket targets'
// trained model and store, about a second) is not charged to the first input's -timeout.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  RECON_FUZZ_TARGET(std::string_view());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  RECON_FUZZ_TARGET(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
