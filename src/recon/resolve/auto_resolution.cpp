#include "recon/resolve/auto_resolution.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

#include "recon/categorise/plausibility.hpp"
#include "recon/categorise/valuation.hpp"

namespace recon::resolve {
namespace {

using categorise::Category;
using categorise::FormatMoney;

std::string Figure(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

std::string Confidence(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

AutoResolutionDecision Hold(std::string reason) { return {false, std::move(reason)}; }

// What the numbers show of the delay, or empty when they show none.
std::string TimingEvidence(const categorise::AnomalyEvidence& e, const ResolveParams& params) {
  if (e.lag_excess_bdays > 0) {
    return "late settlement: " + std::to_string(e.lag_excess_bdays) + " business day" +
           (e.lag_excess_bdays == 1 ? "" : "s") + " beyond the desk's usual lag";
  }
  if (params.auto_resolve_not_yet_due && e.has_dates && e.overdue_bdays < 0) {
    return "not yet due: settles in " + std::to_string(-e.overdue_bdays) + " business day" +
           (e.overdue_bdays == -1 ? "" : "s");
  }
  return {};
}

// How the sides differ, for a break shaped like a delay; empty otherwise.
std::string DelayShape(const categorise::AnomalyEvidence& e) {
  const categorise::BreakShape shape = categorise::ShapeOf(e);
  if (shape.price_differs) return {};
  if (shape.street_absent && !shape.book_absent) return "street side absent (book " + Figure(e.book_quantity) + ")";
  if (shape.book_absent && !shape.street_absent) return "book side absent (street " + Figure(e.street_quantity) + ")";
  if (shape.partial) {
    return "partial settlement (book " + Figure(e.book_quantity) + ", street " + Figure(e.street_quantity) + ")";
  }
  if (!shape.quantity_differs && !shape.amount_differs) return "sides agree";
  return {};
}

}  // namespace

AutoResolutionDecision DecideAutoResolution(const ResolutionInput& input, const ResolveParams& params,
                                            std::string_view reporting_currency) {
  const std::string limit = FormatMoney(params.max_auto_resolve_amount) + " " + std::string(reporting_currency);
  if (input.category != Category::kTimingIssue) {
    return Hold("only timing issues are auto-resolved; this is a " +
                std::string(categorise::CategoryName(input.category)));
  }
  if (!params.auto_resolve_timing) return Hold("auto-resolution is off (resolution.auto_resolve_timing)");
  if (input.evidence == nullptr) return Hold("no evidence");
  const categorise::AnomalyEvidence& e = *input.evidence;
  if (input.local_category != Category::kTimingIssue) {
    return Hold("the local categoriser disagrees (it calls it a " +
                std::string(categorise::CategoryName(input.local_category)) +
                ": an LLM's verdict alone does not close a break)");
  }
  // Every condition that fails is named, so a reviewer sees all that kept the break open.
  std::vector<std::string> held;
  if (input.confidence < params.min_auto_resolve_confidence) {
    held.push_back("confidence below resolution.min_auto_resolve_confidence (" + Confidence(input.confidence) +
                   " < " + Confidence(params.min_auto_resolve_confidence) + ")");
  }
  if (e.trade_id_repeat || e.economics_repeat) held.push_back("it repeats a recent trade (possible duplicate)");
  const std::string at_risk = FormatMoney(e.at_risk_reporting) + " " + std::string(reporting_currency);
  if (!e.currency_known) {
    held.push_back("currency '" + e.currency + "' has no rate to " + std::string(reporting_currency) +
                   " (valuation.fx_rates)");
  } else if (!(e.at_risk_reporting <= params.max_auto_resolve_amount)) {
    held.push_back("amount above the auto-resolve limit (" + at_risk + " > " + limit + ")");
  }
  const std::string timing = TimingEvidence(e, params);
  if (timing.empty()) held.push_back("no timing evidence (settles on the desk's usual lag)");
  const std::string shape = DelayShape(e);
  if (shape.empty()) held.push_back("the numbers are not a timing pattern (a side differs other than by being short)");
  if (!held.empty()) {
    std::string reason;
    for (const std::string& part : held) reason += (reason.empty() ? "" : "; ") + part;
    return Hold(std::move(reason));
  }
  return {true, timing + "; " + shape + "; at risk " + at_risk + ", within the " + limit + " limit; Timing Issue at " +
                    Confidence(input.confidence)};
}

}  // namespace recon::resolve
