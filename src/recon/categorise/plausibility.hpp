#pragma once
// Which categories the numbers of a break allow, whatever a comment or an LLM says: a one-sided 47M break is no
// Rounding Error, a break whose prices agree is no Price Mismatch. Words can choose between the categories the
// numbers allow; they cannot add one the numbers rule out. Unknown is always allowed.
#include <array>
#include <string>

#include "recon/categorise/category.hpp"
#include "recon/categorise/evidence.hpp"

namespace recon::categorise {

/// How small a break must be to be a Rounding Error (config `categoriser.rounding:`).
struct RoundingLimits {
  double max_amount = 5.0;       ///< amount at risk, in the reporting currency
  double max_relative = 0.001;   ///< amount at risk / notional
  /// Throws InvalidInput naming the field when out of range.
  void Validate() const;
};

/// The shape of a break, read from its numbers once.
struct BreakShape {
  bool book_absent = false;
  bool street_absent = false;
  bool quantity_differs = false;
  bool price_differs = false;   ///< both prices present and different
  bool amount_differs = false;
  bool partial = false;         ///< quantities of the same sign, one short of the other, prices equal
  bool repeat = false;          ///< repeats a recent trade id or its economics
  bool OneSided() const { return book_absent != street_absent; }
};
BreakShape ShapeOf(const AnomalyEvidence& evidence);

/// True when the numbers allow `category`; otherwise `why` (if given) says what rules it out.
bool NumbersAllow(const AnomalyEvidence& evidence, Category category, const RoundingLimits& rounding,
                  std::string* why = nullptr);

/// NumbersAllow for every category.
std::array<bool, kCategoryCount> AllowedCategories(const AnomalyEvidence& evidence, const RoundingLimits& rounding);

}  // namespace recon::categorise
