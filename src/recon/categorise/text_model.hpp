#pragma once
// Multinomial naive Bayes over hashed word unigrams, word bigrams and character 3-5-grams of the comment.
// Character n-grams are what make it generalise: "stlmt", "settlment" and "settlement" share most of their
// trigrams, so abbreviations and typos unseen in training still land near the right bucket. Digits are folded
// to 0 so "12.5bps" and "7bps" look alike. Posteriors are tempered by the number of features, because naive
// Bayes multiplies correlated n-gram evidence and would otherwise be wildly over-confident.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "recon/categorise/category.hpp"

namespace recon::categorise {

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
  std::array<double, kCategoryCount> Predict(std::string_view comment) const;
  /// Hashed feature ids of a comment (exposed for tests).
  static std::vector<std::uint32_t> Featurise(std::string_view comment);

 private:
  static constexpr std::size_t kBuckets = 1u << 16;
  std::array<double, kCategoryCount> log_prior_{};
  std::vector<float> log_likelihood_;  // kBuckets x kCategoryCount: one feature's classes share a cache line
};

}  // namespace recon::categorise
