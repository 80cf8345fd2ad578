#include "recon/features/feature_builder.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"

namespace recon::features {
namespace {

struct Trade {
  std::string id;
  std::string desk;
  int trade_day;  // offset from 2025-01-02 (a Thursday)
  int settle_day;
  double book_quantity;
  double street_quantity;
  double price;
  double amount_diff;
};

void Fill(io::RecordBatch& batch, const std::vector<Trade>& trades) {
  batch.Clear();
  batch.Resize(trades.size());
  const std::int32_t base = DaysFromCivil(2025, 1, 2);
  for (std::size_t row = 0; row < trades.size(); ++row) {
    const Trade& t = trades[row];
    batch.SetOrigin(row, row + 2, static_cast<std::uint32_t>(row));
    batch.SetTextCopy(Field::kTradeId, row, t.id);
    batch.SetTextCopy(Field::kDesk, row, t.desk);
    batch.SetTextCopy(Field::kInstrument, row, "US0000000001");
    batch.SetDate(Field::kTradeDate, row, base + t.trade_day);
    batch.SetDate(Field::kSettlementDate, row, base + t.settle_day);
    batch.SetNumber(Field::kBookQuantity, row, t.book_quantity);
    batch.SetNumber(Field::kStreetQuantity, row, t.street_quantity);
    batch.SetNumber(Field::kQuantityDiff, row, t.book_quantity - t.street_quantity);
    batch.SetNumber(Field::kBookPrice, row, t.price);
    batch.SetNumber(Field::kStreetPrice, row, t.price);
    batch.SetNumber(Field::kPriceDiff, row, 0.0);
    batch.SetNumber(Field::kBookAmount, row, t.book_quantity * t.price);
    batch.SetNumber(Field::kStreetAmount, row, t.street_quantity * t.price - t.amount_diff);
    batch.SetNumber(Field::kAmountDiff, row, t.amount_diff);
  }
}

float Get(const FeatureMatrix& matrix, std::size_t row, Feature feature) {
  return matrix.At(row, static_cast<std::size_t>(feature));
}

TEST(FeatureBuilderTest, KnownAnswersForCalendarAndDifferences) {
  FeatureBuilder builder{FeatureParams{}};
  builder.SetLearning(true);
  io::RecordBatch batch;
  Fill(batch, {{"T1", "A", 0, 4, 100, 80, 2.0, 40.0}});  // Thursday -> Monday
  const FeatureMatrix m = builder.Transform(batch);
  EXPECT_EQ(Get(m, 0, Feature::kTradeWeekday), 3);
  EXPECT_EQ(Get(m, 0, Feature::kTradeMonth), 1);
  EXPECT_EQ(Get(m, 0, Feature::kSettlementWeekday), 0);
  EXPECT_EQ(Get(m, 0, Feature::kSettlementLagDays), 4);
  EXPECT_EQ(Get(m, 0, Feature::kSettlementLagBdays), 2);
  EXPECT_EQ(Get(m, 0, Feature::kLagExcessBdays), 0);  // no history yet
  EXPECT_FLOAT_EQ(Get(m, 0, Feature::kRelQuantityDiff), 0.2f);
  EXPECT_FLOAT_EQ(Get(m, 0, Feature::kAbsQuantityDiffLog), static_cast<float>(std::log1p(20.0)));
  EXPECT_FLOAT_EQ(Get(m, 0, Feature::kAbsAmountDiffLog), static_cast<float>(std::log1p(40.0)));
  EXPECT_EQ(Get(m, 0, Feature::kOneSideMissing), 0);
}

TEST(FeatureBuilderTest, RollingStatsUsePreviousTradesOfTheSameDeskOnly) {
  FeatureParams params;
  params.rolling_window_trades = 2;
  FeatureBuilder builder(params);
  io::RecordBatch batch;
  Fill(batch, {{"T1", "A", 0, 1, 10, 10, 1, 1.0},
               {"T2", "B", 0, 1, 10, 10, 1, 100.0},
               {"T3", "A", 0, 1, 10, 10, 1, 3.0},
               {"T4", "A", 0, 1, 10, 10, 1, 8.0},
               {"T5", "A", 0, 1, 10, 10, 1, 0.0}});
  const FeatureMatrix m = builder.Transform(batch);
  EXPECT_EQ(Get(m, 0, Feature::kAmountDiffRollMean), 0);  // nothing before
  EXPECT_EQ(Get(m, 2, Feature::kAmountDiffRollMean), 1);  // A: {1}
  EXPECT_EQ(Get(m, 2, Feature::kAmountDiffRollStd), 0);
  EXPECT_EQ(Get(m, 3, Feature::kAmountDiffRollMean), 2);  // A: {1, 3}
  EXPECT_FLOAT_EQ(Get(m, 3, Feature::kAmountDiffRollStd), static_cast<float>(std::sqrt(2.0)));
  EXPECT_EQ(Get(m, 4, Feature::kAmountDiffRollMean), 5.5f);  // window 2: {3, 8}
  EXPECT_EQ(Get(m, 1, Feature::kAmountDiffRollMean), 0);     // desk B has no history
}

TEST(FeatureBuilderTest, LagExcessAgainstTheDesksUsualLag) {
  FeatureBuilder builder{FeatureParams{}};
  io::RecordBatch batch;
  // Desk settles T+1 usually; the fourth trade settles T+3 (business days).
  Fill(batch, {{"T1", "A", 0, 1, 1, 1, 1, 0},
               {"T2", "A", 0, 1, 1, 1, 1, 0},
               {"T3", "A", 1, 4, 1, 1, 1, 0},
               {"T4", "A", 0, 5, 1, 1, 1, 0}});
  const FeatureMatrix m = builder.Transform(batch);
  EXPECT_EQ(Get(m, 1, Feature::kLagExcessBdays), 0);
  EXPECT_EQ(Get(m, 2, Feature::kLagExcessBdays), 0);  // Fri -> Mon is one business day
  EXPECT_EQ(Get(m, 3, Feature::kLagExcessBdays), 2);  // Thu -> Tue is three business days
}

TEST(FeatureBuilderTest, RepeatsAndOneSidedTrades) {
  FeatureBuilder builder{FeatureParams{}};
  io::RecordBatch batch;
  Fill(batch, {{"T1", "A", 0, 1, 5, 5, 2, 0},
               {"T1", "A", 1, 2, 7, 7, 3, 0},
               {"T9", "A", 0, 1, 5, 5, 2, 0},
               {"T4", "A", 0, 1, 0, 6, 2, 0}});
  const FeatureMatrix m = builder.Transform(batch);
  EXPECT_EQ(Get(m, 0, Feature::kTradeIdRepeat), 0);
  EXPECT_EQ(Get(m, 1, Feature::kTradeIdRepeat), 1);
  EXPECT_EQ(Get(m, 1, Feature::kEconomicsRepeat), 0);
  EXPECT_EQ(Get(m, 2, Feature::kEconomicsRepeat), 1);  // same desk, date, quantity and price as T1
  EXPECT_EQ(Get(m, 3, Feature::kOneSideMissing), 1);   // book side all zero, street side present
  EXPECT_EQ(Get(m, 0, Feature::kOneSideMissing), 0);
}

TEST(FeatureBuilderTest, LabelEncodingGivesMinusOneToUnseenLabels) {
  FeatureBuilder builder{FeatureParams{}};
  io::RecordBatch batch;
  Fill(batch, {{"T1", "Rates", 0, 1, 1, 1, 1, 0}, {"T2", "FX", 0, 1, 1, 1, 1, 0}, {"T3", "Rates", 0, 1, 1, 1, 1, 0}});
  builder.SetLearning(true);
  FeatureMatrix m = builder.Transform(batch);
  const std::size_t code = builder.Names().size() - 1;
  EXPECT_EQ(builder.Names()[code], "desk_code");
  EXPECT_EQ(m.At(0, code), 0);
  EXPECT_EQ(m.At(1, code), 1);
  EXPECT_EQ(m.At(2, code), 0);
  builder.SetLearning(false);
  Fill(batch, {{"T4", "Equities", 0, 1, 1, 1, 1, 0}, {"T5", "FX", 0, 1, 1, 1, 1, 0}});
  m = builder.Transform(batch);
  EXPECT_EQ(m.At(0, code), -1);
  EXPECT_EQ(m.At(1, code), 1);
}

TEST(FeatureBuilderTest, StreamingOneByOneEqualsBatch) {
  std::vector<Trade> trades;
  for (int idx = 0; idx < 200; ++idx) {
    trades.push_back({"T" + std::to_string(idx % 150), idx % 3 ? "A" : "B", idx / 10,
                      idx / 10 + 1 + (idx % 17 == 0 ? 3 : 0), static_cast<double>(10 + idx % 7),
                      static_cast<double>(10 + idx % 5), 1.0 + idx % 4, (idx % 11) * 0.5});
  }
  FeatureBuilder batch_builder{FeatureParams{}};
  FeatureBuilder stream_builder{FeatureParams{}};
  io::RecordBatch batch;
  Fill(batch, trades);
  const FeatureMatrix all = batch_builder.Transform(batch);
  for (std::size_t row = 0; row < trades.size(); ++row) {
    Fill(batch, {trades[row]});
    const FeatureMatrix one = stream_builder.Transform(batch);
    for (std::size_t col = 0; col < all.Cols(); ++col) ASSERT_EQ(one.At(0, col), all.At(row, col)) << row << "," << col;
  }
}

TEST(FeatureBuilderTest, SaveLoadKeepsVocabulariesAndRejectsUnknownFeatures) {
  FeatureBuilder builder{FeatureParams{}};
  builder.SetLearning(true);
  io::RecordBatch batch;
  Fill(batch, {{"T1", "Rates", 0, 1, 1, 1, 1, 0}, {"T2", "FX", 0, 1, 1, 1, 1, 0}});
  builder.Transform(batch);
  BinaryWriter writer;
  builder.Save(writer);
  BinaryReader reader(writer.Bytes());
  FeatureBuilder loaded = FeatureBuilder::Load(reader);
  EXPECT_EQ(loaded.Encoders()[0].Labels(), (std::vector<std::string>{"Rates", "FX"}));
  EXPECT_EQ(loaded.ModelColumns(), builder.ModelColumns());

  FeatureParams bad;
  bad.model_features = {"no_such_feature"};
  EXPECT_THROW(FeatureBuilder{bad}, Error);
  bad = FeatureParams{};
  bad.categoricals = {"book_quantity"};
  EXPECT_THROW(FeatureBuilder{bad}, Error);
}

}  // namespace
}  // namespace recon::features
