#include "recon/categorise/category.hpp"

namespace recon::categorise {
namespace {
constexpr std::array<std::string_view, kCategoryCount> kNames = {
    "Rounding Error",  "Timing Issue",       "Quantity Mismatch",
    "Price Mismatch",  "FX Rate Difference", "Fee/Commission Difference",
    "Duplicate Entry", "Missing Trade",      "Unknown"};
}

std::string_view CategoryName(Category category) { return kNames[static_cast<std::size_t>(category)]; }

std::optional<Category> ParseCategory(std::string_view name) {
  for (std::size_t idx = 0; idx < kCategoryCount; ++idx) {
    if (kNames[idx] == name) return static_cast<Category>(idx);
  }
  return std::nullopt;
}

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "low";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (const auto severity : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (SeverityName(severity) == name) return severity;
  }
  return std::nullopt;
}

}  // namespace recon::categorise
