#include "recon/pipeline/eval_job.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"
#include "recon/models/metrics.hpp"

namespace recon::pipeline {

LabelledMatrix LoadLabelledMatrix(const std::string& path, const std::string& label_column,
                                  const io::CsvReaderParams& params) {
  io::CsvReader reader(path, params);
  const auto& header = reader.Header();
  std::size_t label_idx = header.size();
  std::vector<std::string> names;
  for (std::size_t col_idx = 0; col_idx < header.size(); ++col_idx) {
    if (header[col_idx] == label_column) {
      label_idx = col_idx;
    } else {
      names.push_back(header[col_idx]);
    }
  }
  if (label_idx == header.size()) ThrowInvalidInput("'" + path + "' has no label column '" + label_column + "'");
  if (names.empty()) ThrowInvalidInput("'" + path + "' has no feature columns besides '" + label_column + "'");
  LabelledMatrix data{features::FeatureMatrix(0, names), {}};
  std::vector<float> row(names.size());
  io::RawBatch raw;
  while (reader.Next(raw)) {
    for (std::size_t row_idx = 0; row_idx < raw.RowCount(); ++row_idx) {
      const io::RawRow& meta = raw.Row(row_idx);
      const std::string where = "'" + path + "' line " + std::to_string(meta.line);
      if (meta.problem != io::RowProblem::kNone || meta.field_count != header.size()) {
        ThrowInvalidInput(where + ": expected " + std::to_string(header.size()) + " well-formed fields");
      }
      std::size_t out_idx = 0;
      for (std::size_t col_idx = 0; col_idx < header.size(); ++col_idx) {
        const auto value = io::ParseNumber(raw.Field(row_idx, col_idx));
        if (!value)
          ThrowInvalidInput(where + ", column " + header[col_idx] + ": '" + std::string(raw.Field(row_idx, col_idx)) +
                            "' is not a number");
        if (col_idx == label_idx) {
          if (*value != 0.0 && *value != 1.0) ThrowInvalidInput(where + ": label must be 0 or 1");
          data.labels.push_back(static_cast<int>(*value));
        } else {
          row[out_idx++] = static_cast<float>(*value);
        }
      }
      data.features.AppendRow(row.data());
    }
  }
  return data;
}

MeanStd Summarise(const std::vector<EvalRun>& runs, double EvalRun::*metric) {
  MeanStd result;
  if (runs.empty()) return result;
  for (const EvalRun& run : runs) result.mean += run.*metric;
  result.mean /= static_cast<double>(runs.size());
  for (const EvalRun& run : runs) result.std += (run.*metric - result.mean) * (run.*metric - result.mean);
  result.std = std::sqrt(result.std / static_cast<double>(runs.size()));
  return result;
}

EvalReport RunEval(const Config& base_config, const EvalOptions& options) {
  Config config = base_config;
  if (!options.algorithm.empty()) config.detector.algorithm = options.algorithm;
  config.Validate();
  if (options.seeds < 1 || options.seeds > 1000) ThrowInvalidInput("--seeds must be between 1 and 1000");
  if (options.repeat < 1 || options.repeat > 1000) ThrowInvalidInput("--repeat must be between 1 and 1000");
  const LabelledMatrix data = LoadLabelledMatrix(options.input, options.label_column, config.ingest);
  EvalReport report;
  report.input = options.input;
  report.algorithm = config.detector.algorithm;
  report.rows = data.features.Rows();
  report.dims = data.features.Cols();
  for (const int label : data.labels) report.outliers += static_cast<std::size_t>(label);
  const unsigned threads = ResolveThreadCount(config.threads);
  const bool seeded = config.detector.algorithm == "iforest" || config.detector.algorithm == "eif";
  const int runs = seeded ? options.seeds : 1;
  if (seeded) {
    report.settings = std::to_string(config.detector.iforest.n_estimators) + " trees, max_samples " +
                      std::to_string(config.detector.iforest.max_samples) + ", seeds 0.." + std::to_string(runs - 1);
  } else {
    report.settings = "n_neighbors " + std::to_string(config.detector.lof.n_neighbors) + ", scaling " +
                      models::ScalingName(config.detector.lof.scaling) + ", metric " +
                      models::MetricName(config.detector.lof.metric);
  }
  for (int run_idx = 0; run_idx < runs; ++run_idx) {
    DetectorParams params = config.detector;
    params.iforest.seed = static_cast<std::uint64_t>(run_idx);
    std::vector<double> scores;
    std::vector<double> seconds;
    for (int repeat_idx = 0; repeat_idx < options.repeat; ++repeat_idx) {
      const auto started = std::chrono::steady_clock::now();
      auto detector = MakeDetector(params);
      detector->Fit(data.features);
      std::vector<double> repeat_scores = detector->TrainingScores(data.features, threads);
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      if (repeat_idx > 0 && repeat_scores != scores) ThrowInternal("eval: a repeated fit scored differently");
      scores = std::move(repeat_scores);
    }
    std::sort(seconds.begin(), seconds.end());
    EvalRun run;
    run.seconds = seconds[seconds.size() / 2];
    run.seed = params.iforest.seed;
    run.roc_auc = models::RocAuc(scores, data.labels);
    run.average_precision = models::AveragePrecision(scores, data.labels);
    report.runs.push_back(run);
  }
  return report;
}

std::string RenderEval(const EvalReport& report) {
  const MeanStd auc = Summarise(report.runs, &EvalRun::roc_auc);
  const MeanStd ap = Summarise(report.runs, &EvalRun::average_precision);
  const MeanStd seconds = Summarise(report.runs, &EvalRun::seconds);
  char line[512];
  std::ostringstream out;
  std::snprintf(line, sizeof line, "recon eval: %s (%zu rows, %zu features, %zu outliers = %.2f%%)\n",
                report.input.c_str(), report.rows, report.dims, report.outliers,
                100.0 * static_cast<double>(report.outliers) / static_cast<double>(report.rows));
  out << line;
  std::snprintf(line, sizeof line, "  %s (%s): ROC-AUC %.4f +- %.4f, AP %.4f +- %.4f, fit+score %.6fs per run\n",
                report.algorithm.c_str(), report.settings.c_str(), auc.mean, auc.std, ap.mean, ap.std, seconds.mean);
  out << line;
  return out.str();
}

}  // namespace recon::pipeline
