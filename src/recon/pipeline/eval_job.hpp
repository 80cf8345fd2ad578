#pragma once
// `recon eval`: the unsupervised benchmark protocol on a labelled numeric CSV (ODDS style: feature columns and a
// 0/1 label column). The detector is fitted on every row and scores every row; labels are used only for ROC-AUC
// and average precision. The isolation forests (iforest, eif) run once per seed (0 .. seeds-1, as the
// scikit-learn baseline does); LOF is deterministic and runs once. With `repeat` > 1 each run is fitted that many
// times and timed by the median, the first fit paying the process's first-use costs (page faults, thread start-up,
// cold caches) as a one-shot timing does; the repeats must score identically.
#include <cstdint>
#include <string>
#include <vector>

#include "recon/features/feature_matrix.hpp"
#include "recon/pipeline/config.hpp"

namespace recon::pipeline {

struct EvalOptions {
  std::string input;
  std::string label_column = "label";
  std::string algorithm;  ///< empty = config detector.algorithm
  int seeds = 5;
  int repeat = 1;  ///< fits per run; the run's time is their median
};

/// Features and 0/1 labels of a labelled CSV.
struct LabelledMatrix {
  features::FeatureMatrix features;
  std::vector<int> labels;
};

/// Reads every column but `label_column` as a number. Throws InvalidInput naming the line and column of a bad
/// value, a missing label column or a label other than 0/1.
LabelledMatrix LoadLabelledMatrix(const std::string& path, const std::string& label_column,
                                  const io::CsvReaderParams& params);

struct EvalRun {
  std::uint64_t seed = 0;
  double roc_auc = 0.0;
  double average_precision = 0.0;
  double seconds = 0.0;  ///< fit + score (the median over the repeats)
};

struct EvalReport {
  std::string input;
  std::string algorithm;
  std::string settings;  ///< human-readable detector settings
  std::size_t rows = 0;
  std::size_t dims = 0;
  std::size_t outliers = 0;
  std::vector<EvalRun> runs;
};

/// Runs the protocol. Throws recon::Error on bad input.
EvalReport RunEval(const Config& config, const EvalOptions& options);

/// Mean and population standard deviation of a metric over the runs.
struct MeanStd {
  double mean = 0.0;
  double std = 0.0;
};
MeanStd Summarise(const std::vector<EvalRun>& runs, double EvalRun::*metric);

/// The lines `recon eval` prints.
std::string RenderEval(const EvalReport& report);

}  // namespace recon::pipeline
