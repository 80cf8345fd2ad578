#pragma once
// The auto-resolution decision for one anomaly: a Timing Issue is closed only on evidence in the numbers (a
// settlement later than the desk's usual lag; a settlement date not yet reached, when enabled) on a break shaped like a
// delay (a side absent or short at the same price), within the materiality limit, in a currency with a rate,
// when the local categoriser agrees. The reason names the rule and the figures, or what was missing.
#include <string>
#include <string_view>

#include "recon/resolve/resolver.hpp"

namespace recon::resolve {

struct AutoResolutionDecision {
  bool resolve = false;
  std::string reason;
};

AutoResolutionDecision DecideAutoResolution(const ResolutionInput& input, const ResolveParams& params,
                                            std::string_view reporting_currency);

}  // namespace recon::resolve
