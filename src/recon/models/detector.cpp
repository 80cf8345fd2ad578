#include "recon/models/detector.hpp"

#include "recon/core/error.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"

namespace recon::models {

std::unique_ptr<Detector> LoadDetector(const std::string& name, BinaryReader& reader) {
  if (name == "iforest") return IsolationForest::Load(reader);
  ThrowCorrupt("model file names an unknown detector '" + name + "'");
}

}  // namespace recon::models
