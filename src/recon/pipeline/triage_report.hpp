#pragma once
// What `recon eval --category-column` prints: a screen for people, or one JSON object for scripts. Both carry the
// same figures; the JSON leaves out the run time so that the same file and configuration give the same bytes.
#include <string>

#include "recon/pipeline/triage_eval.hpp"

namespace recon::pipeline {

/// The report as text (ends with a newline).
std::string RenderTriageEval(const TriageEvalReport& report);

/// The report as one JSON object on one line (ends with a newline). Ratios without a denominator, and amounts
/// in a currency without a rate, are null.
std::string TriageEvalJson(const TriageEvalReport& report);

}  // namespace recon::pipeline
