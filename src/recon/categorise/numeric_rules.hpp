#pragma once
// What the numbers alone say about a break, as a probability over categories. Each rule encodes how that kind
// of break looks in a book-vs-street comparison (e.g. a duplicate repeats a recent trade ID or its economics;
// an FX difference leaves quantity and price equal and scales the amount by a rate-like factor; the tests on the
// figures that tell such kinds apart are in break_signals.hpp).
#include <array>
#include <string>

#include "recon/categorise/category.hpp"
#include "recon/categorise/evidence.hpp"

namespace recon::categorise {

/// A distribution over categories plus the name of the rule that produced it.
struct RuleVerdict {
  std::array<double, kCategoryCount> probabilities{};
  std::string rule;
};

/// Applies the rules to `evidence`.
RuleVerdict ApplyNumericRules(const AnomalyEvidence& evidence);

}  // namespace recon::categorise
