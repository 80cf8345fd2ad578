// Model loading. Input bytes are used twice: as a whole file (magic, version, checksum checks), and as a payload
// wrapped in a valid header and checksum, so the section parsers behind the checksum (features, detectors,
// clusterer) see arbitrary bytes too. Either way: a model or recon::Error, never a crash.
#include <string>

#include "fuzz/fuzz_targets.hpp"
#include "recon/core/error.hpp"
#include "recon/models/model_bundle.hpp"
#include "support/model_file.hpp"

namespace recon::fuzz {

void FuzzModelBundle(std::string_view input) {
  try {
    models::ModelBundle::Deserialise(input, "fuzz");
  } catch (const Error&) {
  }
  const std::string file = testing::WrapAsModelFile(input);
  try {
    models::ModelBundle::Deserialise(file, "fuzz");
  } catch (const Error&) {
  }
}

}  // namespace recon::fuzz
