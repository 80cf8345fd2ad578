#pragma once
// Wraps arbitrary bytes as the payload of a well-formed model file (valid magic, version, length and checksum),
// so tests and fuzzers can reach the section parsers behind the integrity checks.
#include <cstdint>
#include <string>
#include <string_view>

#include "recon/core/binary_io.hpp"
#include "recon/core/sha256.hpp"
#include "recon/models/model_bundle.hpp"

namespace recon::testing {

inline std::string WrapAsModelFile(std::string_view payload) {
  BinaryWriter header;
  header.Write<std::uint32_t>(models::ModelBundle::kFormatVersion);
  header.Write<std::uint32_t>(0x01020304);
  header.Write<std::uint64_t>(payload.size());
  std::string file = "RECONMDL" + header.Bytes() + std::string(payload);
  Sha256 hasher;
  hasher.Update(payload);
  const auto digest = hasher.Finish();
  file.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return file;
}

}  // namespace recon::testing
