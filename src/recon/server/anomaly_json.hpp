#pragma once
// One stored anomaly as the API shows it: GET /anomalies, GET /anomalies/{id} and the live feed's events.
#include <nlohmann/json.hpp>

#include "recon/store/store.hpp"

namespace recon::server {

nlohmann::json AnomalyJson(const store::StoredAnomaly& stored);

}  // namespace recon::server
