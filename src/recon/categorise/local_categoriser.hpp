#pragma once
// The built-in categoriser: numeric rules and a text model on COMMENT, combined as independent evidence:
//   P(category) ∝ P_rules(category | numbers) * P_text(category | comment)^text_weight.
// A clear comment can overrule a weak numeric rule, and a blank or generic comment ("pls check") leaves the
// decision to the numbers: the tempered text posterior is then nearly flat, and the text model's "Unknown"
// (learned from generic comments) is spread evenly rather than counted as evidence for the Unknown bucket,
// which the rules assign when the numbers fit no pattern. Categories the numbers rule out (plausibility.hpp) get
// no probability whatever the comment says. The text's exponent is text_weight times the share of the comment's
// words the corpus knows (TextEvidence::familiarity): another team's jargon carries no evidence of its own, only
// n-gram look-alikes, so an unfamiliar comment leaves the decision to the numbers. The winning probability is
// reported through a fitted calibration (confidence_calibration.hpp).
#include <atomic>
#include <memory>
#include <span>
#include <string>

#include "recon/categorise/categoriser.hpp"
#include "recon/categorise/plausibility.hpp"
#include "recon/categorise/severity.hpp"
#include "recon/categorise/text_model.hpp"

namespace recon::categorise {

/// Settings of the local categoriser (config section `categoriser:`).
struct LocalCategoriserParams {
  /// Extra COMMENT,CATEGORY examples (e.g. reviewed anomalies) added to the corpus built into recon.
  std::string extra_comments_path;
  /// Exponent of the text model's posterior in the combination, for a comment whose words are all known to the
  /// corpus; scaled down by the share of unknown words.
  double text_weight = 1.0;
  /// Report calibrated confidence (confidence_calibration.hpp); false reports the raw combined probability.
  bool calibrate = true;
  SeverityParams severity;
  RoundingLimits rounding;
  int threads = 0;  ///< 0 = all cores
  /// Throws InvalidInput naming the field when out of range.
  void Validate() const;
};

/// The labelled comment corpus compiled into the binary (data/comments_labelled.csv).
std::string_view EmbeddedCommentCorpus();

class LocalCategoriser final : public Categoriser {
 public:
  /// Trains the text model from the embedded corpus plus params.extra_comments_path.
  explicit LocalCategoriser(LocalCategoriserParams params);
  /// Trains on exactly `examples` (tests, evaluation).
  LocalCategoriser(LocalCategoriserParams params, const std::vector<LabelledComment>& examples);

  std::vector<Categorisation> Categorise(std::span<const AnomalyEvidence> evidence) override {
    return CategoriseAll(evidence);
  }
  /// One categorisation per evidence, in input order (the text model runs once per distinct comment).
  std::vector<Categorisation> CategoriseAll(std::span<const AnomalyEvidence> evidence) const;
  /// Categorises one anomaly.
  Categorisation CategoriseOne(const AnomalyEvidence& evidence) const;
  /// Whether the numbers of `evidence` allow `category` (for overruling verdicts from elsewhere).
  bool NumbersAllow(const AnomalyEvidence& evidence, Category category, std::string* why = nullptr) const {
    return categorise::NumbersAllow(evidence, category, params_.rounding, why);
  }
  const LocalCategoriserParams& Params() const { return params_; }
  /// Retrains the text model on the corpus it was built from plus reviewers' `corrections` (each one example, like
  /// a corpus comment: counting them 2, 3 or 5 times did no better, bench/RESULTS.md) and swaps the new model in
  /// whole: a categorisation under way finishes on the model it started with, the next one uses the new model.
  /// Thread-safe; the numbers still rule categories out (a correction teaches the comment model only). Concurrent
  /// calls: the last to finish wins.
  void Learn(std::span<const LabelledComment> corrections);

 private:
  Categorisation Combine(const AnomalyEvidence& evidence, const TextEvidence& text) const;
  LocalCategoriserParams params_;
  std::vector<LabelledComment> corpus_;  // what Learn retrains on beside the corrections
  std::atomic<std::shared_ptr<const TextModel>> text_model_;  // replaced whole by Learn, read once per call
};

}  // namespace recon::categorise
