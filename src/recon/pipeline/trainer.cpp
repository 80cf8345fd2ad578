#include "recon/pipeline/trainer.hpp"

#include <cstdio>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/core/random.hpp"
#include "recon/core/sha256.hpp"
#include "recon/features/distinct_rows.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"
#include "recon/models/metrics.hpp"
#include "recon/pipeline/featured_batch.hpp"

namespace recon::pipeline {

std::string FingerprintFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  std::string head(1 << 20, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return Sha256Hex(std::to_string(error ? 0 : size) + ":" + head);
}

std::string FingerprintBundle(const models::ModelBundle& bundle) { return Sha256Hex(bundle.Serialise()); }

std::string DescribeClusters(const TrainingReport& report) {
  if (!report.cluster_choice) return "k = " + std::to_string(report.clusters) + " (clustering.k)";
  std::string text = "k = " + std::to_string(report.cluster_choice->k) + " chosen by mean silhouette (";
  char figure[64];
  for (std::size_t idx = 0; idx < report.cluster_choice->tried.size(); ++idx) {
    const auto& [k, silhouette] = report.cluster_choice->tried[idx];
    std::snprintf(figure, sizeof figure, "%sk=%d %.3f", idx == 0 ? "" : ", ", k, silhouette);
    text += figure;
  }
  return text + ")";
}

models::ModelBundle FitBundle(const Config& config, std::unique_ptr<features::FeatureBuilder> builder,
                              const features::FeatureMatrix& sample, const std::string& source, std::uint64_t rows_seen,
                              TrainingReport& report) {
  const auto minimum_rows = static_cast<std::uint64_t>(std::max(2, config.clustering.kmeans.k));
  if (sample.Rows() < minimum_rows) {
    ThrowInvalidInput("'" + source + "' has " + std::to_string(sample.Rows()) +
                      " valid rows; training needs at least " + std::to_string(minimum_rows));
  }
  const unsigned threads = ResolveThreadCount(config.threads);
  auto detector = MakeDetector(config.detector);
  detector->Fit(sample);
  const std::vector<double> sample_scores = detector->TrainingScores(sample, threads);

  // The KMeans sample is a systematic subsample spread over the whole training sample.
  const std::size_t cluster_rows =
      std::min<std::size_t>(sample.Rows(), static_cast<std::size_t>(config.clustering.train_max_rows));
  features::FeatureMatrix cluster_sample(0, sample.Names());
  for (std::size_t pick = 0; pick < cluster_rows; ++pick)
    cluster_sample.AppendRow(sample.Row(pick * sample.Rows() / cluster_rows));
  std::unique_ptr<models::KMeans> clusterer;
  report.cluster_choice.reset();
  if (config.clustering.auto_k_max > 0) {
    // The silhouettes are judged on a systematic subsample of the clustering sample (they cost O(rows^2)).
    const std::size_t judge_rows = std::min<std::size_t>(cluster_sample.Rows(),
                                                         static_cast<std::size_t>(config.clustering.silhouette_rows));
    features::FeatureMatrix judge(0, sample.Names());
    for (std::size_t pick = 0; pick < judge_rows; ++pick) {
      judge.AppendRow(cluster_sample.Row(pick * cluster_sample.Rows() / judge_rows));
    }
    auto [choice, model] = models::ChooseClusterCount(cluster_sample, judge, config.clustering.kmeans,
                                                      config.clustering.auto_k_max, threads);
    report.cluster_choice = std::move(choice);
    clusterer = std::make_unique<models::KMeans>(std::move(model));
  } else {
    clusterer = std::make_unique<models::KMeans>(config.clustering.kmeans);
    clusterer->Fit(cluster_sample, threads);
  }
  report.clusters = clusterer->ClusterCount();

  models::ModelBundle bundle;
  bundle.features = std::move(builder);
  bundle.detector = std::move(detector);
  bundle.clusterer = std::move(clusterer);
  bundle.threshold =
      config.detector.score_threshold.value_or(models::Quantile(sample_scores, 1.0 - config.detector.contamination));
  bundle.metadata.source = source;
  bundle.metadata.data_fingerprint = FingerprintFile(source);
  bundle.metadata.created_at = UtcNowIso8601();
  bundle.metadata.recon_version = RECON_VERSION;
  bundle.metadata.rows_seen = rows_seen;
  bundle.metadata.sample_rows = sample.Rows();
  bundle.metadata.seed = TrainingSeed(config.detector);
  bundle.metadata.contamination = config.detector.score_threshold ? 0.0 : config.detector.contamination;
  return bundle;
}

models::ModelBundle TrainBundle(const Config& config, const std::string& input, const Logger& logger,
                                ProgressListener* progress, io::RejectsWriter* rejects, TrainingReport& report) {
  const auto started = std::chrono::steady_clock::now();
  io::CsvReader reader(input, config.ingest);
  const io::RecordDecoder decoder(reader.Header(), config.columns, input);
  auto builder = std::make_unique<features::FeatureBuilder>(config.features);

  std::vector<std::string> model_names;
  for (const std::size_t col_idx : builder->ModelColumns()) model_names.push_back(builder->Names()[col_idx]);
  const auto capacity = static_cast<std::size_t>(config.detector.train_max_rows);
  features::FeatureMatrix sample(0, model_names);
  Random reservoir_random(DeriveSeed(TrainingSeed(config.detector), 0x5245534552ULL));

  FeaturedBatchSource source(reader, decoder, *builder, kLearnFromAllRows);
  std::uint64_t rows_seen = 0;
  while (auto batch = source.Next()) {
    report.rows_rejected += batch->ingest->errors.size();
    if (rejects != nullptr) rejects->Write(batch->ingest->errors);
    const features::FeatureMatrix selected = batch->all_features.Select(builder->ModelColumns());
    source.Recycle(std::move(batch));
    for (std::size_t row_idx = 0; row_idx < selected.Rows(); ++row_idx, ++rows_seen) {
      if (sample.Rows() < capacity) {
        sample.AppendRow(selected.Row(row_idx));
      } else {
        const std::uint64_t slot = reservoir_random.Below(rows_seen + 1);
        if (slot < capacity) std::copy_n(selected.Row(row_idx), selected.Cols(), sample.Row(slot));
      }
    }
    if (progress != nullptr) progress->Update("train", reader.BytesRead(), reader.FileBytes(), rows_seen);
  }
  if (progress != nullptr) progress->Done("train");
  report.rows_read = rows_seen + report.rows_rejected;
  builder->SetLearning(false);
  builder->ResetHistory();
  models::ModelBundle bundle = FitBundle(config, std::move(builder), sample, input, rows_seen, report);
  const double threshold = bundle.threshold;
  report.sample_rows = sample.Rows();
  report.threshold = threshold;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  logger.Info("model.trained", {{"source", input},
                                {"rows", rows_seen},
                                {"rejected", report.rows_rejected},
                                {"sample_rows", sample.Rows()},
                                {"threshold", threshold},
                                {"inertia", bundle.clusterer->Inertia()},
                                {"clusters", DescribeClusters(report)},
                                {"seconds", report.seconds}});
  return bundle;
}

}  // namespace recon::pipeline
