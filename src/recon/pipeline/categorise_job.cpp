#include "recon/pipeline/categorise_job.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "recon/categorise/valuation.hpp"
#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/pipeline/categoriser_factory.hpp"
#include "recon/resolve/auto_resolution.hpp"

namespace recon::pipeline {

using nlohmann::json;

categorise::AnomalyEvidence ParseEvidenceJson(const std::string& evidence_json) {
  categorise::AnomalyEvidence evidence;
  if (evidence_json.empty()) return evidence;
  const json document = json::parse(evidence_json, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) ThrowInvalidInput("--evidence must be a JSON object");
  using Setter = std::function<void(const json&)>;
  auto number = [](double& target) -> Setter { return [&target](const json& value) { target = value.get<double>(); }; };
  auto integer = [](int& target) -> Setter { return [&target](const json& value) { target = value.get<int>(); }; };
  auto text = [](std::string& target) -> Setter {
    return [&target](const json& value) { target = value.get<std::string>(); };
  };
  auto flag = [](bool& target) -> Setter { return [&target](const json& value) { target = value.get<bool>(); }; };
  const std::map<std::string, std::pair<json::value_t, Setter>> fields = {
      {"trade_id", {json::value_t::string, text(evidence.trade_id)}},
      {"desk", {json::value_t::string, text(evidence.desk)}},
      {"currency", {json::value_t::string, text(evidence.currency)}},
      {"comment", {json::value_t::string, text(evidence.comment)}},
      {"explanation", {json::value_t::string, text(evidence.explanation)}},
      {"book_quantity", {json::value_t::number_float, number(evidence.book_quantity)}},
      {"street_quantity", {json::value_t::number_float, number(evidence.street_quantity)}},
      {"quantity_diff", {json::value_t::number_float, number(evidence.quantity_diff)}},
      {"book_price", {json::value_t::number_float, number(evidence.book_price)}},
      {"street_price", {json::value_t::number_float, number(evidence.street_price)}},
      {"price_diff", {json::value_t::number_float, number(evidence.price_diff)}},
      {"book_amount", {json::value_t::number_float, number(evidence.book_amount)}},
      {"street_amount", {json::value_t::number_float, number(evidence.street_amount)}},
      {"amount_diff", {json::value_t::number_float, number(evidence.amount_diff)}},
      {"settlement_lag_bdays", {json::value_t::number_integer, integer(evidence.settlement_lag_bdays)}},
      {"lag_excess_bdays", {json::value_t::number_integer, integer(evidence.lag_excess_bdays)}},
      {"trade_id_repeat", {json::value_t::boolean, flag(evidence.trade_id_repeat)}},
      {"economics_repeat", {json::value_t::boolean, flag(evidence.economics_repeat)}},
      {"cluster", {json::value_t::number_integer, integer(evidence.cluster)}},
      {"settlement_date", {json::value_t::string, [&evidence](const json& value) {
         const auto day = ParseIsoDate(value.get<std::string>());
         if (!day) ThrowInvalidInput("--evidence field 'settlement_date' must be yyyy-mm-dd, got " + value.dump());
         evidence.settlement_date = *day;
         evidence.has_dates = true;
       }}},
  };
  for (const auto& [name, value] : document.items()) {
    const auto field = fields.find(name);
    if (field == fields.end()) ThrowInvalidInput("--evidence has an unknown field '" + name + "'");
    const json::value_t wanted = field->second.first;
    const bool fits = wanted == json::value_t::number_float    ? value.is_number()
                      : wanted == json::value_t::number_integer ? value.is_number_integer()
                      : wanted == json::value_t::boolean        ? value.is_boolean()
                                                                : value.is_string();
    if (!fits) {
      const char* expected = wanted == json::value_t::number_float    ? "a number"
                             : wanted == json::value_t::number_integer ? "an integer"
                             : wanted == json::value_t::boolean        ? "true or false"
                                                                       : "a string";
      ThrowInvalidInput("--evidence field '" + name + "' must be " + expected + ", got " + value.dump());
    }
    field->second.second(value);
  }
  return evidence;
}

std::string RunCategorise(const Config& config, const CategoriseOptions& options, const Logger& logger) {
  categorise::AnomalyEvidence evidence = ParseEvidenceJson(options.evidence_json);
  if (!options.comment.empty()) evidence.comment = options.comment;
  categorise::Valuer(config.valuation).Value(evidence);
  auto store = store::OpenStore(config.store.url);
  RunCategoriser run = MakeRunCategoriser(config, options.use_llm, *store, logger);
  const auto verdicts = run.categoriser->Categorise(std::span(&evidence, 1));
  const categorise::Categorisation& verdict = verdicts.front();
  json out{{"category", categorise::CategoryName(verdict.category)},
           {"severity", categorise::SeverityName(verdict.severity)},
           {"summary", verdict.summary},
           {"confidence", verdict.confidence},
           {"source", categorise::SourceName(verdict.source)},
           {"local_category", categorise::CategoryName(verdict.local_category)}};
  // What the resolver would decide (no ticket is issued here): the evidence it would close the break on, or why not.
  const resolve::ResolutionInput input{"", &evidence, verdict.category, verdict.confidence, verdict.local_category};
  const auto decision = resolve::DecideAutoResolution(input, config.resolution, config.valuation.reporting_currency);
  out["resolution"] = {{"status", decision.resolve ? resolve::kStatusAutoResolved : resolve::kStatusPendingReview},
                       {"reason", decision.reason}};
  out["amount_at_risk"] = {{"amount", evidence.currency_known ? json(evidence.at_risk_reporting) : json(nullptr)},
                           {"currency", config.valuation.reporting_currency}};
  if (run.llm_stats != nullptr) {
    out["llm"] = {{"calls", run.llm_stats->calls.load()},
                  {"cache_hits", run.llm_stats->cache_hits.load()},
                  {"fallbacks", run.llm_stats->fallbacks.load()}};
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace recon::pipeline
