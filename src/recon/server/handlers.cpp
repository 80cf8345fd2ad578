// The endpoint handlers of the HTTP API.
#include <cctype>
#include <algorithm>
#include <charconv>
#include <map>

#include "recon/categorise/category.hpp"
#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/core/json_input.hpp"
#include "recon/pipeline/category_review.hpp"
#include "recon/server/anomaly_json.hpp"
#include "recon/server/api.hpp"
#include "recon/server/responses.hpp"

namespace recon::server {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxPageSize = 500;
constexpr std::size_t kFirstChunk = 16;  // store rows read at first for a page of /anomalies
constexpr std::size_t kMaxChunk = 128;
// The newest audit rows shown with an anomaly: each holds a note of up to 4,000 characters, and a trail grows with
// every decision, so the whole of it would bound neither the answer nor the memory it takes.
constexpr std::size_t kMaxAuditEntries = 100;

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t idx = 0; idx < text.size(); ++idx) {
    if (text[idx] == '+') {
      out += ' ';
    } else if (text[idx] == '%' && idx + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[idx + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[idx + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(idx + 1, 2)), nullptr, 16));
      idx += 2;
    } else {
      out += text[idx];
    }
  }
  return out;
}

// The body as JSON within `limits`; otherwise a 400 naming where the text stopped being JSON, or a 422 naming the
// member that is too deep, too long or out of range.
// `root_array`: what an array body is called in a member's path ("trades" for a batch, as the field errors of
// its trades say "trades[3].BOOK_QUANTITY" whichever form the batch took).
std::optional<json> ParseBody(const Request& request, const JsonLimits& limits, Response& failure,
                              std::string_view root_array = "") {
  JsonInput input = ParseJsonWithin(request.body(), limits);
  if (!input.problem) return std::move(input.value);
  const JsonProblem& problem = *input.problem;
  if (problem.kind == JsonProblemKind::kMalformed) {
    failure = JsonResponse(request, http::status::bad_request,
                           {{"detail", "malformed JSON at byte " + std::to_string(problem.byte) + ": " + problem.message}});
  } else {
    std::string field = problem.path.empty() ? "body" : problem.path;
    if (field.front() == '[') field.insert(0, root_array);
    failure = ValidationResponse(request, {{field, problem.message}});
  }
  return std::nullopt;
}

// About what AnomalyJson(stored) takes once written: its text fields plus the fixed members.
std::size_t EstimatedJsonBytes(const store::StoredAnomaly& stored) {
  const auto& record = stored.record;
  return 512 + record.row_json.size() + record.summary.size() + record.explanation.size() +
         record.resolution_reason.size() + record.trade_id.size() +
         record.desk.size() + record.source.size() + record.category.size() + record.status.size();
}

json AuditJson(const std::vector<store::AuditEntry>& trail) {
  json out = json::array();
  for (const auto& entry : trail) {
    out.push_back({{"at", entry.at},
                   {"actor", entry.actor},
                   {"old_status", entry.old_status.empty() ? json(nullptr) : json(entry.old_status)},
                   {"new_status", entry.new_status},
                   {"note", entry.note}});
  }
  return out;
}

// The trail (its newest kMaxAuditEntries rows, of the kMaxAuditEntries + 1 read) and whether older ones exist.
void AddAudit(json& anomaly, std::vector<store::AuditEntry> trail) {
  const bool truncated = trail.size() > kMaxAuditEntries;
  if (truncated) trail.erase(trail.begin());
  anomaly["audit"] = AuditJson(trail);
  anomaly["audit_truncated"] = truncated;
}

std::int64_t IdOf(const std::string& text) {
  std::int64_t id = 0;
  std::from_chars(text.data(), text.data() + text.size(), id);
  return id;
}

}  // namespace

std::string Target::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return "";
}

Target ParseTarget(std::string_view target) {
  Target parsed;
  const std::size_t question = target.find('?');
  parsed.path = PercentDecode(target.substr(0, question));
  if (question == std::string_view::npos) return parsed;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const std::size_t equals = pair.find('=');
    parsed.query.emplace_back(PercentDecode(pair.substr(0, equals)),
                              equals == std::string_view::npos ? "" : PercentDecode(pair.substr(equals + 1)));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return parsed;
}

Response Api::Health(const Request& request, const PathParams& /*params*/) {
  json store_state;
  try {
    store_state = service_.StoreState();
    store_state["state"] = "ok";
  } catch (const Error& error) {
    store_state = {{"state", "unavailable"}, {"error", error.what()}};
  }
  json body{{"status", service_.Ready() ? "ok" : "degraded"},
            {"version", RECON_VERSION},
            {"model", service_.ModelInfo()},
            {"store", store_state},
            {"categoriser", service_.LlmStats() != nullptr ? "local + llm" : "local"}};
  if (!service_.Ready()) body["degraded_reason"] = service_.DegradedReason();
  return JsonResponse(request, http::status::ok, body);
}

Response Api::Realtime(const Request& request, const PathParams& /*params*/) {
  Response failure;
  const auto body = ParseBody(request, InputLimits(), failure);
  if (!body) return failure;
  const std::vector<const json*> trades = {&*body};
  std::vector<service::FieldProblem> problems;
  const auto verdicts = service_.Score(trades, service::EntryPoint::kRealtime, false, problems);
  if (!problems.empty()) return ValidationResponse(request, problems);
  return JsonResponse(request, http::status::ok, service::ToJson(verdicts.front()));
}

Response Api::Batch(const Request& request, const PathParams& /*params*/) {
  Response failure;
  const auto body = ParseBody(request, InputLimits(), failure, "trades");
  if (!body) return failure;
  const json* list = &*body;
  if (body->is_object() && body->contains("trades")) list = &(*body)["trades"];
  if (!list->is_array()) {
    return ValidationResponse(request, {{"body", "must be a JSON array of trades (or {\"trades\": [...]})"}});
  }
  if (list->empty()) return JsonResponse(request, http::status::bad_request, {{"detail", "empty batch"}});
  if (list->size() > config_.server.max_batch_trades) {
    return JsonResponse(request, http::status::payload_too_large,
                        {{"detail", "a batch holds at most " + std::to_string(config_.server.max_batch_trades) +
                                        " trades (server.max_batch_trades), got " + std::to_string(list->size())}});
  }
  std::vector<const json*> trades;
  for (const json& trade : *list) trades.push_back(&trade);
  std::vector<service::FieldProblem> problems;
  const auto verdicts = service_.Score(trades, service::EntryPoint::kBatch, true, problems);
  if (!problems.empty()) return ValidationResponse(request, problems);
  json results = json::array();
  std::map<std::string, std::uint64_t> by_category;
  std::map<std::string, std::uint64_t> by_status;
  std::size_t flagged = 0;
  for (const auto& verdict : verdicts) {
    results.push_back(service::ToJson(verdict));
    if (!verdict.flagged) continue;
    ++flagged;
    ++by_category[verdict.category];
    ++by_status[verdict.status];
  }
  return JsonResponse(request, http::status::ok,
                      {{"n_trades", verdicts.size()},
                       {"n_flagged", flagged},
                       {"n_auto_resolved", by_status.contains(std::string(resolve::kStatusAutoResolved))
                                               ? by_status.at(std::string(resolve::kStatusAutoResolved))
                                               : 0},
                       {"by_category", by_category},
                       {"by_status", by_status},
                       {"results", results}});
}

Response Api::ListAnomalies(const Request& request, const PathParams& /*params*/) {
  const Target target = ParseTarget(View(request.target()));
  store::AnomalyFilter filter;
  filter.status = target.Query("status");
  filter.category = target.Query("category");
  filter.desk = target.Query("desk");
  filter.trade_date_from = target.Query("from");
  filter.trade_date_to = target.Query("to");
  std::vector<service::FieldProblem> problems;
  auto read_count = [&](const char* name, std::size_t fallback, std::size_t max) {
    const std::string text = target.Query(name);
    if (text.empty()) return fallback;
    std::size_t value = 0;
    const auto [end, code] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (code != std::errc() || end != text.data() + text.size() || value > max) {
      problems.push_back({name, "must be an integer between 0 and " + std::to_string(max)});
    }
    return value;
  };
  filter.limit = read_count("limit", 50, kMaxPageSize);
  filter.offset = read_count("offset", 0, 1ULL << 40);
  for (const char* name : {"from", "to"}) {
    const std::string date = target.Query(name);
    if (!date.empty() && !ParseIsoDate(date)) problems.push_back({name, "must be a date as YYYY-MM-DD"});
  }
  const std::string category = target.Query("category");
  if (!category.empty() && !categorise::ParseCategory(category)) {
    problems.push_back({"category", "must be one of the buckets (e.g. Timing Issue)"});
  }
  if (!problems.empty()) return ValidationResponse(request, problems);
  // A page stops at server.max_response_bytes (at least one item): rows can hold fields of up to
  // ingest.max_field_bytes each, so a count alone bounds neither the answer nor the memory it takes. The store is
  // read in small pages sized by what the items so far weighed.
  const std::size_t budget = config_.server.max_response_bytes;
  json items = json::array();
  std::uint64_t total = 0;
  std::size_t bytes = 0;
  bool truncated = false;
  std::size_t chunk = std::min<std::size_t>(filter.limit, kFirstChunk);
  if (filter.limit == 0) total = service_.ListAnomalies(filter).second;
  std::int64_t last_id = 0;
  while (items.size() < filter.limit && !truncated) {
    // The first part by offset, the rest from its last id: rows stored meanwhile (newest first) must not shift
    // the rest of the page and list an anomaly twice.
    store::AnomalyFilter page = filter;
    if (last_id > 0) {
      page.offset = 0;
      page.before_id = last_id;
    }
    page.limit = chunk;
    const auto [anomalies, count] = service_.ListAnomalies(page);
    if (last_id == 0) total = count;
    for (const auto& stored : anomalies) {
      const std::size_t weight = EstimatedJsonBytes(stored);
      if (!items.empty() && bytes + weight > budget) {
        truncated = true;
        break;
      }
      bytes += weight;
      last_id = stored.id;
      items.push_back(AnomalyJson(stored));
    }
    if (anomalies.size() < page.limit) break;  // the end of the list
    const std::size_t average = bytes / std::max<std::size_t>(items.size(), 1) + 1;
    chunk = std::clamp<std::size_t>((budget > bytes ? budget - bytes : 0) / average, 1, kMaxChunk);
    chunk = std::min(chunk, filter.limit - std::min(filter.limit, items.size()));
  }
  const std::uint64_t next = filter.offset + items.size();
  const bool more = !items.empty() && next < total;  // an empty page (limit=0) must not point at itself
  return JsonResponse(request, http::status::ok,
                      {{"total", total},
                       {"limit", filter.limit},
                       {"offset", filter.offset},
                       {"next_offset", more ? json(next) : json(nullptr)},
                       {"truncated", truncated},
                       {"items", items}});
}

Response Api::GetAnomaly(const Request& request, const PathParams& params) {
  const std::int64_t id = IdOf(params[0]);
  const auto stored = service_.GetAnomaly(id);
  if (!stored) return JsonResponse(request, http::status::not_found, {{"detail", "no anomaly " + params[0]}});
  json body = AnomalyJson(*stored);
  AddAudit(body, service_.AuditTrail(id, kMaxAuditEntries + 1));
  return JsonResponse(request, http::status::ok, body);
}

Response Api::Feedback(const Request& request, const PathParams& params) {
  Response failure;
  const auto body = ParseBody(request, InputLimits(), failure);
  if (!body) return failure;
  static const std::map<std::string, std::string> kStatuses = {
      {"resolved", "Resolved"}, {"rejected", "Rejected"}, {"reopened", std::string(resolve::kStatusPendingReview)}};
  std::vector<service::FieldProblem> problems;
  if (!body->is_object()) {
    return ValidationResponse(request, {{"body", "must be a JSON object {status and/or category, reviewer, note}"}});
  }
  const json& status = body->value("status", json());
  const json& reviewer = body->value("reviewer", json());
  const json& note = body->value("note", json(""));
  const json& category = body->value("category", json());
  if (status.is_null() && category.is_null()) {
    problems.push_back({"status", "give a status (resolved, rejected, reopened), a category, or both"});
  } else if (!status.is_null() && (!status.is_string() || !kStatuses.contains(status.get<std::string>()))) {
    problems.push_back({"status", "must be one of resolved, rejected, reopened"});
  }
  if (!reviewer.is_string()) {
    problems.push_back({"reviewer", "field required: a non-empty string of at most " +
                                        std::to_string(pipeline::kMaxReviewerBytes) + " characters"});
  } else if (std::string problem = pipeline::ReviewerNameProblem(reviewer.get_ref<const std::string&>());
             !problem.empty()) {
    // A name goes into audit rows, logs and e-mails: a CR/LF in it could forge a line there.
    problems.push_back({"reviewer", std::move(problem)});
  }
  if (!note.is_string() || note.get<std::string>().size() > pipeline::kMaxReviewNoteBytes) {
    problems.push_back(
        {"note", "must be a string of at most " + std::to_string(pipeline::kMaxReviewNoteBytes) + " characters"});
  }
  std::optional<categorise::Category> corrected;
  if (!category.is_null()) {
    if (category.is_string()) corrected = categorise::ParseCategory(category.get_ref<const std::string&>());
    if (!corrected) problems.push_back({"category", "must be one of: " + pipeline::CategoryChoices()});
  }
  if (!problems.empty()) return ValidationResponse(request, problems);
  const std::int64_t id = IdOf(params[0]);
  const auto not_found = [&] {
    return JsonResponse(request, http::status::not_found, {{"detail", "no anomaly " + params[0]}});
  };
  // The correction first: the categoriser has learnt it when the answer goes back.
  std::optional<store::CorrectionResult> correction;
  if (corrected) {
    try {
      correction = service_.CorrectCategory(id, *corrected, reviewer.get<std::string>(), note.get<std::string>());
    } catch (const Error& error) {
      // The anomaly's numbers rule the category out: a field problem, like an unknown category.
      if (error.Kind() != ErrorKind::kInvalidInput) throw;
      return ValidationResponse(request, {{"category", error.what()}});
    }
    if (!correction) return not_found();
  }
  const auto updated = status.is_null() ? service_.GetAnomaly(id)
                                        : service_.RecordFeedback(id, kStatuses.at(status.get<std::string>()),
                                                                  reviewer.get<std::string>(), note.get<std::string>());
  if (!updated) return not_found();
  json response = AnomalyJson(*updated);
  if (correction) {
    response["category_correction"] = *correction == store::CorrectionResult::kApplied ? "applied" : "unchanged";
  }
  AddAudit(response, service_.AuditTrail(id, kMaxAuditEntries + 1));
  return JsonResponse(request, http::status::ok, response);
}

Response Api::MetricsText(const Request& request, const PathParams& /*params*/) {
  return TextResponse(request, http::status::ok, metrics_.Render(service_), "text/plain; version=0.0.4");
}

Response Api::OpenApi(const Request& request, const PathParams& /*params*/) {
  return JsonResponse(request, http::status::ok, OpenApiDocument(config_.columns));
}

Response Api::Docs(const Request& request, const PathParams& /*params*/) {
  return TextResponse(request, http::status::ok, DocsPage(), "text/html; charset=utf-8");
}

}  // namespace recon::server
