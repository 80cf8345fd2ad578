#pragma once
// The HTTP API: one route table (routes.cpp reads like the API index) and one error funnel. Handle never throws:
// a recon::Error becomes a status and a JSON body by its kind, anything else a 500 with a generic message.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recon/core/json_input.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/server/api_keys.hpp"
#include "recon/server/http_types.hpp"
#include "recon/server/metrics.hpp"
#include "recon/service/scoring_service.hpp"

namespace recon::server {

class Api {
 public:
  Api(service::ScoringService& service, const pipeline::Config& config, ApiKeys keys, const Logger& logger);

  /// Answers one request (routing, auth, errors, metrics).
  Response Handle(const Request& request);
  /// Whether a request may open a WebSocket (same keys; `api_key` query parameter accepted too).
  bool AuthorisedUpgrade(const Request& request) const;
  /// Whether `request` should run on the work pool rather than the I/O thread: batches, and single trades when an
  /// LLM may be called (seconds). A single trade scored locally takes microseconds: a thread hop would cost more.
  bool RunsOnWorkPool(const Request& request) const;
  /// Whether `request` (its header is enough) asks for a route that needs a key it does not carry: answered 401
  /// before a body is asked for (Expect: 100-continue) or read.
  bool RefusesUnauthorised(const Request& request) const;

  /// The bounds on a JSON body or message: server.max_json_depth and max_json_values, and ingest.max_field_bytes
  /// for every string (a trade's fields are bounded over the API as in a CSV file).
  JsonLimits InputLimits() const;
  const Logger& Log() const { return logger_; }
  Metrics& GetMetrics() { return metrics_; }
  service::ScoringService& Service() { return service_; }

 private:
  using PathParams = std::vector<std::string>;  // path placeholders, in order
  struct Route {
    http::verb method;
    std::vector<std::string> segments;  // "{id}" matches a positive integer
    std::string name;
    Response (Api::*handler)(const Request&, const PathParams&);
    bool needs_auth;
  };
  Response Dispatch(const Request& request, std::string& route_name);
  /// Whether `segments` is `route`'s path; its placeholders' values go to `params` when given.
  static bool Matches(const Route& route, const std::vector<std::string>& segments, PathParams* params);

  Response Health(const Request& request, const PathParams& params);
  Response Realtime(const Request& request, const PathParams& params);
  Response Batch(const Request& request, const PathParams& params);
  Response ListAnomalies(const Request& request, const PathParams& params);
  Response GetAnomaly(const Request& request, const PathParams& params);
  Response Feedback(const Request& request, const PathParams& params);
  Response MetricsText(const Request& request, const PathParams& params);
  Response OpenApi(const Request& request, const PathParams& params);
  Response Docs(const Request& request, const PathParams& params);

  service::ScoringService& service_;
  const pipeline::Config& config_;
  ApiKeys keys_;
  const Logger& logger_;
  std::vector<Route> routes_;
  Metrics metrics_;
};

/// 401 with the Bearer challenge.
Response UnauthorisedResponse(const Request& request);

/// The OpenAPI 3.1 document of every endpoint and schema (the trade schema follows the configured columns).
nlohmann::json OpenApiDocument(const ColumnMapping& columns);
/// A readable HTML page of the document (/docs), self-contained (no CDN: the service may run offline).
std::string DocsPage();

/// Splits "/a/b?x=1&y=2" into the path and decoded query parameters.
struct Target {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  /// The value of `name`, or "" when absent.
  std::string Query(std::string_view name) const;
};
Target ParseTarget(std::string_view target);

}  // namespace recon::server
