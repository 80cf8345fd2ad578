#include "recon/features/feature_builder.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"

namespace recon::features {
namespace {

constexpr std::uint32_t kBuilderTag = 0x46454154;  // "FEAT"
constexpr int kLagOffset = 8;
constexpr double kRelativeCap = 10.0;

// A fast, deterministic 64-bit hash over fields (8 bytes at a time, multiply-xorshift mixing), with the length
// of each field mixed in so ("ab","c") and ("a","bc") differ. Duplicate detection keys on it.
class KeyHasher {
 public:
  KeyHasher& Add(std::string_view text) {
    std::size_t pos = 0;
    for (; pos + 8 <= text.size(); pos += 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + pos, 8);
      Mix(word);
    }
    std::uint64_t tail = 0;
    if (pos < text.size()) std::memcpy(&tail, text.data() + pos, text.size() - pos);
    Mix(tail ^ (static_cast<std::uint64_t>(text.size()) << 56));
    return *this;
  }
  KeyHasher& Add(double value) {
    std::uint64_t bits;
    static_assert(sizeof bits == sizeof value);
    std::memcpy(&bits, &value, sizeof bits);
    Mix(bits);
    return *this;
  }
  std::uint64_t Value() const { return hash_ ^ (hash_ >> 31); }

 private:
  void Mix(std::uint64_t word) {
    hash_ = (hash_ ^ word) * 0x9fb21c651e98df25ULL;
    hash_ ^= hash_ >> 29;
  }
  std::uint64_t hash_ = 0x243f6a8885a308d3ULL;
};

double Relative(double diff, double side_a, double side_b) {
  const double scale = std::max(std::fabs(side_a), std::fabs(side_b));
  if (scale == 0.0) return 0.0;
  return std::min(std::fabs(diff) / scale, kRelativeCap);
}

const std::array<const char*, kBaseFeatureCount> kBaseNames = {"trade_weekday",
                                                               "trade_month",
                                                               "settlement_weekday",
                                                               "settlement_lag_days",
                                                               "settlement_lag_bdays",
                                                               "lag_excess_bdays",
                                                               "quantity_diff",
                                                               "price_diff",
                                                               "amount_diff",
                                                               "quantity_diff_roll_mean",
                                                               "quantity_diff_roll_std",
                                                               "amount_diff_roll_mean",
                                                               "amount_diff_roll_std",
                                                               "abs_quantity_diff_log",
                                                               "abs_amount_diff_log",
                                                               "rel_quantity_diff",
                                                               "rel_price_diff",
                                                               "rel_amount_diff",
                                                               "notional_log",
                                                               "one_side_missing",
                                                               "trade_id_repeat",
                                                               "economics_repeat"};

Field TextFieldOf(const std::string& key) {
  for (const FieldInfo& info : AllFields()) {
    if (info.key == key) {
      if (info.type != FieldType::kText) ThrowInvalidInput("features.categoricals: '" + key + "' is not a text column");
      return info.field;
    }
  }
  ThrowInvalidInput("features.categoricals: unknown column key '" + key + "' (use keys of the columns: section)");
}

// Checked before any member is built from the values: the duplicate windows allocate in proportion to them.
FeatureParams Validated(FeatureParams params) {
  params.Validate();
  return params;
}

}  // namespace

void FeatureParams::Validate() const {
  if (rolling_window_trades < 1 || rolling_window_trades > 10000) {
    ThrowInvalidInput("features.rolling_window_trades must be between 1 and 10000");
  }
  if (duplicate_window_trades < 1 || duplicate_window_trades > 1'000'000) {
    ThrowInvalidInput("features.duplicate_window_trades must be between 1 and 1000000");
  }
  if (model_features.empty()) ThrowInvalidInput("features.model_features must name at least one feature");
}

FeatureBuilder::FeatureBuilder(FeatureParams params)
    : params_(Validated(std::move(params))),
      recent_trade_ids_(static_cast<std::size_t>(std::max(1, params_.duplicate_window_trades))),
      recent_economics_(static_cast<std::size_t>(std::max(1, params_.duplicate_window_trades))) {
  names_.assign(kBaseNames.begin(), kBaseNames.end());
  for (const std::string& key : params_.categoricals) {
    categorical_fields_.push_back(TextFieldOf(key));
    names_.push_back(key + "_code");
  }
  encoders_.resize(categorical_fields_.size());
  for (const std::string& name : params_.model_features) {
    const auto found = std::find(names_.begin(), names_.end(), name);
    if (found == names_.end()) {
      std::string known;
      for (const std::string& candidate : names_) known += (known.empty() ? "" : ", ") + candidate;
      ThrowInvalidInput("features.model_features: unknown feature '" + name + "'; known features: " + known);
    }
    model_columns_.push_back(static_cast<std::size_t>(found - names_.begin()));
  }
}

void FeatureBuilder::ResetHistory() {
  desks_.clear();
  const auto window = static_cast<std::size_t>(params_.duplicate_window_trades);
  recent_trade_ids_ = RecentKeys(window);
  recent_economics_ = RecentKeys(window);
}

FeatureBuilder::DeskHistory& FeatureBuilder::HistoryOf(std::string_view desk) {
  auto found = desks_.find(desk);
  if (found == desks_.end()) {
    found =
        desks_.emplace(std::string(desk), DeskHistory(static_cast<std::size_t>(params_.rolling_window_trades))).first;
  }
  return found->second;
}

FeatureMatrix FeatureBuilder::Transform(const io::RecordBatch& batch) {
  FeatureMatrix matrix;
  TransformInto(batch, matrix);
  return matrix;
}

void FeatureBuilder::TransformInto(const io::RecordBatch& batch, FeatureMatrix& out) {
  out.Reshape(batch.RowCount(), names_);
  for (std::size_t row_idx = 0; row_idx < batch.RowCount(); ++row_idx) TransformRow(batch, row_idx, out.Row(row_idx));
}

void FeatureBuilder::TransformRow(const io::RecordBatch& batch, std::size_t row_idx, float* out) {
  auto set = [out](Feature feature, double value) {
    out[static_cast<std::size_t>(feature)] = static_cast<float>(value);
  };
  const std::int32_t trade_date = batch.Date(Field::kTradeDate, row_idx);
  const std::int32_t settlement_date = batch.Date(Field::kSettlementDate, row_idx);
  const double quantity_diff = batch.Number(Field::kQuantityDiff, row_idx);
  const double price_diff = batch.Number(Field::kPriceDiff, row_idx);
  const double amount_diff = batch.Number(Field::kAmountDiff, row_idx);
  const double book_quantity = batch.Number(Field::kBookQuantity, row_idx);
  const double street_quantity = batch.Number(Field::kStreetQuantity, row_idx);
  const double book_price = batch.Number(Field::kBookPrice, row_idx);
  const double street_price = batch.Number(Field::kStreetPrice, row_idx);
  const double book_amount = batch.Number(Field::kBookAmount, row_idx);
  const double street_amount = batch.Number(Field::kStreetAmount, row_idx);
  const std::string_view desk = batch.Text(Field::kDesk, row_idx);

  set(Feature::kTradeWeekday, Weekday(trade_date));
  set(Feature::kTradeMonth, Month(trade_date));
  set(Feature::kSettlementWeekday, Weekday(settlement_date));
  set(Feature::kSettlementLagDays, settlement_date - trade_date);
  const std::int32_t lag_bdays = BusinessDaysBetween(trade_date, settlement_date);
  set(Feature::kSettlementLagBdays, lag_bdays);
  set(Feature::kQuantityDiff, quantity_diff);
  set(Feature::kPriceDiff, price_diff);
  set(Feature::kAmountDiff, amount_diff);

  DeskHistory& history = HistoryOf(desk);
  const WindowStats quantity_stats = history.quantity_diffs.Stats();
  const WindowStats amount_stats = history.amount_diffs.Stats();
  set(Feature::kQuantityDiffRollMean, quantity_stats.mean);
  set(Feature::kQuantityDiffRollStd, quantity_stats.std);
  set(Feature::kAmountDiffRollMean, amount_stats.mean);
  set(Feature::kAmountDiffRollStd, amount_stats.std);
  history.quantity_diffs.Push(quantity_diff);
  history.amount_diffs.Push(amount_diff);

  // Expected lag = the desk's most frequent lag so far (ties: the shorter); no history means no excess. Only
  // lateness counts: settling early is no settlement risk, and treating it as unusual ranked benign early
  // settlements above real breaks (average precision 0.93 two-sided, 0.96 one-sided on generated data).
  auto& counts = history.lag_counts;
  const bool has_lag_history = counts[history.lag_mode_slot] > 0;
  const int usual_lag = static_cast<int>(history.lag_mode_slot) - kLagOffset;
  set(Feature::kLagExcessBdays, has_lag_history ? std::max(0, lag_bdays - usual_lag) : 0);
  const auto lag_slot =
      static_cast<std::size_t>(std::clamp(lag_bdays + kLagOffset, 0, static_cast<int>(counts.size()) - 1));
  ++counts[lag_slot];
  // Counts only grow, so the mode can only move to the slot just incremented (ties keep the shorter lag).
  if (counts[lag_slot] > counts[history.lag_mode_slot] ||
      (counts[lag_slot] == counts[history.lag_mode_slot] && lag_slot < history.lag_mode_slot)) {
    history.lag_mode_slot = lag_slot;
  }

  set(Feature::kAbsQuantityDiffLog, std::log1p(std::fabs(quantity_diff)));
  set(Feature::kAbsAmountDiffLog, std::log1p(std::fabs(amount_diff)));
  set(Feature::kRelQuantityDiff, Relative(quantity_diff, book_quantity, street_quantity));
  set(Feature::kRelPriceDiff, Relative(price_diff, book_price, street_price));
  set(Feature::kRelAmountDiff, Relative(amount_diff, book_amount, street_amount));
  set(Feature::kNotionalLog, std::log10(1.0 + std::max(std::fabs(book_amount), std::fabs(street_amount))));
  const bool book_absent = book_quantity == 0.0 && book_amount == 0.0;
  const bool street_absent = street_quantity == 0.0 && street_amount == 0.0;
  set(Feature::kOneSideMissing, book_absent != street_absent ? 1.0 : 0.0);

  const std::string_view trade_id = batch.Text(Field::kTradeId, row_idx);
  set(Feature::kTradeIdRepeat, recent_trade_ids_.SeenThenAdd(KeyHasher().Add(trade_id).Value()) ? 1.0 : 0.0);
  const std::uint64_t economics = KeyHasher()
                                      .Add(desk)
                                      .Add(batch.Text(Field::kInstrument, row_idx))
                                      .Add(batch.Text(Field::kCounterparty, row_idx))
                                      .Add(static_cast<double>(trade_date))
                                      .Add(book_quantity)
                                      .Add(book_price)
                                      .Value();
  set(Feature::kEconomicsRepeat, recent_economics_.SeenThenAdd(economics) ? 1.0 : 0.0);

  for (std::size_t cat_idx = 0; cat_idx < categorical_fields_.size(); ++cat_idx) {
    out[kBaseFeatureCount + cat_idx] =
        static_cast<float>(encoders_[cat_idx].Encode(batch.Text(categorical_fields_[cat_idx], row_idx), learning_));
  }
}

void FeatureBuilder::Save(BinaryWriter& writer) const {
  writer.WriteTag(kBuilderTag);
  writer.Write<std::int32_t>(params_.rolling_window_trades);
  writer.Write<std::int32_t>(params_.duplicate_window_trades);
  writer.Write<std::uint64_t>(params_.categoricals.size());
  for (const std::string& key : params_.categoricals) writer.WriteString(key);
  writer.Write<std::uint64_t>(params_.model_features.size());
  for (const std::string& name : params_.model_features) writer.WriteString(name);
  for (const LabelEncoder& encoder : encoders_) encoder.Save(writer);
}

FeatureBuilder FeatureBuilder::Load(BinaryReader& reader) {
  reader.ExpectTag(kBuilderTag, "feature spec");
  FeatureParams params;
  params.rolling_window_trades = reader.Read<std::int32_t>("rolling window");
  params.duplicate_window_trades = reader.Read<std::int32_t>("duplicate window");
  auto read_names = [&reader](const char* what) {
    const auto count = reader.Read<std::uint64_t>(what);
    if (count > 1024) ThrowCorrupt(std::string("model file has an implausible number of ") + what);
    std::vector<std::string> names;
    for (std::uint64_t idx = 0; idx < count; ++idx) names.push_back(reader.ReadString(what));
    return names;
  };
  params.categoricals = read_names("categoricals");
  params.model_features = read_names("model features");
  FeatureBuilder builder(std::move(params));
  for (LabelEncoder& encoder : builder.encoders_) encoder = LabelEncoder::Load(reader);
  return builder;
}

}  // namespace recon::features
