#include "recon/categorise/text_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "recon/categorise/local_categoriser.hpp"
#include "recon/core/error.hpp"

namespace recon::categorise {
namespace {

Category Top(const std::array<double, kCategoryCount>& posterior) {
  return static_cast<Category>(std::max_element(posterior.begin(), posterior.end()) - posterior.begin());
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

TEST(TextModelTest, GeneralisesToCommentsItWasNotTrainedOn) {
  const auto training = ParseLabelledComments(EmbeddedCommentCorpus(), "embedded");
  ASSERT_GE(training.size(), 300u);
  const TextModel model(training);
  std::set<std::string> seen;
  for (const auto& example : training) seen.insert(Lower(example.comment));
  // A held-out corpus from another generator seed; only comments absent from training count.
  const auto heldout = ReadLabelledComments(std::string(RECON_TEST_DATA_DIR) + "/comments_heldout.csv");
  std::size_t unseen = 0;
  std::size_t correct = 0;
  for (const auto& example : heldout) {
    if (seen.count(Lower(example.comment)) > 0) continue;
    ++unseen;
    if (Top(model.Predict(example.comment)) == example.category) ++correct;
  }
  ASSERT_GE(unseen, 300u);
  const double accuracy = static_cast<double>(correct) / static_cast<double>(unseen);
  // Nine buckets and many deliberately ambiguous comments ("pls check"): chance is 0.11.
  EXPECT_GE(accuracy, 0.70) << correct << " of " << unseen;
}

TEST(TextModelTest, HandlesHandWrittenPhrasingsAbbreviationsAndTypos) {
  const TextModel model(ParseLabelledComments(EmbeddedCommentCorpus(), "embedded"));
  const std::vector<std::pair<std::string, Category>> cases = {
      {"Settlment delayed by custodian, will settle next wk", Category::kTimingIssue},
      {"booked twice by mistake - please cancel the dupe", Category::kDuplicateEntry},
      {"counterparty applied a different EUR/USD fx rate", Category::kFxRateDifference},
      {"broker commission of 3bps not booked", Category::kFeeCommissionDifference},
      {"trade missing from the brokers statement", Category::kMissingTrade},
  };
  for (const auto& [comment, expected] : cases) {
    EXPECT_EQ(CategoryName(Top(model.Predict(comment))), CategoryName(expected)) << comment;
  }
}

TEST(TextModelTest, FamiliarityIsTheShareOfWordsTheCorpusKnows) {
  const TextModel model({{"broker commission not booked", Category::kFeeCommissionDifference},
                         {"booked twice", Category::kDuplicateEntry}});
  EXPECT_DOUBLE_EQ(model.Assess("Commission NOT booked").familiarity, 1.0);  // case and order do not matter
  EXPECT_DOUBLE_EQ(model.Assess("looking").familiarity, 0.0);                // n-grams of "booking", but no known word
  EXPECT_DOUBLE_EQ(model.Assess("commission looking").familiarity, 0.5);
  EXPECT_DOUBLE_EQ(model.Assess("").familiarity, 0.0);
  EXPECT_EQ(model.Assess("broker commission").posterior, model.Predict("broker commission"));
}

TEST(TextModelTest, EmptyCommentIsUninformative) {
  const TextModel model(ParseLabelledComments(EmbeddedCommentCorpus(), "embedded"));
  for (const double probability : model.Predict("")) EXPECT_DOUBLE_EQ(probability, 1.0 / kCategoryCount);
}

TEST(TextModelTest, CorpusWithUnknownCategoryIsRefusedWithItsRecord) {
  try {
    ParseLabelledComments("COMMENT,CATEGORY\nok,Rounding Error\nbad,Sorcery\n", "c.csv");
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("record 3"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("Sorcery"), std::string::npos);
  }
}

}  // namespace
}  // namespace recon::categorise
