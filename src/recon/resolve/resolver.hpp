#pragma once
// Validation, then resolution, of categorised anomalies:
//  1. an anomaly whose |QUANTITY_DIFF| exceeds max_abs_quantity_diff is kept but marked
//     "Rejected: exceeds quantity threshold" (too large to be a break: most likely a feed error to escalate);
//  2. a Timing Issue whose category confidence reaches min_auto_resolve_confidence, and which the local
//     categoriser (rules on the numbers + comment model) also calls a Timing Issue, is "Auto-Resolved" with a
//     ticket from the store's persistent sequence (an LLM's word alone never closes a break);
//  3. everything else is "Pending User Review".
// The decision is made here, on numbers and confidence, never on words from a categoriser's free text.
#include <span>
#include <string>
#include <vector>

#include "recon/categorise/category.hpp"
#include "recon/store/store.hpp"

namespace recon::resolve {

inline constexpr std::string_view kStatusRejectedQuantity = "Rejected: exceeds quantity threshold";
inline constexpr std::string_view kStatusAutoResolved = "Auto-Resolved";
inline constexpr std::string_view kStatusPendingReview = "Pending User Review";

/// Settings of validation and resolution (config section `resolution:`).
struct ResolveParams {
  double max_abs_quantity_diff = 10'000'000.0;  ///< validation rule threshold
  bool auto_resolve_timing = true;              ///< resolve Timing Issues automatically
  double min_auto_resolve_confidence = 0.0;     ///< category confidence needed to auto-resolve
  std::string ticket_prefix = "RECON-";         ///< ticket IDs are prefix + 6+ digit sequence number
  /// Throws InvalidInput naming the field when out of range.
  void Validate() const;
};

/// What the resolver needs of one anomaly.
struct ResolutionInput {
  std::string anomaly_key;
  double quantity_diff = 0.0;
  categorise::Category category = categorise::Category::kUnknown;
  double confidence = 0.0;
  categorise::Category local_category = categorise::Category::kUnknown;  ///< the local categoriser's own pick
};

struct Resolution {
  std::string status;
  std::string ticket_id;  ///< empty unless auto-resolved
};

class Resolver {
 public:
  Resolver(ResolveParams params, store::Store& store);
  /// Resolutions in input order; tickets are issued in one store transaction.
  std::vector<Resolution> Resolve(std::span<const ResolutionInput> anomalies);

 private:
  ResolveParams params_;
  store::Store& store_;
};

}  // namespace recon::resolve
