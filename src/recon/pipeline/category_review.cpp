#include "recon/pipeline/category_review.hpp"

#include <optional>

#include <nlohmann/json.hpp>

#include "recon/categorise/plausibility.hpp"
#include "recon/categorise/valuation.hpp"
#include "recon/core/error.hpp"
#include "recon/io/number_parser.hpp"
#include "recon/resolve/resolver.hpp"

namespace recon::pipeline {
namespace {

// C0 and C1 controls, line and paragraph separators, and the bidirectional marks, overrides and isolates.
bool HasControlCharacter(std::string_view text) {
  for (std::size_t idx = 0; idx < text.size(); ++idx) {
    const auto byte = static_cast<unsigned char>(text[idx]);
    if (byte < 0x20 || byte == 0x7F) return true;
    if (byte == 0xC2 && idx + 1 < text.size() && static_cast<unsigned char>(text[idx + 1]) <= 0x9F) return true;
    if (byte == 0xD8 && idx + 1 < text.size() && static_cast<unsigned char>(text[idx + 1]) == 0x9C) return true;
    if (byte == 0xE2 && idx + 2 < text.size()) {
      const auto second = static_cast<unsigned char>(text[idx + 1]);
      const auto third = static_cast<unsigned char>(text[idx + 2]);
      if (second == 0x80 && (third == 0x8E || third == 0x8F)) return true;  // U+200E, U+200F
      if (second == 0x80 && third >= 0xA8 && third <= 0xAE) return true;    // U+2028..U+202E
      if (second == 0x81 && third >= 0xA6 && third <= 0xA9) return true;    // U+2066..U+2069
    }
  }
  return false;
}

// The currency, sides and differences of a stored anomaly's row (text from a file, or what an API client sent).
// Empty when the row does not hold both sides (nothing to judge a category by).
std::optional<categorise::AnomalyEvidence> StoredNumbers(const store::StoredAnomaly& anomaly,
                                                         const ColumnMapping& columns) {
  categorise::AnomalyEvidence evidence;
  const nlohmann::json row = nlohmann::json::parse(anomaly.record.row_json, nullptr, /*allow_exceptions=*/false);
  if (!row.is_object()) return std::nullopt;
  for (const Field side : {Field::kBookQuantity, Field::kStreetQuantity, Field::kBookAmount, Field::kStreetAmount}) {
    if (!row.contains(columns.HeaderOf(side))) return std::nullopt;
  }
  const auto text = [&](Field field) -> std::string {
    const auto found = row.find(columns.HeaderOf(field));
    if (found == row.end() || found->is_null()) return "";
    return found->is_string() ? found->get<std::string>() : found->dump();
  };
  bool readable = true;  // a value that is no number leaves nothing to judge by (never a zero side)
  const auto number = [&](Field field) {
    const std::optional<double> value = io::ParseNumber(text(field));
    if (!value) readable = false;
    return value.value_or(0.0);
  };
  evidence.currency = text(Field::kCurrency);
  evidence.book_quantity = number(Field::kBookQuantity);
  evidence.street_quantity = number(Field::kStreetQuantity);
  evidence.quantity_diff = number(Field::kQuantityDiff);
  evidence.book_price = number(Field::kBookPrice);
  evidence.street_price = number(Field::kStreetPrice);
  evidence.price_diff = number(Field::kPriceDiff);
  evidence.book_amount = number(Field::kBookAmount);
  evidence.street_amount = number(Field::kStreetAmount);
  evidence.amount_diff = number(Field::kAmountDiff);
  if (!readable) return std::nullopt;
  return evidence;
}

}  // namespace

std::string ReviewerNameProblem(std::string_view name) {
  if (name.empty() || name.size() > kMaxReviewerBytes) {
    return "must be a non-empty name of at most " + std::to_string(kMaxReviewerBytes) + " characters";
  }
  if (HasControlCharacter(name)) return "must not contain control or direction-changing characters (CR, LF, TAB, ...)";
  return "";
}

std::string CategoryChoices() {
  std::string choices;
  for (std::size_t cat = 0; cat < categorise::kCategoryCount; ++cat) {
    if (cat > 0) choices += ", ";
    choices += categorise::CategoryName(static_cast<categorise::Category>(cat));
  }
  return choices;
}

std::string StoredComment(const store::StoredAnomaly& anomaly, const std::string& comment_header) {
  const nlohmann::json row = nlohmann::json::parse(anomaly.record.row_json, nullptr, /*allow_exceptions=*/false);
  if (!row.is_object()) return "";
  const auto found = row.find(comment_header);
  if (found == row.end() || found->is_null()) return "";
  // A batch row holds text; a trade posted to the API holds what the client sent (a string, as ParseTrade asks).
  return found->is_string() ? found->get<std::string>() : found->dump();
}

AppliedCorrection CorrectCategory(store::Store& store, const Config& config, std::int64_t anomaly_id,
                                  categorise::Category category, std::string_view reviewer, std::string_view note) {
  const ColumnMapping& columns = config.columns;
  AppliedCorrection applied;
  const std::optional<store::StoredAnomaly> anomaly = store.GetAnomaly(anomaly_id);
  if (!anomaly) return applied;
  // Timing and duplicates are judged with dates and history the row alone does not hold: the reviewer decides.
  // A correction to the category it has already changes nothing, whatever the numbers say today.
  const bool judged_by_row = category != categorise::Category::kTimingIssue &&
                             category != categorise::Category::kDuplicateEntry &&
                             anomaly->record.category != categorise::CategoryName(category);
  std::optional<categorise::AnomalyEvidence> evidence = StoredNumbers(*anomaly, columns);
  std::string why;
  if (judged_by_row && evidence) {
    categorise::Valuer(config.valuation).Value(*evidence);
    if (!categorise::NumbersAllow(*evidence, category, config.categoriser.rounding, &why)) {
      ThrowInvalidInput("anomaly " + std::to_string(anomaly_id) + " cannot be a " +
                        std::string(categorise::CategoryName(category)) + ": " + why);
    }
  }
  applied.natural_key = anomaly->record.natural_key;
  applied.trade_id = anomaly->record.trade_id;
  applied.previous_category = anomaly->record.category;
  store::CategoryCorrection correction;
  correction.anomaly_id = anomaly_id;
  correction.comment = StoredComment(*anomaly, columns.HeaderOf(Field::kComment));
  correction.category = std::string(categorise::CategoryName(category));
  correction.reviewer = std::string(reviewer);
  correction.note = std::string(note);
  // Only timing issues are closed automatically: corrected to anything else, a closed one goes back for review.
  if (category != categorise::Category::kTimingIssue) {
    correction.reopen_status = std::string(resolve::kStatusAutoResolved);
    correction.reopened_status = std::string(resolve::kStatusPendingReview);
  }
  applied.result = store.RecordCategoryCorrection(correction);
  return applied;
}

std::vector<categorise::LabelledComment> LearnedCorrections(store::Store& store) {
  std::vector<categorise::LabelledComment> examples;
  for (const store::LearnedCategory& learned : store.CategoryCorrections()) {
    const auto category = categorise::ParseCategory(learned.category);
    if (category) examples.push_back({learned.comment, *category});
  }
  return examples;
}

}  // namespace recon::pipeline
