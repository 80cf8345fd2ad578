#pragma once
// Ranking metrics for anomaly scores (higher = more anomalous), with ties handled as scikit-learn does.
#include <vector>

namespace recon::models {

/// Area under the ROC curve (Mann-Whitney U with average ranks for ties). Labels are 0/1; needs both classes.
double RocAuc(const std::vector<double>& scores, const std::vector<int>& labels);

/// Average precision: sum over distinct score thresholds (descending) of (R_n - R_{n-1}) * P_n, as
/// sklearn.metrics.average_precision_score.
double AveragePrecision(const std::vector<double>& scores, const std::vector<int>& labels);

/// Quantile q in [0, 1] of already sorted values, interpolated linearly between order statistics (numpy's default).
double QuantileOfSorted(const std::vector<double>& sorted, double q);

/// Same, of unsorted values (sorts a copy).
double Quantile(std::vector<double> values, double q);

}  // namespace recon::models
