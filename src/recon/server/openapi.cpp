// The OpenAPI 3.1 document (/openapi.json) and its HTML rendering (/docs). The trade schema is derived from the
// field schema and the configured column names, so it cannot drift from what the parser accepts.
#include "recon/categorise/category.hpp"
#include "recon/pipeline/category_review.hpp"
#include "recon/server/api.hpp"

namespace recon::server {
namespace {

using nlohmann::json;

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json JsonBody(const json& schema) { return {{"required", true}, {"content", {{"application/json", {{"schema", schema}}}}}}; }

json Reply(const std::string& description, const json& schema) {
  return {{"description", description}, {"content", {{"application/json", {{"schema", schema}}}}}};
}

json Errors(std::initializer_list<int> statuses) {
  json out = json::object();
  for (const int status : statuses) {
    out[std::to_string(status)] = status == 422 ? Reply("Invalid fields", Ref("ValidationError"))
                                                : Reply("Error", Ref("Error"));
  }
  return out;
}

json WithErrors(json responses, std::initializer_list<int> statuses) {
  responses.update(Errors(statuses));
  return responses;
}

json TradeSchema(const ColumnMapping& columns) {
  json properties = json::object();
  json required = json::array();
  for (const FieldInfo& info : AllFields()) {
    const std::string& name = columns.HeaderOf(info.field);
    switch (info.type) {
      case FieldType::kNumber:
        properties[name] = {{"oneOf", {{{"type", "number"}}, {{"type", "string"}, {"description", "numeric text"}}}}};
        break;
      case FieldType::kDate: properties[name] = {{"type", "string"}, {"format", "date"}}; break;
      case FieldType::kText: properties[name] = {{"type", {"string", "null"}}}; break;
    }
    if (info.required) required.push_back(name);
  }
  return {{"type", "object"}, {"properties", properties}, {"required", required}, {"additionalProperties", true}};
}

json CategoryEnum() {
  json names = json::array();
  for (std::size_t idx = 0; idx < categorise::kCategoryCount; ++idx) {
    names.push_back(categorise::CategoryName(static_cast<categorise::Category>(idx)));
  }
  return names;
}

}  // namespace

json OpenApiDocument(const ColumnMapping& columns) {
  const json id_parameter = {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "integer"}}}};
  auto query = [](const char* name, json schema, const char* description) {
    return json{{"name", name}, {"in", "query"}, {"required", false}, {"schema", schema}, {"description", description}};
  };
  json paths = {
      {"/health",
       {{"get",
         {{"summary", "Service, model and store state"},
          {"security", json::array()},
          {"responses", {{"200", Reply("ok or degraded", Ref("Health"))}}}}}}},
      {"/realtime_anomaly/",
       {{"post",
         {{"summary", "Score, categorise and resolve one trade"},
          {"requestBody", JsonBody(Ref("Trade"))},
          {"responses", WithErrors({{"200", Reply("The verdict", Ref("Verdict"))}}, {400, 401, 413, 422, 503})}}}}},
      {"/batch_anomaly/",
       {{"post",
         {{"summary", "Score a list of trades; per-trade verdicts and a summary"},
          {"requestBody", JsonBody({{"type", "array"}, {"items", Ref("Trade")}})},
          {"responses",
           WithErrors({{"200", Reply("Verdicts and summary", Ref("BatchResult"))}}, {400, 401, 413, 422, 503})}}}}},
      {"/anomalies",
       {{"get",
         {{"summary", "Stored anomalies, newest first, filtered and paginated"},
          {"parameters",
           {query("status", {{"type", "string"}}, "exact status, e.g. Pending User Review"),
            query("category", {{"type", "string"}, {"enum", CategoryEnum()}}, "bucket"),
            query("desk", {{"type", "string"}}, "desk name"),
            query("from", {{"type", "string"}, {"format", "date"}}, "trade date from (inclusive)"),
            query("to", {{"type", "string"}, {"format", "date"}}, "trade date to (inclusive)"),
            query("limit", {{"type", "integer"}, {"minimum", 0}, {"maximum", 500}, {"default", 50}}, "page size"),
            query("offset", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}, "rows to skip")}},
          {"responses", WithErrors({{"200", Reply("A page", Ref("AnomalyPage"))}}, {401, 422})}}}}},
      {"/anomalies/{id}",
       {{"get",
         {{"summary", "One anomaly with its audit trail"},
          {"parameters", {id_parameter}},
          {"responses", WithErrors({{"200", Reply("The anomaly", Ref("Anomaly"))}}, {401, 404})}}}}},
      {"/anomalies/{id}/feedback",
       {{"post",
         {{"summary", "A reviewer's decision (a status, a category correction, or both); recorded in the audit trail"},
          {"description",
           "A category correction sets the anomaly's category (category_source \"reviewer\"), is kept in the store "
           "with the anomaly's comment, and is learnt by the local categoriser before the answer: the next trade "
           "scored sees it. The numbers still rule categories out. A correction to the category the anomaly has "
           "changes nothing (category_correction \"unchanged\")."},
          {"parameters", {id_parameter}},
          {"requestBody", JsonBody(Ref("Feedback"))},
          {"responses", WithErrors({{"200", Reply("The updated anomaly", Ref("Anomaly"))}}, {400, 401, 404, 422})}}}}},
      {"/metrics",
       {{"get",
         {{"summary", "Prometheus metrics"},
          {"responses",
           WithErrors({{"200", {{"description", "text exposition format"},
                                {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}},
                      {401})}}}}},
      {"/openapi.json",
       {{"get", {{"summary", "This document"}, {"security", json::array()}, {"responses", {{"200", {{"description", "OpenAPI 3.1"}}}}}}}}},
      {"/docs",
       {{"get", {{"summary", "This document as a page"}, {"security", json::array()}, {"responses", {{"200", {{"description", "HTML"}}}}}}}}},
      {"/ws",
       {{"get",
         {{"summary", "WebSocket: send trade JSON messages, get each verdict back in order; send "
                      "{\"subscribe\": \"anomalies\"} for the live feed of every anomaly"},
          {"responses", {{"101", {{"description", "Switching protocols"}}}, {"401", {{"description", "Bad API key"}}}}}}}}},
  };
  const json verdict = {
      {"type", "object"},
      {"properties",
       {{"trade_id", {{"type", "string"}}},
        {"anomaly_score", {{"type", "number"}}},
        {"flagged", {{"type", "boolean"}}},
        {"cluster", {{"type", "integer"}}},
        {"explanation",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"feature", {{"type", "string"}}}, {"value", {{"type", "number"}}}, {"share", {{"type", "number"}}}}}}}}}},
        {"category", {{"type", {"string", "null"}}, {"enum", [] { json e = CategoryEnum(); e.push_back(nullptr); return e; }()}}},
        {"severity", {{"type", {"string", "null"}}}},
        {"summary", {{"type", {"string", "null"}}}},
        {"confidence", {{"type", "number"}}},
        {"category_source", {{"type", {"string", "null"}}, {"enum", {"local", "llm", "cache", "reviewer", nullptr}}}},
        {"status", {{"type", "string"}}},
        {"ticket_id", {{"type", {"string", "null"}}}},
        {"resolution_reason", {{"type", {"string", "null"}}}},
        {"anomaly_id", {{"type", {"integer", "null"}}}}}};
  const json anomaly = {{"type", "object"},
                        {"properties",
                         {{"id", {{"type", "integer"}}},
                          {"trade_id", {{"type", "string"}}},
                          {"trade_date", {{"type", "string"}, {"format", "date"}}},
                          {"desk", {{"type", "string"}}},
                          {"anomaly_score", {{"type", "number"}}},
                          {"category", {{"type", "string"}}},
                          {"category_source", {{"type", "string"}}},
                          {"severity", {{"type", "string"}}},
                          {"summary", {{"type", "string"}}},
                          {"status", {{"type", "string"}}},
                          {"ticket_id", {{"type", {"string", "null"}}}},
                          {"resolution_reason", {{"type", "string"}}},
                          {"explanation", {{"type", "string"}}},
                          {"row", {{"type", "object"}}},
                          {"audit", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                          {"category_correction",
                           {{"type", "string"},
                            {"enum", {"applied", "unchanged"}},
                            {"description", "in the answer to feedback that gave a category"}}}}}};
  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "recon"},
        {"version", RECON_VERSION},
        {"description", "Reconciliation break anomaly detection, categorisation and resolution."}}},
      {"paths", paths},
      {"security", {{{"bearer", json::array()}}}},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas",
         {{"Trade", TradeSchema(columns)},
          {"Verdict", verdict},
          {"BatchResult",
           {{"type", "object"},
            {"properties",
             {{"n_trades", {{"type", "integer"}}},
              {"n_flagged", {{"type", "integer"}}},
              {"n_auto_resolved", {{"type", "integer"}}},
              {"by_category", {{"type", "object"}, {"additionalProperties", {{"type", "integer"}}}}},
              {"by_status", {{"type", "object"}, {"additionalProperties", {{"type", "integer"}}}}},
              {"results", {{"type", "array"}, {"items", Ref("Verdict")}}}}}}},
          {"Anomaly", anomaly},
          {"AnomalyPage",
           {{"type", "object"},
            {"properties",
             {{"total", {{"type", "integer"}}},
              {"limit", {{"type", "integer"}}},
              {"offset", {{"type", "integer"}}},
              {"next_offset",
               {{"type", {"integer", "null"}},
                {"description", "offset of the next page; null after the last (a page may end before limit when it "
                                "reaches server.max_response_bytes)"}}},
              {"truncated", {{"type", "boolean"}, {"description", "the page stopped at server.max_response_bytes"}}},
              {"items", {{"type", "array"}, {"items", Ref("Anomaly")}}}}}}},
          {"Feedback",
           {{"type", "object"},
            {"required", {"reviewer"}},
            {"anyOf", {{{"required", {"status"}}}, {{"required", {"category"}}}}},
            {"properties",
             {{"status", {{"type", "string"}, {"enum", {"resolved", "rejected", "reopened"}}}},
              {"reviewer",
               {{"type", "string"},
                {"minLength", 1},
                {"maxLength", pipeline::kMaxReviewerBytes},
                {"description", "no control or direction-changing characters"}}},
              {"note", {{"type", "string"}, {"maxLength", pipeline::kMaxReviewNoteBytes}}},
              {"category",
               {{"type", "string"},
                {"enum", CategoryEnum()},
                {"description", "the right category (exact name): a correction the categoriser learns"}}}}}}},
          {"Health",
           {{"type", "object"},
            {"properties",
             {{"status", {{"type", "string"}, {"enum", {"ok", "degraded"}}}},
              {"version", {{"type", "string"}}},
              {"model", {{"type", {"object", "null"}}}},
              {"store", {{"type", "object"}}},
              {"degraded_reason", {{"type", "string"}}}}}}},
          {"Error", {{"type", "object"}, {"properties", {{"detail", {{"type", "string"}}}}}}},
          {"ValidationError",
           {{"type", "object"},
            {"properties",
             {{"detail",
               {{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties", {{"field", {{"type", "string"}}}, {"problem", {{"type", "string"}}}}}}}}}}}}}}}}},
  };
}

std::string DocsPage() {
  // Renders /openapi.json with a few lines of script: no external assets, so it works offline.
  return R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>recon API</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd}.op{margin:1rem 0;padding:.5rem 1rem;background:#f6f8fa;border-radius:6px}
.m{display:inline-block;min-width:4rem;font-weight:bold}pre{background:#fff;padding:.5rem;overflow:auto}</style>
</head><body><h1>recon API</h1><p id="info"></p><div id="paths"></div><h2>Schemas</h2><div id="schemas"></div>
<script>
fetch('openapi.json').then(r => r.json()).then(doc => {
  document.getElementById('info').textContent = doc.info.description + ' Version ' + doc.info.version + '.';
  const paths = document.getElementById('paths');
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const div = document.createElement('div'); div.className = 'op';
    const head = document.createElement('div');
    head.innerHTML = '<span class="m"></span><code></code> ';
    head.children[0].textContent = method.toUpperCase(); head.children[1].textContent = path;
    head.append(op.summary || '');
    div.append(head);
    const codes = document.createElement('div');
    codes.textContent = 'Responses: ' + Object.keys(op.responses || {}).join(', ');
    div.append(codes); paths.append(div);
  }
  const schemas = document.getElementById('schemas');
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    const h = document.createElement('h3'); h.textContent = name;
    const pre = document.createElement('pre'); pre.textContent = JSON.stringify(schema, null, 2);
    schemas.append(h, pre);
  }
});
</script></body></html>
)HTML";
}

}  // namespace recon::server
