// LocalCategoriser::Learn: reviewers' corrections teach the comment model a phrasing the corpus never had, the
// numbers still rule categories out, and a model swapped in while other threads categorise is never seen half-built.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "recon/categorise/local_categoriser.hpp"
#include "recon/categorise/valuation.hpp"

namespace recon::categorise {
namespace {

// Quantities and prices agree, the amounts differ by 5%: an FX Rate or a Fee/Commission Difference, which the
// comment tells apart (an unfamiliar or blank one leaves FX Rate Difference). Price Mismatch is ruled out.
AnomalyEvidence AmountBreak(const std::string& comment) {
  AnomalyEvidence e;
  e.trade_id = "T1";
  e.currency = "USD";
  e.book_quantity = e.street_quantity = 100;
  e.book_price = e.street_price = 98.8;
  e.book_amount = 10'380;
  e.street_amount = 9'880;
  e.amount_diff = 500;
  e.comment = comment;
  Valuer(ValuationParams{}).Value(e);
  return e;
}

// Another desk's jargon for a broker's commission booked on the wrong leg: no word of it is in the corpus.
const std::vector<LabelledComment> kCorrections = {
    {"zorp xlat on vexo leg", Category::kFeeCommissionDifference},
    {"vexo leg zorp xlat, mk chasing", Category::kFeeCommissionDifference},
    {"zorp xlat booked twice on vexo", Category::kFeeCommissionDifference},
};

TEST(LocalCategoriserLearnTest, ALearnedCorrectionChangesTheVerdictOnANewCommentInThatPhrasing) {
  LocalCategoriser categoriser{LocalCategoriserParams{}};
  const AnomalyEvidence unseen = AmountBreak("zorp xlat again");  // in no correction verbatim
  const Categorisation before = categoriser.CategoriseOne(unseen);
  ASSERT_NE(before.category, Category::kFeeCommissionDifference) << "the corpus alone must not know the phrasing";

  categoriser.Learn(kCorrections);
  const Categorisation after = categoriser.CategoriseOne(unseen);
  EXPECT_EQ(after.category, Category::kFeeCommissionDifference);
  EXPECT_EQ(after.source, CategorySource::kLocal);
  // A comment the corrections do not speak to keeps its verdict.
  const AnomalyEvidence other = AmountBreak("amount converted at a different fx rate");
  EXPECT_EQ(categoriser.CategoriseOne(other).category,
            LocalCategoriser{LocalCategoriserParams{}}.CategoriseOne(other).category);

  // Learning is a retraining on corpus + corrections, not an accumulation: the same corrections again give the
  // same model, and none at all give back the corpus's.
  categoriser.Learn(kCorrections);
  EXPECT_EQ(categoriser.CategoriseOne(unseen).confidence, after.confidence);
  categoriser.Learn({});
  EXPECT_EQ(categoriser.CategoriseOne(unseen).category, before.category);
  EXPECT_EQ(categoriser.CategoriseOne(unseen).confidence, before.confidence);
}

TEST(LocalCategoriserLearnTest, ACorrectionCannotMakeTheNumbersAllowACategoryTheyRuleOut) {
  LocalCategoriser categoriser{LocalCategoriserParams{}};
  std::vector<LabelledComment> corrections;
  for (int copy = 0; copy < 20; ++copy) corrections.push_back({"zorp xlat on vexo leg", Category::kPriceMismatch});
  categoriser.Learn(corrections);
  // The prices agree: however sure the comment model is, Price Mismatch is ruled out.
  const AnomalyEvidence evidence = AmountBreak("zorp xlat on vexo leg");
  std::string why;
  ASSERT_FALSE(categoriser.NumbersAllow(evidence, Category::kPriceMismatch, &why));
  EXPECT_NE(categoriser.CategoriseOne(evidence).category, Category::kPriceMismatch) << why;
  EXPECT_NE(categoriser.CategoriseAll(std::vector<AnomalyEvidence>{evidence}).front().category,
            Category::kPriceMismatch);
}

TEST(LocalCategoriserLearnTest, CategorisingWhileAnotherThreadLearnsSeesOneWholeModelOrTheOther) {
  LocalCategoriser categoriser{LocalCategoriserParams{}};
  const std::vector<AnomalyEvidence> batch(64, AmountBreak("zorp xlat again"));
  const Categorisation unlearned = categoriser.CategoriseOne(batch.front());
  categoriser.Learn(kCorrections);
  const Categorisation learned = categoriser.CategoriseOne(batch.front());
  ASSERT_NE(unlearned.category, learned.category);

  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::atomic<int> calls{0};
  std::vector<std::thread> readers;
  for (int reader_idx = 0; reader_idx < 3; ++reader_idx) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const auto results = categoriser.CategoriseAll(batch);
        // One call reads one model: every result in it is the same, and is one model's answer.
        for (const Categorisation& result : results) {
          const bool whole = (result.category == unlearned.category && result.confidence == unlearned.confidence) ||
                             (result.category == learned.category && result.confidence == learned.confidence);
          if (!whole || result.category != results.front().category) ++torn;
        }
        ++calls;
      }
    });
  }
  for (int round = 0; round < 20; ++round)
    categoriser.Learn(round % 2 == 0 ? std::vector<LabelledComment>{} : kCorrections);
  while (calls.load() < 10) std::this_thread::yield();
  stop = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(categoriser.CategoriseOne(batch.front()).category, learned.category) << "the last model learned wins";
}

}  // namespace
}  // namespace recon::categorise
