// The figures that tell kinds of break apart (break_signals.hpp), each checked on a break built the way that kind
// arises and on a near miss.
#include "recon/categorise/break_signals.hpp"

#include <gtest/gtest.h>

#include "recon/categorise/valuation.hpp"

namespace recon::categorise {
namespace {

AnomalyEvidence Trade(double book_quantity, double street_quantity, double price, double multiplier = 1.0) {
  AnomalyEvidence e;
  e.currency = "USD";
  e.book_quantity = book_quantity;
  e.street_quantity = street_quantity;
  e.quantity_diff = book_quantity - street_quantity;
  e.book_price = e.street_price = price;
  e.book_amount = book_quantity * price * multiplier;
  e.street_amount = street_quantity * price * multiplier;
  e.amount_diff = e.book_amount - e.street_amount;
  return e;
}

// The street amount moved to `street_amount`, the book left as it was.
AnomalyEvidence WithStreetAmount(AnomalyEvidence e, double street_amount) {
  e.street_amount = street_amount;
  e.amount_diff = e.book_amount - street_amount;
  Valuer(ValuationParams{}).Value(e);
  return e;
}

TEST(BreakSignalsTest, AQuantityBreakMovesTheAmountWithTheQuantityWhateverTheMultiplier) {
  EXPECT_TRUE(AmountsFollowQuantityTimesPrice(Trade(1'000, 100, 98.8)));
  EXPECT_TRUE(AmountsFollowQuantityTimesPrice(Trade(500'000, 450'000, 101.25, 0.01)));  // bond: % of par
  EXPECT_TRUE(AmountsFollowQuantityTimesPrice(Trade(12, 21, 4'512.5, 50.0)));           // index future
  EXPECT_TRUE(AmountsFollowQuantityTimesPrice(Trade(-300, 300, 12.34)));                // sign flipped
  // Cent rounding on one side is still a quantity break; 0.37 more is not.
  const AnomalyEvidence quantity = Trade(1'234, 1'200, 3.3333);
  EXPECT_TRUE(AmountsFollowQuantityTimesPrice(WithStreetAmount(quantity, 3'999.96)));
  EXPECT_FALSE(AmountsFollowQuantityTimesPrice(WithStreetAmount(quantity, 3'999.96 + 0.37)));
  // One side without a quantity, price or amount says nothing either way.
  EXPECT_FALSE(AmountsFollowQuantityTimesPrice(Trade(1'000, 0, 98.8)));
}

TEST(BreakSignalsTest, AFeeIsARoundRateOfTheGrossOrASmallRoundAmount) {
  const AnomalyEvidence trade = Trade(10'000, 10'000, 123.45);                               // 1,234,500 gross
  EXPECT_TRUE(DifferenceIsRoundBasisPoints(WithStreetAmount(trade, 1'234'500 + 617.25)));    // 5 bp
  EXPECT_TRUE(DifferenceIsRoundBasisPoints(WithStreetAmount(trade, 1'234'500 - 24.69)));     // 0.2 bp of the book
  EXPECT_TRUE(DifferenceIsRoundBasisPoints(WithStreetAmount(trade, 1'234'500 - 6'141.79)));  // 50 bp of the street
  EXPECT_FALSE(DifferenceIsRoundBasisPoints(WithStreetAmount(trade, 1'234'500 + 611.17)));
  // On a 2,000 trade a tenth of a basis point is 0.02: a cent-exact "hit" there is luck, so it does not count.
  EXPECT_FALSE(DifferenceIsRoundBasisPoints(WithStreetAmount(Trade(20, 20, 100.0), 2'000.02)));

  EXPECT_TRUE(DifferenceIsRoundFixedFee(WithStreetAmount(trade, 1'234'500 + 12.50)));
  EXPECT_FALSE(DifferenceIsRoundFixedFee(WithStreetAmount(trade, 1'234'500 + 12.37)));
  EXPECT_FALSE(DifferenceIsRoundFixedFee(WithStreetAmount(trade, 1'234'500 + 5'000.00)));  // too large a ticket fee
}

TEST(BreakSignalsTest, AnAmountReExpressedInAnotherCurrencyDiffersByThatPairsRate) {
  const AnomalyEvidence trade = Trade(10'000, 10'000, 50.0);                              // 500,000 USD
  EXPECT_TRUE(AmountRatioIsCrossRate(WithStreetAmount(trade, 500'000 / 1.085)));          // in EUR
  EXPECT_TRUE(AmountRatioIsCrossRate(WithStreetAmount(trade, 500'000 / 0.00668)));        // in JPY
  EXPECT_TRUE(AmountRatioIsCrossRate(WithStreetAmount(trade, 500'000 / 1.085 * 1.003)));  // the rate moved a little
  EXPECT_FALSE(AmountRatioIsCrossRate(WithStreetAmount(trade, 500'000 * 1.07)));
  AnomalyEvidence unknown_currency = WithStreetAmount(trade, 500'000 / 1.085);
  unknown_currency.currency = "XAU";
  EXPECT_FALSE(AmountRatioIsCrossRate(unknown_currency));
}

}  // namespace
}  // namespace recon::categorise
