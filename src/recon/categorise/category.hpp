#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace recon::categorise {

/// The reconciliation buckets every anomaly is placed in.
enum class Category : std::size_t {
  kRoundingError,
  kTimingIssue,
  kQuantityMismatch,
  kPriceMismatch,
  kFxRateDifference,
  kFeeCommissionDifference,
  kDuplicateEntry,
  kMissingTrade,
  kUnknown,
};
inline constexpr std::size_t kCategoryCount = 9;

/// Display name, exactly as in reports and the LLM's bucket list ("Fee/Commission Difference").
std::string_view CategoryName(Category category);
/// Inverse of CategoryName (exact match); empty for anything off the list.
std::optional<Category> ParseCategory(std::string_view name);

/// How urgently a reviewer should look.
enum class Severity { kLow, kMedium, kHigh, kCritical };
std::string_view SeverityName(Severity severity);
/// Inverse of SeverityName ("low".."critical"); empty for anything else.
std::optional<Severity> ParseSeverity(std::string_view name);

}  // namespace recon::categorise
