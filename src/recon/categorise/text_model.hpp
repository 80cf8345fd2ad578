#pragma once
// Multinomial naive Bayes over hashed word unigrams, word bigrams and character 3-5-grams of the comment.
// Character n-grams are what make it generalise: "stlmt", "settlment" and "settlement" share most of their
// trigrams, so abbreviations and typos unseen in training still land near the right bucket. Digits are folded
// to 0 so "12.5bps" and "7bps" look alike. Posteriors are tempered by the number of features, because naive
// Bayes multiplies correlated n-gram evidence and would otherwise be wildly over-confident.
// The same n-grams make unknown jargon look familiar ("looking" shares "ook" and "king" with "booking"), so how
// much of a comment the corpus knows is measured on whole words instead (TextEvidence::familiarity): the local
// categoriser gives the numbers the say that unknown words cannot carry.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "recon/categorise/category.hpp"

namespace recon::categorise {

/// What a comment says, as far as the training corpus can tell.
struct TextEvidence {
  /// Tempered naive-Bayes posterior over categories; uniform for an empty comment.
  std::array<double, kCategoryCount> posterior{};
  /// Share of the comment's words that occur in the training corpus (0 for an empty comment).
  double familiarity = 0.0;
};

/// One labelled training comment.
struct LabelledComment {
  std::string comment;
  Category category;
};

/// Reads a COMMENT,CATEGORY CSV (header required). Throws InvalidInput naming the line of an unknown category.
std::vector<LabelledComment> ReadLabelledComments(const std::string& path);
/// Parses the same format from memory (the corpus embedded in the binary).
std::vector<LabelledComment> ParseLabelledComments(std::string_view csv_text, const std::string& origin);

class TextModel {
 public:
  /// Trains on `examples` with additive smoothing `alpha`.
  TextModel(const std::vector<LabelledComment>& examples, double alpha = 0.3);
  /// Posterior over categories; uniform for an empty comment.
  std::array<double, kCategoryCount> Predict(std::string_view comment) const { return Assess(comment).posterior; }
  /// Posterior and familiarity of a comment (see TextEvidence).
  TextEvidence Assess(std::string_view comment) const;
  /// Hashed feature ids of a comment (exposed for tests).
  static std::vector<std::uint32_t> Featurise(std::string_view comment);

 private:
  static std::vector<std::uint32_t> FeaturiseNormalised(const std::string& text,
                                                        const std::vector<std::string_view>& words);
  static constexpr std::size_t kBuckets = 1u << 16;
  std::array<double, kCategoryCount> log_prior_{};
  std::vector<float> log_likelihood_;       // kBuckets x kCategoryCount: one feature's classes share a cache line
  std::vector<std::uint32_t> known_words_;  // sorted hashes of the training corpus's words
};

}  // namespace recon::categorise
