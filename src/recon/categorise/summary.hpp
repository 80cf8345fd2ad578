#pragma once
#include <string>

#include "recon/categorise/category.hpp"
#include "recon/categorise/evidence.hpp"

namespace recon::categorise {

/// A one-line resolution summary: what differs and the usual next step for the category.
std::string SummariseResolution(const AnomalyEvidence& evidence, Category category);

}  // namespace recon::categorise
