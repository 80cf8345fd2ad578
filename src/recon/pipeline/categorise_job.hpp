#pragma once
// `recon categorise "comment" [--evidence JSON] [--llm]`: one anomaly through the configured categoriser, for
// trying the prompt and the local model by hand. Prints the verdict as JSON.
#include <string>

#include "recon/core/logger.hpp"
#include "recon/pipeline/config.hpp"

namespace recon::pipeline {

struct CategoriseOptions {
  std::string comment;
  std::string evidence_json;  ///< a JSON object of AnomalyEvidence fields (book_quantity, amount_diff, ...)
  bool use_llm = false;
};

/// Parses `evidence_json` into evidence; throws InvalidInput naming the field that is unknown or of a wrong type.
categorise::AnomalyEvidence ParseEvidenceJson(const std::string& evidence_json);

/// Categorises one anomaly and returns the verdict as a JSON document (one line).
std::string RunCategorise(const Config& config, const CategoriseOptions& options, const Logger& logger);

}  // namespace recon::pipeline
