#pragma once
// Reading and validating a /chat/completions answer. Nothing the model writes is trusted: the content must be one
// JSON object whose category is on the bucket list, whose severity is one of the four, whose summary is a
// non-empty single line of at most 300 characters and whose confidence is a number in [0, 1]; anything else is
// an invalid answer (the caller retries once, then falls back to the local categoriser).
#include <cstdint>
#include <string>
#include <variant>

#include "recon/categorise/category.hpp"

namespace recon::llm {

/// Token counts from the response's `usage` object (0 when the server sends none).
struct TokenUsage {
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
};

/// A validated answer.
struct LlmAnswer {
  categorise::Category category = categorise::Category::kUnknown;
  categorise::Severity severity = categorise::Severity::kLow;
  std::string summary;
  double confidence = 0.0;
};

/// The outcome of parsing one response body: the answer, or why it was refused; usage either way.
struct ParsedCompletion {
  std::variant<LlmAnswer, std::string> answer_or_problem;
  TokenUsage usage;
  bool ok() const { return std::holds_alternative<LlmAnswer>(answer_or_problem); }
};

/// Parses a /chat/completions body (choices[0].message.content holding the JSON answer; a ```json fence, which
/// some local servers add, is tolerated).
ParsedCompletion ParseCompletion(const std::string& body);

/// Validates the answer object itself (the content string).
std::variant<LlmAnswer, std::string> ParseAnswer(const std::string& content);

}  // namespace recon::llm
