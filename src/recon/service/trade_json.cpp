#include "recon/service/trade_json.hpp"

#include "recon/core/date.hpp"
#include "recon/io/record_decoder.hpp"

namespace recon::service {

using nlohmann::json;

json ProblemsJson(const std::vector<FieldProblem>& problems) {
  json detail = json::array();
  for (const auto& problem : problems) {
    if (detail.size() == kMaxReportedProblems) {
      detail.push_back({{"field", "body"},
                        {"problem", std::to_string(problems.size() - kMaxReportedProblems) + " more problems not listed"}});
      break;
    }
    detail.push_back({{"field", problem.field}, {"problem", problem.problem}});
  }
  return detail;
}

bool ParseTrade(const json& trade, const ColumnMapping& columns, const std::string& where, io::RecordBatch& out,
                std::size_t row_idx, std::vector<FieldProblem>& problems) {
  const std::size_t problems_before = problems.size();
  if (!trade.is_object()) {
    problems.push_back({where.empty() ? "body" : where.substr(0, where.size() - 1), "must be a JSON object (a trade)"});
    return false;
  }
  for (const FieldInfo& info : AllFields()) {
    const std::string& name = columns.HeaderOf(info.field);
    const std::string path = where + name;
    const auto found = trade.find(name);
    const bool absent = found == trade.end() || found->is_null();
    if (absent) {
      if (info.required) {
        problems.push_back({path, "field required"});
        continue;
      }
      if (info.type == FieldType::kText) out.SetTextCopy(info.field, row_idx, "");
      continue;
    }
    const json& value = *found;
    switch (info.type) {
      case FieldType::kNumber: {
        std::optional<double> number;
        if (value.is_number()) {
          number = value.get<double>();
        } else if (value.is_string()) {
          number = io::ParseNumber(value.get_ref<const std::string&>());
        }
        if (!number || !std::isfinite(*number)) {
          problems.push_back({path, "must be a finite number, got " + value.dump().substr(0, 60)});
        } else {
          out.SetNumber(info.field, row_idx, *number);
        }
        break;
      }
      case FieldType::kDate: {
        std::optional<std::int32_t> date;
        if (value.is_string()) date = ParseIsoDate(value.get_ref<const std::string&>());
        if (!date) {
          problems.push_back({path, "must be a date as \"YYYY-MM-DD\", got " + value.dump().substr(0, 60)});
        } else {
          out.SetDate(info.field, row_idx, *date);
        }
        break;
      }
      case FieldType::kText: {
        if (value.is_string()) {
          out.SetTextCopy(info.field, row_idx, value.get<std::string>());
        } else if (value.is_number()) {
          out.SetTextCopy(info.field, row_idx, value.dump());
        } else {
          problems.push_back({path, "must be a string, got " + value.dump().substr(0, 60)});
        }
        break;
      }
    }
  }
  return problems.size() == problems_before;
}

}  // namespace recon::service
