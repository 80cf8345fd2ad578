#include "recon/resolve/resolver.hpp"

#include <cmath>

#include "recon/core/error.hpp"
#include "recon/resolve/auto_resolution.hpp"

namespace recon::resolve {

void ResolveParams::Validate() const {
  if (!(max_abs_quantity_diff > 0.0)) ThrowInvalidInput("resolution.max_abs_quantity_diff must be > 0");
  if (!(min_auto_resolve_confidence >= 0.0 && min_auto_resolve_confidence <= 1.0)) {
    ThrowInvalidInput("resolution.min_auto_resolve_confidence must be between 0 and 1");
  }
  if (!(max_auto_resolve_amount >= 0.0 && std::isfinite(max_auto_resolve_amount))) {
    ThrowInvalidInput("resolution.max_auto_resolve_amount must be a finite amount >= 0 (it is the materiality limit)");
  }
  if (ticket_prefix.size() > 32) ThrowInvalidInput("resolution.ticket_prefix must be at most 32 characters");
}

Resolver::Resolver(ResolveParams params, store::TicketStore& store, std::string reporting_currency)
    : params_(std::move(params)), store_(store), reporting_currency_(std::move(reporting_currency)) {
  params_.Validate();
}

std::vector<Resolution> Resolver::Resolve(std::span<const ResolutionInput> anomalies) {
  std::vector<Resolution> resolutions(anomalies.size());
  std::vector<std::string> ticket_keys;
  std::vector<std::size_t> ticket_rows;
  for (std::size_t idx = 0; idx < anomalies.size(); ++idx) {
    const ResolutionInput& anomaly = anomalies[idx];
    const double quantity_diff = anomaly.evidence != nullptr ? anomaly.evidence->quantity_diff : 0.0;
    if (std::fabs(quantity_diff) > params_.max_abs_quantity_diff) {
      resolutions[idx].status = kStatusRejectedQuantity;
      resolutions[idx].reason = "quantity difference above resolution.max_abs_quantity_diff";
      continue;
    }
    AutoResolutionDecision decision = DecideAutoResolution(anomaly, params_, reporting_currency_);
    resolutions[idx].reason = std::move(decision.reason);
    if (decision.resolve) {
      resolutions[idx].status = kStatusAutoResolved;
      ticket_keys.push_back(anomaly.anomaly_key);
      ticket_rows.push_back(idx);
    } else {
      resolutions[idx].status = kStatusPendingReview;
    }
  }
  const auto tickets = store_.IssueTickets(ticket_keys, params_.ticket_prefix);
  for (std::size_t idx = 0; idx < ticket_rows.size(); ++idx) resolutions[ticket_rows[idx]].ticket_id = tickets[idx];
  return resolutions;
}

}  // namespace recon::resolve
