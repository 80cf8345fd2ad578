#include "recon/server/ws_messages.hpp"

#include "recon/core/error.hpp"
#include "recon/core/json_input.hpp"

namespace recon::server {
namespace {

using nlohmann::json;

std::string ErrorMessage(const std::string& error, json detail = nullptr) {
  json message{{"type", "error"}, {"error", error}};
  if (!detail.is_null()) message["detail"] = std::move(detail);
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Answer(std::string_view text, Api& api, const FeedMembership& membership) {
  JsonInput input = ParseJsonWithin(text, api.InputLimits());
  if (input.problem) {
    if (input.problem->kind == JsonProblemKind::kMalformed) {
      return ErrorMessage("malformed JSON", "at byte " + std::to_string(input.problem->byte) + ": " +
                                                input.problem->message);
    }
    const std::string field = input.problem->path.empty() ? "body" : input.problem->path;
    return ErrorMessage("invalid trade", service::ProblemsJson({{field, input.problem->message}}));
  }
  const json& message = input.value;
  if (message.is_object() && (message.contains("subscribe") || message.contains("unsubscribe"))) {
    const bool subscribe = message.contains("subscribe");
    const json& feed = subscribe ? message.at("subscribe") : message.at("unsubscribe");
    if (feed != "anomalies") return ErrorMessage("unknown feed", "the only feed is \"anomalies\"");
    (subscribe ? membership.join : membership.leave)();
    return json{{"type", subscribe ? "subscribed" : "unsubscribed"}, {"feed", "anomalies"}}.dump();
  }
  const std::vector<const json*> trades = {&message};
  std::vector<service::FieldProblem> problems;
  const auto verdicts = api.Service().Score(trades, service::EntryPoint::kStream, false, problems);
  if (!problems.empty()) return ErrorMessage("invalid trade", service::ProblemsJson(problems));
  json result = service::ToJson(verdicts.front());
  result["type"] = "result";
  return result.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string AnswerWsMessage(std::string_view text, Api& api, const FeedMembership& membership) {
  try {
    return Answer(text, api, membership);
  } catch (const Error& failure) {
    // The same rule as the HTTP funnel: the client's own problems are told, the server's are logged.
    switch (failure.Kind()) {
      case ErrorKind::kUnavailable: return ErrorMessage("unavailable", failure.what());
      case ErrorKind::kInvalidInput:
      case ErrorKind::kNotFound:
      case ErrorKind::kConflict: return ErrorMessage("failed", failure.what());
      case ErrorKind::kCorrupt:
      case ErrorKind::kInternal: break;
    }
    api.Log().Error("ws.error", {{"kind", ErrorKindName(failure.Kind())}, {"error", failure.what()}});
    return ErrorMessage("failed", "internal error");
  } catch (const std::exception& failure) {
    api.Log().Error("ws.internal", {{"error", failure.what()}});
    return ErrorMessage("failed", "internal error");
  } catch (...) {
    api.Log().Error("ws.internal", {{"error", "unknown exception"}});
    return ErrorMessage("failed", "internal error");
  }
}

}  // namespace recon::server
