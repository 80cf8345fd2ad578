// The route table and the error funnel of the HTTP API.
#include <chrono>
#include <cmath>

#include "recon/core/error.hpp"
#include "recon/server/api.hpp"
#include "recon/server/responses.hpp"

namespace recon::server {

namespace {

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start < path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;  // "/realtime_anomaly/" and "/realtime_anomaly" are the same route
}

bool IsId(const std::string& text) {
  return !text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

bool Api::Matches(const Route& route, const std::vector<std::string>& segments, PathParams* params) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t idx = 0; idx < segments.size(); ++idx) {
    if (route.segments[idx] == "{id}") {
      if (!IsId(segments[idx])) return false;
      if (params != nullptr) params->push_back(segments[idx]);
    } else if (route.segments[idx] != segments[idx]) {
      return false;
    }
  }
  return true;
}

Response UnauthorisedResponse(const Request& request) {
  Response response = JsonResponse(request, http::status::unauthorized,
                                   {{"detail", "missing or invalid API key (Authorization: Bearer <key>)"}});
  response.set(http::field::www_authenticate, "Bearer");
  return response;
}

Api::Api(service::ScoringService& service, const pipeline::Config& config, ApiKeys keys, const Logger& logger)
    : service_(service),
      config_(config),
      keys_(std::move(keys)),
      logger_(logger),
      routes_{
          {http::verb::get, {"health"}, "health", &Api::Health, false},
          {http::verb::post, {"realtime_anomaly"}, "realtime_anomaly", &Api::Realtime, true},
          {http::verb::post, {"batch_anomaly"}, "batch_anomaly", &Api::Batch, true},
          {http::verb::get, {"anomalies"}, "anomalies", &Api::ListAnomalies, true},
          {http::verb::get, {"anomalies", "{id}"}, "anomaly", &Api::GetAnomaly, true},
          {http::verb::post, {"anomalies", "{id}", "feedback"}, "feedback", &Api::Feedback, true},
          {http::verb::get, {"metrics"}, "metrics", &Api::MetricsText, true},
          {http::verb::get, {"openapi.json"}, "openapi", &Api::OpenApi, false},
          {http::verb::get, {"docs"}, "docs", &Api::Docs, false},
      },
      metrics_([this] {
        std::vector<std::string> names;
        for (const Route& route : routes_) names.push_back(route.name);
        return names;
      }()) {}

JsonLimits Api::InputLimits() const {
  return {config_.server.max_json_depth, config_.ingest.max_field_bytes, config_.server.max_json_values};
}

bool Api::RunsOnWorkPool(const Request& request) const {
  const std::string path = ParseTarget(View(request.target())).path;
  // Store reads and decisions: a page of 500 takes most of a second on a large store.
  if (path.rfind("/anomalies", 0) == 0) return true;
  if (request.method() != http::verb::post) return false;
  if (path.rfind("/batch_anomaly", 0) == 0) return true;
  return service_.LlmStats() != nullptr && path.rfind("/realtime_anomaly", 0) == 0;
}

bool Api::RefusesUnauthorised(const Request& request) const {
  if (keys_.Accepts(View(request[http::field::authorization]))) return false;
  const auto segments = Segments(ParseTarget(View(request.target())).path);
  for (const Route& route : routes_) {
    if (route.needs_auth && Matches(route, segments, nullptr)) return true;
  }
  return false;
}

bool Api::AuthorisedUpgrade(const Request& request) const {
  if (keys_.Accepts(View(request[http::field::authorization]))) return true;
  const std::string key = ParseTarget(View(request.target())).Query("api_key");
  return !key.empty() && keys_.AcceptsKey(key);
}

Response Api::Dispatch(const Request& request, std::string& route_name) {
  const Target target = ParseTarget(View(request.target()));
  const auto segments = Segments(target.path);
  // Auth before the method check, so a client without a key learns nothing of which methods a path has.
  if (RefusesUnauthorised(request)) return UnauthorisedResponse(request);
  bool path_matched = false;
  for (const Route& route : routes_) {
    PathParams params;
    if (!Matches(route, segments, &params)) continue;
    path_matched = true;
    if (route.method != request.method()) continue;
    route_name = route.name;
    return (this->*route.handler)(request, params);
  }
  if (path_matched) return JsonResponse(request, http::status::method_not_allowed, {{"detail", "method not allowed"}});
  return JsonResponse(request, http::status::not_found, {{"detail", "not found: " + target.path}});
}

Response Api::Handle(const Request& request) {
  const auto started = std::chrono::steady_clock::now();
  std::string route_name = "other";
  Response response;
  try {
    response = Dispatch(request, route_name);
  } catch (const Error& error) {
    response = ErrorResponse(request, error);
    if (response.result_int() >= 500) {
      logger_.Error("http.error", {{"route", route_name}, {"kind", ErrorKindName(error.Kind())}, {"error", error.what()}});
    }
  } catch (const std::exception& error) {
    logger_.Error("http.internal", {{"route", route_name}, {"error", error.what()}});
    response = JsonResponse(request, http::status::internal_server_error, {{"detail", "internal error"}});
  } catch (...) {
    logger_.Error("http.internal", {{"route", route_name}, {"error", "unknown exception"}});
    response = JsonResponse(request, http::status::internal_server_error, {{"detail", "internal error"}});
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.Record(metrics_.RouteIndex(route_name), response.result_int(), seconds);
  // One line per answered request, written before the answer goes out: a service killed after answering leaves
  // the requests it answered in its log (the logger writes each line through).
  logger_.Info("http.request", {{"method", std::string(request.method_string())},
                                {"route", route_name},
                                {"status", response.result_int()},
                                {"ms", std::round(seconds * 1e6) / 1e3}});
  return response;
}

}  // namespace recon::server
