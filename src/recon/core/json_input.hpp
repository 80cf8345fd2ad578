#pragma once
// JSON that arrives from outside (request bodies, WebSocket messages, LLM answers) is parsed here, within limits
// checked while parsing: nesting depth and string length are refused before any recursive walk (dump, compare,
// destroy) can meet them, and a number that does not fit a double is reported with the member it belongs to.
// nlohmann's own parser throws out_of_range for 1e400 and builds documents of any depth; a SAX handler in front of
// its DOM builder (nlohmann::detail::json_sax_dom_parser: internal to nlohmann, stable across 3.x; Debian 12
// ships 3.11.2) turns each of those into a problem that names where it happened.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace recon {

/// Bounds on one JSON document from outside.
struct JsonLimits {
  std::size_t max_depth = 32;                ///< arrays and objects nested deeper are refused
  std::size_t max_string_bytes = 1 << 20;    ///< longer strings (values or keys) are refused
  std::size_t max_values = 1'000'000;        ///< more values (scalars, arrays and objects) are refused
};

/// Why a document was refused.
enum class JsonProblemKind {
  kMalformed,   ///< not JSON (syntax, encoding, truncation)
  kTooDeep,     ///< nested deeper than max_depth
  kTooLong,     ///< a string longer than max_string_bytes
  kOutOfRange,  ///< a number that does not fit a double (1e400)
  kTooLarge,    ///< more than max_values values: a document costs far more memory than its text
};

/// What was wrong and where: `path` names the member ("trades[3].BOOK_QUANTITY"; "" for the document itself).
struct JsonProblem {
  JsonProblemKind kind = JsonProblemKind::kMalformed;
  std::string path;
  std::size_t byte = 0;  ///< where the parser stopped, for malformed text and out-of-range numbers (else 0)
  std::string message;   ///< one line for the client, without the path
};

/// A parsed document, or the first problem met.
struct JsonInput {
  nlohmann::json value;
  std::optional<JsonProblem> problem;
};

/// Parses `text` within `limits`. Never throws for any input.
JsonInput ParseJsonWithin(std::string_view text, const JsonLimits& limits);

/// "`path`: `message`" or just the message for the document itself.
std::string DescribeJsonProblem(const JsonProblem& problem);

}  // namespace recon
