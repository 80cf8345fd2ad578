#include "recon/llm/response.hpp"

#include <nlohmann/json.hpp>

#include "recon/llm/llm_params.hpp"
#include "recon/llm/prompt.hpp"

namespace recon::llm {
namespace {

using nlohmann::json;

std::string_view StripFence(std::string_view content) {
  auto trim = [](std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
  };
  content = trim(content);
  if (content.rfind("```", 0) != 0) return content;
  const std::size_t first_line_end = content.find('\n');
  const std::size_t closing = content.rfind("```");
  if (first_line_end == std::string_view::npos || closing <= first_line_end) return content;
  return trim(content.substr(first_line_end + 1, closing - first_line_end - 1));
}

std::uint64_t CountOf(const json& usage, const char* key) {
  const auto found = usage.find(key);
  return found != usage.end() && found->is_number_unsigned() ? found->get<std::uint64_t>() : 0;
}

}  // namespace

std::variant<LlmAnswer, std::string> ParseAnswer(const std::string& content) {
  const json answer = json::parse(StripFence(content), nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) return std::string("answer is not valid JSON");
  if (!answer.is_object()) return std::string("answer is not a JSON object");
  LlmAnswer result;
  const auto category = answer.find("category");
  if (category == answer.end() || !category->is_string()) return std::string("answer has no category string");
  const auto parsed_category = categorise::ParseCategory(category->get<std::string>());
  if (!parsed_category) return "category '" + category->get<std::string>().substr(0, 80) + "' is not on the bucket list";
  result.category = *parsed_category;
  const auto severity = answer.find("severity");
  if (severity == answer.end() || !severity->is_string()) return std::string("answer has no severity string");
  const auto parsed_severity = ParseSeverity(severity->get<std::string>());
  if (!parsed_severity) return "severity '" + severity->get<std::string>().substr(0, 40) + "' is not one of low..critical";
  result.severity = *parsed_severity;
  const auto summary = answer.find("summary");
  if (summary == answer.end() || !summary->is_string()) return std::string("answer has no summary string");
  result.summary = summary->get<std::string>();
  if (result.summary.empty()) return std::string("summary is empty");
  if (result.summary.size() > kMaxSummaryChars) {
    return "summary has " + std::to_string(result.summary.size()) + " characters, more than 300";
  }
  // The summary lands in CSV cells, e-mails and dashboards: control characters become spaces.
  for (char& character : result.summary) {
    if (static_cast<unsigned char>(character) < 0x20 || character == 0x7F) character = ' ';
  }
  const auto confidence = answer.find("confidence");
  if (confidence == answer.end() || !confidence->is_number()) return std::string("answer has no numeric confidence");
  result.confidence = confidence->get<double>();
  if (!(result.confidence >= 0.0 && result.confidence <= 1.0)) return std::string("confidence is outside [0, 1]");
  return result;
}

ParsedCompletion ParseCompletion(const std::string& body) {
  ParsedCompletion parsed;
  const json root = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    parsed.answer_or_problem = std::string("response body is not a JSON object");
    return parsed;
  }
  if (const auto usage = root.find("usage"); usage != root.end() && usage->is_object()) {
    parsed.usage.prompt_tokens = CountOf(*usage, "prompt_tokens");
    parsed.usage.completion_tokens = CountOf(*usage, "completion_tokens");
  }
  const auto choices = root.find("choices");
  if (choices == root.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    parsed.answer_or_problem = std::string("response has no choices");
    return parsed;
  }
  const json& message = (*choices)[0].value("message", json::object());
  const auto content = message.find("content");
  if (content == message.end() || !content->is_string()) {
    parsed.answer_or_problem = std::string("response message has no content");
    return parsed;
  }
  parsed.answer_or_problem = ParseAnswer(content->get<std::string>());
  return parsed;
}

}  // namespace recon::llm
