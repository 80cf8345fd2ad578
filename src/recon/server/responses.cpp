#include "recon/server/responses.hpp"

namespace recon::server {

Response TextResponse(const Request& request, http::status status, std::string body, std::string_view content_type) {
  Response response{status, request.version()};
  response.set(http::field::server, "recon");
  response.set(http::field::content_type, boost::beast::string_view(content_type.data(), content_type.size()));
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response JsonResponse(const Request& request, http::status status, const nlohmann::json& body) {
  return TextResponse(request, status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                      "application/json");
}

Response ValidationResponse(const Request& request, const std::vector<service::FieldProblem>& problems) {
  const nlohmann::json detail = service::ProblemsJson(problems);
  return JsonResponse(request, http::status::unprocessable_entity, {{"detail", detail}});
}

Response ErrorResponse(const Request& request, const Error& error) {
  http::status status = http::status::internal_server_error;
  switch (error.Kind()) {
    case ErrorKind::kInvalidInput: status = http::status::bad_request; break;
    case ErrorKind::kNotFound: status = http::status::not_found; break;
    case ErrorKind::kConflict: status = http::status::conflict; break;
    case ErrorKind::kUnavailable: status = http::status::service_unavailable; break;
    case ErrorKind::kCorrupt:
    case ErrorKind::kInternal: status = http::status::internal_server_error; break;
  }
  const bool internal = status == http::status::internal_server_error;
  return JsonResponse(request, status, {{"detail", internal ? std::string("internal error") : error.what()}});
}

}  // namespace recon::server
