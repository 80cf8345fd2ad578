#pragma once
// What recon sends to the LLM, and the cache key of a question. The trade's evidence and COMMENT travel as one
// JSON document inside the user message: the COMMENT is a quoted, length-capped JSON string, and the system prompt
// says that everything in the document is data, so text in a comment cannot act as an instruction. The answer is
// constrained by a JSON schema (category from the bucket list, severity, a summary of at most 300 characters,
// confidence) and validated again on arrival (response.hpp).
#include <string>

#include "recon/categorise/categoriser.hpp"
#include "recon/categorise/evidence.hpp"
#include "recon/llm/llm_params.hpp"

namespace recon::llm {

/// Bumped whenever the prompt or schema changes, so cached answers to an older question are not reused.
inline constexpr int kPromptVersion = 1;
inline constexpr std::size_t kMaxSummaryChars = 300;

/// The system prompt: the role, the bucket list with definitions, and the data-not-instructions rule.
std::string SystemPrompt();

/// The user message: the evidence as a JSON document (COMMENT capped at params.max_comment_chars).
std::string UserMessage(const categorise::AnomalyEvidence& evidence, const categorise::Categorisation& local,
                        const LlmParams& params);

/// The full /chat/completions request body.
std::string RequestBody(const categorise::AnomalyEvidence& evidence, const categorise::Categorisation& local,
                        const LlmParams& params);

/// Lower-case, whitespace collapsed and trimmed, capped: comments that differ only in spacing or case share a key.
std::string NormaliseComment(std::string_view comment, std::size_t max_chars);

/// SHA-256 (hex) of model, prompt version, normalised comment and the evidence in coarse buckets (signs and
/// half-decades of the differences, relative sizes, lateness, repeats): similar breaks share one answer.
std::string CacheKey(const categorise::AnomalyEvidence& evidence, const LlmParams& params);

}  // namespace recon::llm
