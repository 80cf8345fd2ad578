#include "recon/models/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "recon/core/error.hpp"

namespace recon::models {
namespace {

std::vector<std::size_t> OrderByScore(const std::vector<double>& scores, bool descending) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return descending ? scores[a] > scores[b] : scores[a] < scores[b];
  });
  return order;
}

void CheckInputs(const std::vector<double>& scores, const std::vector<int>& labels) {
  if (scores.size() != labels.size()) ThrowInvalidInput("scores and labels differ in length");
  const auto positives = std::count(labels.begin(), labels.end(), 1);
  if (positives == 0 || positives == static_cast<std::ptrdiff_t>(labels.size())) {
    ThrowInvalidInput("ranking metrics need both labels 0 and 1");
  }
}

}  // namespace

double QuantileOfSorted(const std::vector<double>& sorted, double q) {
  RECON_ASSERT(!sorted.empty());
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - static_cast<double>(lower));
}

double Quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return QuantileOfSorted(values, q);
}

double RocAuc(const std::vector<double>& scores, const std::vector<int>& labels) {
  CheckInputs(scores, labels);
  const auto order = OrderByScore(scores, /*descending=*/false);
  double positive_rank_sum = 0.0;
  double positives = 0.0;
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) ++end;
    const double average_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (std::size_t idx = start; idx < end; ++idx) {
      if (labels[order[idx]] == 1) {
        positive_rank_sum += average_rank;
        positives += 1.0;
      }
    }
    start = end;
  }
  const double negatives = static_cast<double>(scores.size()) - positives;
  return (positive_rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives);
}

double AveragePrecision(const std::vector<double>& scores, const std::vector<int>& labels) {
  CheckInputs(scores, labels);
  const auto order = OrderByScore(scores, /*descending=*/true);
  const double total_positives = static_cast<double>(std::count(labels.begin(), labels.end(), 1));
  double true_positives = 0.0;
  double seen = 0.0;
  double previous_recall = 0.0;
  double average = 0.0;
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) {
      true_positives += labels[order[end]] == 1 ? 1.0 : 0.0;
      seen += 1.0;
      ++end;
    }
    const double recall = true_positives / total_positives;
    average += (recall - previous_recall) * (true_positives / seen);
    previous_recall = recall;
    start = end;
  }
  return average;
}

}  // namespace recon::models
