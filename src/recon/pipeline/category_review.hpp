#pragma once
// Reviewers' category corrections, shared by the REST API (POST /anomalies/{id}/feedback with "category") and
// `recon review import`: who may sign one, which comment it teaches (read from the anomaly's stored row, as the
// categoriser read it), applying it to the store, and reading the kept ones back for the local categoriser, which
// learns them (LocalCategoriser::Learn): from the next run in batch, at once in the service.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recon/categorise/category.hpp"
#include "recon/categorise/text_model.hpp"
#include "recon/core/schema.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/store/store.hpp"

namespace recon::pipeline {

/// The longest reviewer name and note accepted (characters as bytes of UTF-8).
inline constexpr std::size_t kMaxReviewerBytes = 200;
inline constexpr std::size_t kMaxReviewNoteBytes = 4000;

/// Why `name` cannot sign a review ("" when it can): empty, longer than kMaxReviewerBytes, or holding a control
/// or direction-changing character. A name goes into audit rows, logs and e-mails, where a CR/LF could forge a line
/// and a bidirectional override could make it display as another name. `name` is valid UTF-8.
std::string ReviewerNameProblem(std::string_view name);

/// The category names a correction may give, for error messages: "Rounding Error, Timing Issue, ..., Unknown".
std::string CategoryChoices();

/// The COMMENT of a stored anomaly: its row's `comment_header` member ("" when the row has none).
std::string StoredComment(const store::StoredAnomaly& anomaly, const std::string& comment_header);

/// What applying one correction did.
struct AppliedCorrection {
  store::CorrectionResult result = store::CorrectionResult::kNotFound;
  std::string natural_key;        ///< the anomaly's key (for caches of its verdict); empty when not found
  std::string trade_id;           ///< the anomaly's trade id; empty when not found
  std::string previous_category;  ///< its category before the correction
};

/// Corrects anomaly `anomaly_id` to `category`, keeping its comment for the categoriser to learn (see
/// Store::RecordCategoryCorrection: one transaction, a correction to the category it has writes nothing).
/// `reviewer` must have passed ReviewerNameProblem. Throws InvalidInput, writing nothing, when the numbers of the
/// anomaly's row rule the category out (a one-sided 47M break is no Rounding Error, whoever says so): a reviewer's
/// word is taught to the comment model, and a wrong one would teach it to override the numbers. Timing Issue and
/// Duplicate Entry, judged with dates and history the row does not hold, are the reviewer's call.
AppliedCorrection CorrectCategory(store::Store& store, const Config& config, std::int64_t anomaly_id,
                                  categorise::Category category, std::string_view reviewer, std::string_view note);

/// The store's corrections (each corrected anomaly's latest) as training examples for LocalCategoriser::Learn. A
/// category this recon does not know (a store edited by hand) is skipped: it must not stop a run.
std::vector<categorise::LabelledComment> LearnedCorrections(store::Store& store);

}  // namespace recon::pipeline
