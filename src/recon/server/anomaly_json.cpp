#include "recon/server/anomaly_json.hpp"

namespace recon::server {

using nlohmann::json;

json AnomalyJson(const store::StoredAnomaly& stored) {
  const auto& record = stored.record;
  json row = json::parse(record.row_json, nullptr, false);
  return {{"id", stored.id},
          {"trade_id", record.trade_id},
          {"trade_date", record.trade_date},
          {"desk", record.desk},
          {"source", record.source},
          {"line", record.line},
          {"anomaly_score", record.score},
          {"cluster", record.cluster},
          {"category", record.category},
          {"category_source", record.category_source},
          {"confidence", record.confidence},
          {"severity", record.severity},
          {"summary", record.summary},
          {"status", record.status},
          {"ticket_id", record.ticket_id.empty() ? json(nullptr) : json(record.ticket_id)},
          {"resolution_reason", record.resolution_reason},
          {"explanation", record.explanation},
          {"row", row.is_discarded() ? json(nullptr) : row},
          {"created_at", stored.created_at},
          {"updated_at", stored.updated_at}};
}

}  // namespace recon::server
