// The trade JSON decoder: ParseJsonWithin (bounded depth and string length, out-of-range numbers reported) then
// ParseTrade for a single trade, or for each trade of a batch as /batch_anomaly/ takes it (an array, or
// {"trades": [...]}). Nothing may throw; a refused document is handed on as null; a parsed document dumps without
// throwing (valid UTF-8 throughout); ParseTrade's answer agrees with the problems it reported, each naming a field.
#include <cmath>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.hpp"
#include "recon/core/json_input.hpp"
#include "recon/io/record_batch.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/service/trade_json.hpp"

namespace recon::fuzz {

using nlohmann::json;

void FuzzTradeJson(std::string_view input) {
  // The limits the service applies to bodies and messages, from the default configuration (Api::InputLimits).
  static const pipeline::Config config;
  const JsonLimits limits{config.server.max_json_depth, config.ingest.max_field_bytes};
  const JsonInput parsed = ParseJsonWithin(input, limits);
  if (parsed.problem) {
    Require(parsed.value.is_null(), "a refused document was handed on");
    Require(!parsed.problem->message.empty(), "a problem without a message");
    // nlohmann counts the end of the input as a byte read: an unexpected end is reported at size + 1.
    Require(parsed.problem->byte <= input.size() + 1, "a problem's byte lies past the input");
    (void)DescribeJsonProblem(*parsed.problem);
    return;
  }
  (void)parsed.value.dump();  // throws type_error 316 on a string that is not UTF-8

  const json* list = &parsed.value;
  if (parsed.value.is_object() && parsed.value.contains("trades")) list = &parsed.value.at("trades");
  const bool indexed = list->is_array();
  std::vector<const json*> trades;
  if (indexed) {
    for (const json& trade : *list) trades.push_back(&trade);
  } else {
    trades.push_back(&parsed.value);
  }
  io::RecordBatch batch;
  batch.Resize(trades.size());
  std::vector<service::FieldProblem> problems;
  for (std::size_t trade_idx = 0; trade_idx < trades.size(); ++trade_idx) {
    const std::string where = indexed ? "trades[" + std::to_string(trade_idx) + "]." : "";
    const std::size_t problems_before = problems.size();
    const bool clean = service::ParseTrade(*trades[trade_idx], config.columns, where, batch, trade_idx, problems);
    Require(clean == (problems.size() == problems_before), "ParseTrade's answer disagrees with its problems");
    for (std::size_t problem_idx = problems_before; problem_idx < problems.size(); ++problem_idx) {
      Require(!problems[problem_idx].field.empty() && !problems[problem_idx].problem.empty(),
              "a problem without a field or a description");
      Require(problems[problem_idx].field.rfind(where.substr(0, where.size() > 0 ? where.size() - 1 : 0), 0) == 0,
              "a problem names another trade: " + problems[problem_idx].field);
    }
    if (!clean) continue;
    for (const FieldInfo& info : AllFields()) {
      const auto found = trades[trade_idx]->find(config.columns.HeaderOf(info.field));
      if (found == trades[trade_idx]->end() || found->is_null()) continue;  // an absent optional field is unset
      switch (info.type) {
        case FieldType::kNumber:
          Require(std::isfinite(batch.Number(info.field, trade_idx)), "a parsed number is not finite");
          break;
        case FieldType::kDate: (void)batch.Date(info.field, trade_idx); break;
        case FieldType::kText: (void)std::string(batch.Text(info.field, trade_idx)); break;
      }
    }
  }
}

}  // namespace recon::fuzz
