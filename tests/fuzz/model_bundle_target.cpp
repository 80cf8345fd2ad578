// libFuzzer target for model loading. Input bytes are used twice: as a whole file (magic, version, checksum
// checks), and as a payload wrapped in a valid header and checksum, so the section parsers behind the checksum
// (features, detectors, clusterer) see arbitrary bytes too. Either way: a model or recon::Error, never a crash.
#include <cstdint>
#include <cstring>
#include <string>

#include "recon/core/error.hpp"
#include "recon/models/model_bundle.hpp"
#include "support/model_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    recon::models::ModelBundle::Deserialise(bytes, "fuzz");
  } catch (const recon::Error&) {
  }
  const std::string file = recon::testing::WrapAsModelFile(bytes);
  try {
    recon::models::ModelBundle::Deserialise(file, "fuzz");
  } catch (const recon::Error&) {
  }
  return 0;
}
