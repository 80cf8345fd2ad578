#include "recon/categorise/local_categoriser.hpp"

#include <gtest/gtest.h>

#include "recon/categorise/numeric_rules.hpp"
#include "recon/categorise/severity.hpp"

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
  e.amount_diff = 500;  // 1% of notional: a rate, not a fee
  EXPECT_EQ(RuleTop(e), Category::kFxRateDifference);

  e = Matched(1000, 50);
  e.amount_diff = 25;  // 5 bps
  EXPECT_EQ(RuleTop(e), Category::kFeeCommissionDifference);

  e = Matched(100, 50);
  e.lag_excess_bdays = 3;
  EXPECT_EQ(RuleTop(e), Category::kTimingIssue);
}

TEST(LocalCategoriserTest, ClearCommentOverrulesAWeakRuleAndBlankCommentDefersToNumbers) {
  const LocalCategoriser categoriser{LocalCategoriserParams{}};
  auto e = Matched(1000, 50);
  e.amount_diff = 25;  // fee-like numbers (weak rule)
  e.comment = "amount converted at a different fx rate by the counterparty";
  EXPECT_EQ(categoriser.CategoriseOne(e).category, Category::kFxRateDifference);
  e.comment = "";
  EXPECT_EQ(categoriser.CategoriseOne(e).category, Category::kFeeCommissionDifference);
  e.comment = "pls check";
  EXPECT_EQ(categoriser.CategoriseOne(e).category, Category::kFeeCommissionDifference);
}

TEST(LocalCategoriserTest, ResultsCarrySeveritySummaryConfidenceAndSource) {
  const LocalCategoriser categoriser{LocalCategoriserParams{}};
  auto e = Matched(100, 50);
  e.amount_diff = 0.02;
  e.comment = "rounding diff";
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
  auto e = Matched(100, 50);
  e.amount_diff = 200;
  EXPECT_EQ(AssessSeverity(e, Category::kFeeCommissionDifference, params), Severity::kLow);
  EXPECT_EQ(AssessSeverity(e, Category::kDuplicateEntry, params), Severity::kMedium);
  e.amount_diff = 250'000;
  EXPECT_EQ(AssessSeverity(e, Category::kPriceMismatch, params), Severity::kHigh);
  EXPECT_EQ(AssessSeverity(e, Category::kRoundingError, params), Severity::kLow);
  e.quantity_diff = 200'000;  // x 50 = 10M at risk
  EXPECT_EQ(AssessSeverity(e, Category::kQuantityMismatch, params), Severity::kCritical);
}

}  // namespace
}  // namespace recon::categorise
