// libFuzzer target for model loading. Input bytes are used twice: as a whole file (magic, version, checksum
// checks), and as a payload wrapped in a valid header and checksum, so the section parsers behind the checksum
// (features, detectors, clusterer) see arbitrary bytes too. Either way: a model or recon::Error, never a crash.
#include <cstdint>
#include <cstring>
#include <string>

#include "recon/core/binary_io.hpp"
#include "recon/core/error.hpp"
#include "recon/core/sha256.hpp"
#include "recon/models/model_bundle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    recon::models::ModelBundle::Deserialise(bytes, "fuzz");
  } catch (const recon::Error&) {
  }
  recon::BinaryWriter header;
  header.Write<std::uint32_t>(recon::models::ModelBundle::kFormatVersion);
  header.Write<std::uint32_t>(0x01020304);
  header.Write<std::uint64_t>(size);
  std::string file = "RECONMDL" + header.Bytes() + std::string(bytes);
  recon::Sha256 hasher;
  hasher.Update(bytes);
  const auto digest = hasher.Finish();
  file.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  try {
    recon::models::ModelBundle::Deserialise(file, "fuzz");
  } catch (const recon::Error&) {
  }
  return 0;
}
