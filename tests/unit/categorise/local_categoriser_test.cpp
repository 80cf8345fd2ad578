#include "recon/categorise/local_categoriser.hpp"

#include <gtest/gtest.h>

#include "recon/categorise/confidence_calibration.hpp"
#include "recon/categorise/numeric_rules.hpp"
#include "recon/categorise/severity.hpp"
#include "recon/categorise/valuation.hpp"
#include "recon/core/date.hpp"

namespace recon::categorise {
namespace {

AnomalyEvidence Matched(double quantity, double price) {
  AnomalyEvidence e;
  e.trade_id = "T1";
  e.currency = "USD";
  e.book_quantity = e.street_quantity = quantity;
  e.book_price = e.street_price = price;
  e.book_amount = e.street_amount = quantity * price;
  return e;
}

// The evidence as the pipeline hands it over: valued in USD, aged at a date (no settlement date: not overdue).
AnomalyEvidence Valued(AnomalyEvidence e) {
  Valuer(ValuationParams{}).Value(e);
  return e;
}

Category RuleTop(const AnomalyEvidence& evidence) {
  const auto verdict = ApplyNumericRules(evidence);
  return static_cast<Category>(std::max_element(verdict.probabilities.begin(), verdict.probabilities.end()) -
                               verdict.probabilities.begin());
}

TEST(NumericRulesTest, EachBreakShapeGetsItsBucket) {
  auto e = Matched(100, 50);
  e.trade_id_repeat = true;
  EXPECT_EQ(RuleTop(e), Category::kDuplicateEntry);

  e = Matched(100, 50);
  e.street_quantity = 0;
  e.street_amount = 0;
  e.street_price = 0;
  e.quantity_diff = 100;
  e.amount_diff = 5000;
  EXPECT_EQ(RuleTop(e), Category::kMissingTrade);
  e.lag_excess_bdays = 2;
  EXPECT_EQ(RuleTop(e), Category::kTimingIssue);

  e = Matched(100, 50);
  e.street_quantity = 1000;  // x10 keying slip
  e.quantity_diff = -900;
  e.street_amount = 50000;
  e.amount_diff = -45000;
  EXPECT_EQ(RuleTop(e), Category::kQuantityMismatch);

  e = Matched(100, 50);
  e.street_price = 51;
  e.price_diff = -1;
  e.street_amount = 5100;
  e.amount_diff = -100;
  EXPECT_EQ(RuleTop(e), Category::kPriceMismatch);

  e = Matched(100, 50);
  e.amount_diff = 0.03;
  EXPECT_EQ(RuleTop(e), Category::kRoundingError);

  e = Matched(1000, 50);
  e.street_amount = 50'537.21;  // 1.07% more: a rate, not a fee
  e.amount_diff = -537.21;
  EXPECT_EQ(RuleTop(e), Category::kFxRateDifference);
  e.street_amount = 50'000 * 1.085;  // the amount in another currency
  e.amount_diff = 50'000 - e.street_amount;
  EXPECT_EQ(RuleTop(e), Category::kFxRateDifference);
  e.street_amount = 57'318.44;  // 14.6% more and no currency's rate: no story the numbers know
  e.amount_diff = 50'000 - e.street_amount;
  EXPECT_EQ(RuleTop(e), Category::kUnknown);

  e = Matched(1000, 50);
  e.amount_diff = 25;  // 5 bps
  EXPECT_EQ(RuleTop(e), Category::kFeeCommissionDifference);

  e = Matched(100, 50);
  e.lag_excess_bdays = 3;
  EXPECT_EQ(RuleTop(e), Category::kTimingIssue);
}

// A break whose amounts do not follow its quantities is no clean quantity break; a street side over the book is no
// partial settlement.
TEST(NumericRulesTest, QuantityBreaksAreReadFromHowTheyArise) {
  auto e = Matched(1000, 50);
  e.street_quantity = 997;
  e.quantity_diff = 3;
  e.street_amount = 997 * 50.0;
  e.amount_diff = e.book_amount - e.street_amount;
  EXPECT_EQ(RuleTop(e), Category::kQuantityMismatch);
  e.street_amount += 0.73;  // the amount moved by more than the quantity explains
  e.amount_diff = e.book_amount - e.street_amount;
  EXPECT_EQ(RuleTop(e), Category::kUnknown);

  e = Matched(1000, 50);
  e.street_quantity = 600;  // 60% delivered: partial settlement or a keying error, the comment decides
  e.quantity_diff = 400;
  e.street_amount = 600 * 50.0;
  e.amount_diff = e.book_amount - e.street_amount;
  const auto partial = ApplyNumericRules(e).probabilities;
  EXPECT_DOUBLE_EQ(partial[static_cast<std::size_t>(Category::kTimingIssue)],
                   partial[static_cast<std::size_t>(Category::kQuantityMismatch)]);
  std::swap(e.book_quantity, e.street_quantity);  // the street has more than was booked: not a partial
  std::swap(e.book_amount, e.street_amount);
  e.quantity_diff = -e.quantity_diff;
  e.amount_diff = -e.amount_diff;
  EXPECT_EQ(RuleTop(e), Category::kQuantityMismatch);
}

TEST(LocalCategoriserTest, ClearCommentOverrulesAWeakRuleAndBlankCommentDefersToNumbers) {
  const LocalCategoriser categoriser{LocalCategoriserParams{}};
  auto e = Matched(1000, 50);
  e.amount_diff = 23.17;  // commission-sized but no round rate: fee-like numbers (weak rule)
  e.comment = "amount converted at a different fx rate by the counterparty";
  EXPECT_EQ(categoriser.CategoriseOne(e).category, Category::kFxRateDifference);
  e.comment = "";
  EXPECT_EQ(categoriser.CategoriseOne(e).category, Category::kFeeCommissionDifference);
  e.comment = "pls check";
  EXPECT_EQ(categoriser.CategoriseOne(e).category, Category::kFeeCommissionDifference);
}

// Another team's jargon shares n-grams with the corpus ("looking" with "booking") but none of its words: it is no
// evidence, and the verdict is the numbers' own, as for a blank comment.
TEST(LocalCategoriserTest, AnUnfamiliarCommentDefersToTheNumbers) {
  const LocalCategoriser categoriser{LocalCategoriserParams{}};
  auto e = Matched(20'000, 50);
  e.street_amount = e.book_amount * 1.0137;  // a rate-like factor
  e.amount_diff = e.book_amount - e.street_amount;
  e = Valued(e);
  e.comment = "";
  const Categorisation blank = categoriser.CategoriseOne(e);
  ASSERT_EQ(blank.category, Category::kFxRateDifference);
  for (const char* jargon : {"looking", "nfi - cage lookng", "zorp kickback, vexo leg"}) {
    e.comment = jargon;
    const Categorisation verdict = categoriser.CategoriseOne(e);
    EXPECT_EQ(verdict.category, blank.category) << jargon;
    EXPECT_DOUBLE_EQ(verdict.confidence, blank.confidence) << jargon;
  }
  e.comment = "commission not booked";  // the corpus's own words still count
  EXPECT_EQ(categoriser.CategoriseOne(e).category, Category::kFeeCommissionDifference);
}

// An x10 slip on the quantity with amounts that follow it: a comment about FX contradicts clear numbers and loses.
TEST(LocalCategoriserTest, ACommentContradictingClearNumbersLoses) {
  const LocalCategoriser categoriser{LocalCategoriserParams{}};
  auto e = Matched(1'000, 98.8);
  e.street_quantity = 10'000;
  e.quantity_diff = -9'000;
  e.street_amount = 988'000;
  e.amount_diff = e.book_amount - e.street_amount;
  e.comment = "fx rate difference";
  EXPECT_EQ(categoriser.CategoriseOne(Valued(e)).category, Category::kQuantityMismatch);
}

TEST(LocalCategoriserTest, ConfidenceIsTheCalibratedProbabilityUnlessSwitchedOff) {
  LocalCategoriserParams raw_params;
  raw_params.calibrate = false;
  const LocalCategoriser raw{raw_params};
  const LocalCategoriser calibrated{LocalCategoriserParams{}};
  auto e = Matched(1000, 50);
  e.street_quantity = 600;  // an even call between Timing Issue and Quantity Mismatch
  e.quantity_diff = 400;
  e.street_amount = 30'000;
  e.amount_diff = 20'000;
  e = Valued(e);
  for (const char* comment : {"", "partial delivery, rest due tomorrow", "qty break"}) {
    e.comment = comment;
    const Categorisation from_raw = raw.CategoriseOne(e);
    const Categorisation from_calibrated = calibrated.CategoriseOne(e);
    EXPECT_EQ(from_raw.category, from_calibrated.category) << comment;
    EXPECT_DOUBLE_EQ(from_calibrated.confidence, CalibrateConfidence(from_raw.confidence)) << comment;
  }
}

TEST(LocalCategoriserTest, ResultsCarrySeveritySummaryConfidenceAndSource) {
  const LocalCategoriser categoriser{LocalCategoriserParams{}};
  auto e = Matched(100, 50);
  e.amount_diff = 0.02;
  e.comment = "rounding diff";
  e = Valued(e);
  const auto results = categoriser.CategoriseAll(std::vector<AnomalyEvidence>{e, e});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].category, Category::kRoundingError);
  EXPECT_EQ(results[0].severity, Severity::kLow);
  EXPECT_GT(results[0].confidence, 0.5);
  EXPECT_LE(results[0].confidence, 1.0);
  EXPECT_EQ(results[0].source, CategorySource::kLocal);
  EXPECT_NE(results[0].summary.find("0.02 USD"), std::string::npos) << results[0].summary;
}

TEST(SeverityTest, AmountAtRiskAndCategoryAdjustments) {
  const SeverityParams params;
  auto e = Matched(100'000, 50);  // 5M notional
  e.amount_diff = 200;
  e = Valued(e);
  EXPECT_EQ(AssessSeverity(e, Category::kFeeCommissionDifference, params), Severity::kLow);
  EXPECT_EQ(AssessSeverity(e, Category::kDuplicateEntry, params), Severity::kMedium);
  e.amount_diff = 250'000;
  e = Valued(e);
  EXPECT_EQ(AssessSeverity(e, Category::kPriceMismatch, params), Severity::kHigh);
  // A category never lowers the floor the amount sets (a "rounding error" of 250,000 USD is high).
  EXPECT_EQ(AssessSeverity(e, Category::kRoundingError, params), Severity::kHigh);
  e.quantity_diff = 200'000;  // x 50 = 10M at risk
  e = Valued(e);
  EXPECT_EQ(AssessSeverity(e, Category::kQuantityMismatch, params), Severity::kCritical);
}

TEST(SeverityTest, TheAmountIsValuedInTheReportingCurrency) {
  const SeverityParams params;
  auto e = Matched(1'000'000, 50);
  e.amount_diff = 200'000;  // 4% of the trade
  e.currency = "JPY";       // 200,000 JPY = 1,336 USD
  EXPECT_EQ(AssessSeverity(Valued(e), Category::kPriceMismatch, params), Severity::kMedium);
  e.currency = "GBP";  // 254,000 USD
  EXPECT_EQ(AssessSeverity(Valued(e), Category::kPriceMismatch, params), Severity::kHigh);
  e.currency = "XAU";  // no rate: treated as large, never as small
  EXPECT_EQ(AssessSeverity(Valued(e), Category::kPriceMismatch, params), Severity::kHigh);
  AnomalyEvidence unvalued = e;  // never valued: the same
  unvalued.currency = "USD";
  EXPECT_GE(AssessSeverity(unvalued, Category::kRoundingError, params), Severity::kHigh);
}

TEST(SeverityTest, RelativeSizeAndAgeRaiseALevelAboveTheFloor) {
  const SeverityParams params;
  auto e = Matched(100, 50);  // 5,000 notional
  e.street_quantity = 0;      // street side absent: the whole trade is at risk
  e.street_amount = 0;
  e.street_price = 0;
  e.quantity_diff = 100;
  e.amount_diff = 5'000;
  e.price_diff = 50;
  const AnomalyEvidence one_sided = Valued(e);
  EXPECT_EQ(AmountFloor(one_sided, params), Severity::kMedium);
  EXPECT_EQ(AssessSeverity(one_sided, Category::kMissingTrade, params), Severity::kHigh);

  ValuationParams valuation;
  valuation.as_of = "2025-03-31";
  AnomalyEvidence aged = one_sided;
  aged.settlement_date = DaysFromCivil(2025, 3, 3);  // 20 business days overdue
  aged.has_dates = true;
  Valuer(valuation).Value(aged);
  EXPECT_EQ(aged.overdue_bdays, 20);
  EXPECT_EQ(AssessSeverity(aged, Category::kMissingTrade, params), Severity::kCritical);

  auto tiny = Matched(100, 50);  // a 0.02 difference stays low however old
  tiny.amount_diff = 0.02;
  tiny.settlement_date = aged.settlement_date;
  tiny.has_dates = true;
  Valuer(valuation).Value(tiny);
  EXPECT_EQ(AssessSeverity(tiny, Category::kRoundingError, params), Severity::kLow);
}

// T000008918 in the 10k sample: an 87.8M EUR break whose comment is only "diff" was a Rounding Error, "write off
// within tolerance". The numbers rule Rounding Error out; the severity follows the money.
TEST(LocalCategoriserTest, AVagueCommentCannotMakeALargeBreakARoundingError) {
  const LocalCategoriser categoriser{LocalCategoriserParams{}};
  auto e = Matched(1'000'000, 87.8);
  e.currency = "EUR";
  e.street_amount = e.book_amount - 87'800'000 * 0.999;
  e.amount_diff = e.book_amount - e.street_amount;
  e.comment = "diff";
  const auto verdict = categoriser.CategoriseOne(Valued(e));
  EXPECT_NE(verdict.category, Category::kRoundingError);
  EXPECT_EQ(verdict.severity, Severity::kCritical);
  EXPECT_EQ(verdict.summary.find("write off"), std::string::npos) << verdict.summary;

  auto cents = Matched(1'000, 87.8);
  cents.currency = "EUR";
  cents.amount_diff = 0.03;
  cents.comment = "diff";
  EXPECT_EQ(categoriser.CategoriseOne(Valued(cents)).category, Category::kRoundingError);
}

TEST(PlausibilityTest, TheNumbersRuleCategoriesOut) {
  const RoundingLimits rounding;
  auto one_sided = Matched(639'000, 74.4753);
  one_sided.currency = "GBP";
  one_sided.street_quantity = 0;
  one_sided.street_price = 0;
  one_sided.street_amount = 0;
  one_sided.quantity_diff = 639'000;
  one_sided.amount_diff = one_sided.book_amount;
  one_sided = Valued(one_sided);
  std::string why;
  EXPECT_FALSE(NumbersAllow(one_sided, Category::kRoundingError, rounding, &why));
  EXPECT_EQ(why, "one side is absent");
  EXPECT_FALSE(NumbersAllow(one_sided, Category::kPriceMismatch, rounding));
  EXPECT_FALSE(NumbersAllow(one_sided, Category::kFeeCommissionDifference, rounding));
  EXPECT_TRUE(NumbersAllow(one_sided, Category::kMissingTrade, rounding));
  EXPECT_TRUE(NumbersAllow(one_sided, Category::kTimingIssue, rounding));
  EXPECT_TRUE(NumbersAllow(one_sided, Category::kUnknown, rounding));

  auto price = Matched(100, 10);
  price.street_price = 10.5;
  price.street_amount = 1050;
  price.price_diff = -0.5;
  price.amount_diff = -50;
  price = Valued(price);
  EXPECT_TRUE(NumbersAllow(price, Category::kPriceMismatch, rounding));
  EXPECT_FALSE(NumbersAllow(price, Category::kTimingIssue, rounding, &why));
  EXPECT_EQ(why, "the prices differ");
  EXPECT_FALSE(NumbersAllow(price, Category::kMissingTrade, rounding));
  EXPECT_FALSE(NumbersAllow(price, Category::kQuantityMismatch, rounding));
  EXPECT_FALSE(NumbersAllow(price, Category::kRoundingError, rounding, &why));
  EXPECT_NE(why.find("above the rounding limit"), std::string::npos) << why;
}

}  // namespace
}  // namespace recon::categorise
