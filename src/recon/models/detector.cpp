#include "recon/models/detector.hpp"

#include <algorithm>

#include "recon/core/error.hpp"
#include "recon/models/extended_isolation_forest/extended_isolation_forest.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"
#include "recon/models/lof/local_outlier_factor.hpp"

namespace recon::models {

std::vector<FeatureContribution> ContributionsFromCredit(const std::vector<double>& credit) {
  double total = 0.0;
  for (const double value : credit) total += value;
  std::vector<FeatureContribution> contributions;
  for (std::size_t col_idx = 0; col_idx < credit.size(); ++col_idx) {
    if (credit[col_idx] > 0.0) contributions.push_back({col_idx, credit[col_idx] / total});
  }
  std::stable_sort(contributions.begin(), contributions.end(),
                   [](const FeatureContribution& a, const FeatureContribution& b) { return a.share > b.share; });
  return contributions;
}

std::unique_ptr<Detector> LoadDetector(const std::string& name, BinaryReader& reader) {
  if (name == "iforest") return IsolationForest::Load(reader);
  if (name == "eif") return ExtendedIsolationForest::Load(reader);
  if (name == "lof") return LocalOutlierFactor::Load(reader);
  ThrowCorrupt("model file names an unknown detector '" + name + "'");
}

}  // namespace recon::models
