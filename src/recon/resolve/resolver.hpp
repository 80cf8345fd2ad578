#pragma once
// Validation, then resolution, of categorised anomalies:
//  1. an anomaly whose |QUANTITY_DIFF| exceeds max_abs_quantity_diff is kept but marked
//     "Rejected: exceeds quantity threshold" (too large to be a break: most likely a feed error to escalate);
//  2. a Timing Issue is "Auto-Resolved" with a ticket from the store's persistent sequence only when the numbers
//     show the delay (auto_resolution.hpp): the comment or an LLM alone never closes a break, and nothing above
//     the materiality limit is closed;
//  3. everything else is "Pending User Review", with the reason it was held back.
// Every resolution carries its reason: the rule and figures it was closed on, or why it was not.
#include <span>
#include <string>
#include <vector>

#include "recon/categorise/category.hpp"
#include "recon/categorise/evidence.hpp"
#include "recon/store/ticket_store.hpp"

namespace recon::resolve {

inline constexpr std::string_view kStatusRejectedQuantity = "Rejected: exceeds quantity threshold";
inline constexpr std::string_view kStatusAutoResolved = "Auto-Resolved";
inline constexpr std::string_view kStatusPendingReview = "Pending User Review";

/// Settings of validation and resolution (config section `resolution:`).
struct ResolveParams {
  double max_abs_quantity_diff = 10'000'000.0;  ///< validation rule threshold
  bool auto_resolve_timing = true;              ///< resolve Timing Issues automatically when the numbers show it
  double min_auto_resolve_confidence = 0.0;     ///< category confidence needed to auto-resolve
  /// Materiality limit: a break with more at risk (in the reporting currency) is never auto-resolved.
  double max_auto_resolve_amount = 100'000.0;
  /// Also take a settlement date after valuation.as_of as evidence of a delay. Off by default: before its
  /// settlement date a trade the street has not seen looks, in its numbers, exactly like a missing trade.
  bool auto_resolve_not_yet_due = false;
  std::string ticket_prefix = "RECON-";  ///< ticket IDs are prefix + 6+ digit sequence number
  /// Throws InvalidInput naming the field when out of range.
  void Validate() const;
};

/// What the resolver needs of one anomaly.
struct ResolutionInput {
  std::string anomaly_key;
  const categorise::AnomalyEvidence* evidence = nullptr;  ///< valued (Valuer::Value); must outlive Resolve
  categorise::Category category = categorise::Category::kUnknown;
  double confidence = 0.0;
  categorise::Category local_category = categorise::Category::kUnknown;  ///< the local categoriser's own pick
};

struct Resolution {
  std::string status;
  std::string ticket_id;  ///< empty unless auto-resolved
  std::string reason;     ///< the evidence it was auto-resolved on, or why it was held back
};

class Resolver {
 public:
  Resolver(ResolveParams params, store::TicketStore& store, std::string reporting_currency = "USD");
  /// Resolutions in input order; tickets are issued in one store transaction.
  std::vector<Resolution> Resolve(std::span<const ResolutionInput> anomalies);

 private:
  ResolveParams params_;
  store::TicketStore& store_;
  std::string reporting_currency_;
};

}  // namespace recon::resolve
