#include "recon/categorise/text_model.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "recon/core/error.hpp"

namespace recon::categorise {
namespace {

std::string Normalise(std::string_view comment) {
  std::string text;
  text.reserve(comment.size() + 2);
  text.push_back(' ');
  for (const char raw : comment) {
    const auto c = static_cast<unsigned char>(raw);
    char mapped = ' ';
    if (c >= 'A' && c <= 'Z') {
      mapped = static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || c == '/' || c >= 0x80) {
      mapped = static_cast<char>(c);
    } else if (c >= '0' && c <= '9') {
      mapped = '0';
    }
    if (mapped == ' ' && text.back() == ' ') continue;
    text.push_back(mapped);
  }
  if (text.back() != ' ') text.push_back(' ');
  return text;
}

std::uint32_t Hash(std::string_view text, std::uint32_t salt) {
  std::uint64_t hash = 0xcbf29ce484222325ULL ^ salt;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return static_cast<std::uint32_t>(hash ^ (hash >> 32));
}

// The words of a normalised comment (`text` starts and ends with a space; words are separated by one). The views
// point into `text`, which must outlive them.
std::vector<std::string_view> SplitWords(std::string&& text) = delete;  // the views would dangle
std::vector<std::string_view> SplitWords(const std::string& text) {
  std::vector<std::string_view> words;
  std::size_t start = 1;
  for (std::size_t pos = 1; pos < text.size(); ++pos) {
    if (text[pos] == ' ') {
      if (pos > start) words.emplace_back(text.data() + start, pos - start);
      start = pos + 1;
    }
  }
  return words;
}

std::uint32_t WordHash(std::string_view word) { return Hash(word, 1); }

// Minimal RFC 4180 line splitter for the two-column corpus (quoted fields may hold commas and newlines).
std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (quoted) {
      if (c == '"' && pos + 1 < text.size() && text[pos + 1] == '"') {
        field.push_back('"');
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(std::move(field));
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace

std::vector<LabelledComment> ParseLabelledComments(std::string_view csv_text, const std::string& origin) {
  const auto rows = ParseCsv(csv_text);
  if (rows.empty() || rows[0].size() < 2 || rows[0][0] != "COMMENT" || rows[0][1] != "CATEGORY") {
    ThrowInvalidInput("'" + origin + "' must start with the header COMMENT,CATEGORY");
  }
  std::vector<LabelledComment> examples;
  for (std::size_t row_idx = 1; row_idx < rows.size(); ++row_idx) {
    if (rows[row_idx].size() != 2) {
      ThrowInvalidInput("'" + origin + "' record " + std::to_string(row_idx + 1) + " must have 2 fields");
    }
    const auto category = ParseCategory(rows[row_idx][1]);
    if (!category) {
      ThrowInvalidInput("'" + origin + "' record " + std::to_string(row_idx + 1) + ": unknown category '" +
                        rows[row_idx][1] + "'");
    }
    examples.push_back({rows[row_idx][0], *category});
  }
  return examples;
}

std::vector<LabelledComment> ReadLabelledComments(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowNotFound("labelled comments file '" + path + "' cannot be read");
  std::ostringstream contents;
  contents << in.rdbuf();
  return ParseLabelledComments(contents.str(), path);
}

std::vector<std::uint32_t> TextModel::Featurise(std::string_view comment) {
  const std::string text = Normalise(comment);
  return FeaturiseNormalised(text, SplitWords(text));
}

std::vector<std::uint32_t> TextModel::FeaturiseNormalised(const std::string& text,
                                                          const std::vector<std::string_view>& words) {
  std::vector<std::uint32_t> ids;
  ids.reserve(words.size() * 2 + 3 * text.size());
  for (std::size_t word_idx = 0; word_idx < words.size(); ++word_idx) {
    ids.push_back(WordHash(words[word_idx]) % kBuckets);
    if (word_idx + 1 < words.size()) {
      // The two words are adjacent in `text`, separated by one space: hash that span, no copy needed.
      const std::size_t begin = static_cast<std::size_t>(words[word_idx].data() - text.data());
      const std::size_t end =
          static_cast<std::size_t>(words[word_idx + 1].data() - text.data()) + words[word_idx + 1].size();
      ids.push_back(Hash(std::string_view(text).substr(begin, end - begin), 2) % kBuckets);
    }
  }
  for (std::size_t n = 3; n <= 5; ++n) {
    for (std::size_t pos = 0; pos + n <= text.size(); ++pos) {
      ids.push_back(Hash(std::string_view(text).substr(pos, n), static_cast<std::uint32_t>(n)) % kBuckets);
    }
  }
  return ids;
}

TextModel::TextModel(const std::vector<LabelledComment>& examples, double alpha)
    : log_likelihood_(kCategoryCount * kBuckets, 0.0f) {
  if (examples.empty()) ThrowInvalidInput("the text model needs at least one labelled comment");
  std::vector<double> counts(kCategoryCount * kBuckets, 0.0);
  std::array<double, kCategoryCount> totals{};
  for (const LabelledComment& example : examples) {
    const auto cat = static_cast<std::size_t>(example.category);
    const std::string text = Normalise(example.comment);
    const std::vector<std::string_view> words = SplitWords(text);
    for (const std::uint32_t id : FeaturiseNormalised(text, words)) {
      counts[cat * kBuckets + id] += 1.0;
      totals[cat] += 1.0;
    }
    for (const std::string_view word : words) known_words_.push_back(WordHash(word));
  }
  std::sort(known_words_.begin(), known_words_.end());
  known_words_.erase(std::unique(known_words_.begin(), known_words_.end()), known_words_.end());
  for (std::size_t cat = 0; cat < kCategoryCount; ++cat) {
    // Uniform prior: the corpus is balanced by construction, real anomaly mixes are not, and the numeric
    // rules carry the base rates.
    log_prior_[cat] = 0.0;
    const double denominator = totals[cat] + alpha * static_cast<double>(kBuckets);
    for (std::size_t id = 0; id < kBuckets; ++id) {
      log_likelihood_[id * kCategoryCount + cat] =
          static_cast<float>(std::log((counts[cat * kBuckets + id] + alpha) / denominator));
    }
  }
}

TextEvidence TextModel::Assess(std::string_view comment) const {
  TextEvidence evidence;
  evidence.posterior.fill(1.0 / static_cast<double>(kCategoryCount));
  const std::string text = Normalise(comment);
  const std::vector<std::string_view> words = SplitWords(text);
  const auto ids = FeaturiseNormalised(text, words);
  if (ids.empty()) return evidence;
  std::array<double, kCategoryCount> logits = log_prior_;
  for (const std::uint32_t id : ids) {
    const float* row = &log_likelihood_[id * kCategoryCount];
    for (std::size_t cat = 0; cat < kCategoryCount; ++cat) logits[cat] += row[cat];
  }
  // Tempering: average evidence per feature, scaled to the size of a short word-level comment.
  const double temperature = static_cast<double>(ids.size()) / 4.0;
  const double peak = *std::max_element(logits.begin(), logits.end());
  double total = 0.0;
  for (std::size_t cat = 0; cat < kCategoryCount; ++cat) {
    evidence.posterior[cat] = std::exp((logits[cat] - peak) / std::max(1.0, temperature));
    total += evidence.posterior[cat];
  }
  for (double& value : evidence.posterior) value /= total;
  std::size_t known = 0;
  for (const std::string_view word : words) {
    known += std::binary_search(known_words_.begin(), known_words_.end(), WordHash(word)) ? 1 : 0;
  }
  evidence.familiarity = words.empty() ? 0.0 : static_cast<double>(known) / static_cast<double>(words.size());
  return evidence;
}

}  // namespace recon::categorise
