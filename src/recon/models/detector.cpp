#include "recon/models/detector.hpp"

#include "recon/core/error.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"
#include "recon/models/lof/local_outlier_factor.hpp"

namespace recon::models {

std::unique_ptr<Detector> LoadDetector(const std::string& name, BinaryReader& reader) {
  if (name == "iforest") return IsolationForest::Load(reader);
  if (name == "lof") return LocalOutlierFactor::Load(reader);
  ThrowCorrupt("model file names an unknown detector '" + name + "'");
}

}  // namespace recon::models
