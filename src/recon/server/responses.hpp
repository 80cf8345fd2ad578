#pragma once
// Building responses: JSON bodies, the FastAPI-style 422 list, and the mapping of error kinds to statuses.
#include <nlohmann/json.hpp>
#include <vector>

#include "recon/core/error.hpp"
#include "recon/server/http_types.hpp"
#include "recon/service/trade_json.hpp"

namespace recon::server {

/// A response with `body` as JSON, keep-alive and version taken from the request.
Response JsonResponse(const Request& request, http::status status, const nlohmann::json& body);
/// A response with a given content type.
Response TextResponse(const Request& request, http::status status, std::string body, std::string_view content_type);
/// 422 with {"detail": [{"field", "problem"}, ...]}.
Response ValidationResponse(const Request& request, const std::vector<service::FieldProblem>& problems);
/// The status for an error kind: invalid input 400, not found 404, conflict 409, unavailable 503, others 500.
Response ErrorResponse(const Request& request, const Error& error);

}  // namespace recon::server
