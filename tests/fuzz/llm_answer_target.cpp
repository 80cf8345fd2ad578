// The LLM answer validator: nothing a model (or a server pretending to be one) writes may crash it or throw. The
// input is tried as the answer itself (the message content), as a whole /chat/completions body, and wrapped as the
// content of a well-formed body, which must be judged exactly as the answer alone. An accepted answer must keep
// the promises of response.hpp: a bucket, a severity, a non-empty one-line summary of at most 300 characters
// without control characters, a confidence in [0, 1].
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz/fuzz_targets.hpp"
#include "recon/llm/response.hpp"

namespace recon::fuzz {
namespace {

void CheckAnswer(const std::variant<llm::LlmAnswer, std::string>& outcome) {
  if (const auto* problem = std::get_if<std::string>(&outcome)) {
    Require(!problem->empty(), "a refusal without a reason");
    return;
  }
  const auto& answer = std::get<llm::LlmAnswer>(outcome);
  Require(!answer.summary.empty() && answer.summary.size() <= 300, "an accepted summary of the wrong length");
  for (const char character : answer.summary) {
    const auto code = static_cast<unsigned char>(character);
    Require(code >= 0x20 && code != 0x7F, "an accepted summary with a control character");
  }
  Require(answer.confidence >= 0.0 && answer.confidence <= 1.0, "an accepted confidence outside [0, 1]");
}

}  // namespace

void FuzzLlmAnswer(std::string_view input) {
  const std::string text(input);
  const auto answer = llm::ParseAnswer(text);
  CheckAnswer(answer);
  CheckAnswer(llm::ParseCompletion(text).answer_or_problem);

  nlohmann::json choice = nlohmann::json::object();
  choice["message"] = {{"role", "assistant"}, {"content", text}};
  nlohmann::json body = nlohmann::json::object();
  body["choices"] = nlohmann::json::array({choice});
  body["usage"] = {{"prompt_tokens", 120}, {"completion_tokens", 40}};
  const std::string wrapped = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const llm::ParsedCompletion completion = llm::ParseCompletion(wrapped);
  CheckAnswer(completion.answer_or_problem);
  Require(completion.usage.prompt_tokens == 120 && completion.usage.completion_tokens == 40, "usage lost");
  if (nlohmann::json::parse(wrapped)["choices"][0]["message"]["content"] == text) {  // valid UTF-8: not replaced
    Require(completion.ok() == std::holds_alternative<llm::LlmAnswer>(answer),
            "the answer is judged differently inside a completion body");
  }
}

}  // namespace recon::fuzz
