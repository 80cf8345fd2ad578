#pragma once
// Tests on the figures of a break that tell its kinds apart, each from how that kind of break arises:
//   - a quantity or partial-settlement break moves the amount with the quantity: each side's amount is its
//     quantity times its price times the same contract multiplier (1 for shares, 0.01 for bonds quoted in
//     percent of par, 50 for an index future). When the multipliers differ, something besides the quantity
//     moved too.
//   - commissions, stamp duty and transaction taxes are rates in (tenths of) basis points of the gross, and
//     ticket and clearing fees are round amounts: a fee leaves a difference that is one of those, to the cent.
//   - an amount re-expressed in another currency differs from the original by that currency pair's rate.
#include "recon/categorise/evidence.hpp"

namespace recon::categorise {

/// Both sides present with quantities and prices, and their amounts imply the same multiplier (to rounding).
bool AmountsFollowQuantityTimesPrice(const AnomalyEvidence& evidence);

/// The amount difference is a whole number of tenths of a basis point of either side's amount (on a grid coarse
/// enough, for that notional, that a cent-exact hit is no coincidence).
bool DifferenceIsRoundBasisPoints(const AnomalyEvidence& evidence);

/// The amount difference is a small round fee: a multiple of 0.25 in the trade currency, at most
/// `kMaxFixedFeeReporting` in the reporting currency.
bool DifferenceIsRoundFixedFee(const AnomalyEvidence& evidence);

/// The ratio of the two amounts is the rate between the trade currency and another common currency (within
/// `kCrossRateTolerance`, as rates move between the table's date and the trade's).
bool AmountRatioIsCrossRate(const AnomalyEvidence& evidence);

inline constexpr double kMaxFixedFeeReporting = 250.0;
inline constexpr double kCrossRateTolerance = 0.005;

}  // namespace recon::categorise
