#include "recon/pipeline/detect_job.hpp"

#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>

#include "recon/core/error.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/report/outbox_sender.hpp"
#include "recon/io/csv_writer.hpp"
#include "recon/io/record_decoder.hpp"
#include "recon/io/rejects_writer.hpp"
#include "recon/pipeline/async_store_writer.hpp"
#include "recon/pipeline/batch_detector.hpp"
#include "recon/pipeline/featured_batch.hpp"
#include "recon/store/store.hpp"

namespace recon::pipeline {
namespace {

std::string DefaultRejectsPath(const std::string& output) {
  std::filesystem::path path(output);
  const std::string stem = path.stem().string();
  return (path.parent_path() / (stem + ".rejects.csv")).string();
}

void EnsureParentFolder(const std::string& file) {
  const std::filesystem::path path(file);
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
}

// When no model exists, `detect` fits one on the leading detector.train_max_rows rows of the input and keeps those
// batches (bounded by the same limit), so detection stays a single pass over the file. The builder learned its
// vocabularies while featurising them and carries its history on, so every row gets exactly the features, and
// hence the score, that a later run with the saved model gives it.
models::ModelBundle TrainFromLeadingRows(const Config& config, const std::string& input,
                                         std::unique_ptr<features::FeatureBuilder> builder, FeaturedBatchSource& source,
                                         io::RejectsWriter& rejects, const Logger& logger,
                                         std::deque<std::unique_ptr<FeaturedBatch>>& leading, DetectReport& report) {
  const auto started = std::chrono::steady_clock::now();
  const auto& model_columns = builder->ModelColumns();
  std::vector<std::string> model_names;
  for (const std::size_t col_idx : model_columns) model_names.push_back(builder->Names()[col_idx]);
  features::FeatureMatrix sample(0, model_names);
  const auto capacity = static_cast<std::size_t>(config.detector.train_max_rows);
  std::vector<float> row(model_columns.size());
  while (sample.Rows() < capacity) {
    auto batch = source.Next();
    if (!batch) break;
    rejects.Write(batch->ingest->errors);
    const features::FeatureMatrix& all = batch->all_features;
    for (std::size_t row_idx = 0; row_idx < all.Rows() && sample.Rows() < capacity; ++row_idx) {
      for (std::size_t out_idx = 0; out_idx < model_columns.size(); ++out_idx)
        row[out_idx] = all.At(row_idx, model_columns[out_idx]);
      sample.AppendRow(row.data());
    }
    leading.push_back(std::move(batch));
  }
  models::ModelBundle bundle = FitBundle(config, std::move(builder), sample, input, sample.Rows(), report.training);
  bundle.Save(config.paths.model);
  report.trained_model = true;
  report.training.sample_rows = sample.Rows();
  report.training.threshold = bundle.threshold;
  report.training.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  logger.Info("model.trained", {{"source", input},
                                {"path", config.paths.model},
                                {"sample_rows", sample.Rows()},
                                {"threshold", bundle.threshold},
                                {"inertia", bundle.clusterer->Inertia()},
                                {"clusters", DescribeClusters(report.training)},
                                {"seconds", report.training.seconds}});
  return bundle;
}

}  // namespace

namespace {

// The run's report goes to the outbox, then out at once when SMTP is configured. Never fails the run: the
// anomalies are already written and stored; the outcome is reported in the summary instead.
std::string QueueRunReport(const Config& config, const DetectReport& run, std::int64_t run_id, store::Store& store,
                           const Logger& logger) {
  report::ReportContent content;
  content.kind = "batch";
  content.source = std::filesystem::path(run.input).filename().string();
  content.rows = run.rows_read;
  content.flagged = run.flagged;
  content.by_category = run.by_category;
  content.by_status = run.by_status;
  content.by_severity = run.by_severity;
  content.top = run.top_anomalies;
  content.attachment_path = std::filesystem::absolute(run.output_path).string();
  content.identity = config.store.url + "#run-" + std::to_string(run_id);
  const std::int64_t outbox_id = store.EnqueueMail(report::BuildReportMail(content, config.email));
  if (!config.email.Configured()) return "report #" + std::to_string(outbox_id) + " kept in the outbox (email.smtp_host not set)";
  const auto drained = report::DrainOutbox(store, config.email, logger);
  if (drained.sent > 0 && drained.retrying == 0 && drained.gave_up == 0) return "report #" + std::to_string(outbox_id) + " sent";
  return "report #" + std::to_string(outbox_id) + " queued; last send failed (" + drained.last_error +
         "); 'recon outbox send' retries";
}

}  // namespace

DetectReport RunDetect(const Config& base_config, const DetectOptions& options, const Logger& logger,
                       ProgressListener* progress) {
  const auto started = std::chrono::steady_clock::now();
  Config config = base_config;
  if (!options.algorithm.empty()) config.detector.algorithm = options.algorithm;  // used when a model is trained
  config.Validate();
  DetectReport report;
  report.input = options.input;
  report.output_path = options.output.empty() ? config.paths.output : options.output;
  report.rejects_path = options.rejects.empty() ? DefaultRejectsPath(report.output_path) : options.rejects;
  report.model_path = config.paths.model;

  io::CsvReader reader(options.input, config.ingest);
  const io::RecordDecoder decoder(reader.Header(), config.columns, options.input);
  auto store = store::OpenStore(config.store.url);
  std::optional<models::ModelBundle> loaded;
  std::error_code exists_error;
  if (std::filesystem::exists(config.paths.model, exists_error)) {
    ScopedStage stage(report.times, "load model");
    loaded = models::ModelBundle::Load(config.paths.model);
    logger.Info("model.loaded", {{"path", config.paths.model}, {"trained_on", loaded->metadata.source}});
    if (!options.algorithm.empty() && loaded->detector->Name() != options.algorithm) {
      ThrowInvalidInput("the model at '" + config.paths.model + "' uses '" + loaded->detector->Name() + "', not '" +
                        options.algorithm + "'; retrain with 'recon train --algo " + options.algorithm + "'");
    }
  }

  EnsureParentFolder(report.output_path);
  io::RejectsWriter rejects(report.rejects_path);
  // With a saved model the builder only transforms; without one it learns vocabularies from the leading rows
  // the model will be fitted on (TrainFromLeadingRows), and the bundle takes it over afterwards.
  models::ModelBundle bundle;
  std::unique_ptr<features::FeatureBuilder> new_builder;
  features::FeatureBuilder* builder = nullptr;
  if (loaded) {
    bundle = std::move(*loaded);
    builder = bundle.features.get();
    builder->ResetHistory();
  } else {
    new_builder = std::make_unique<features::FeatureBuilder>(config.features);
    builder = new_builder.get();
  }
  const std::uint64_t learn_rows = loaded ? 0 : static_cast<std::uint64_t>(config.detector.train_max_rows);
  FeaturedBatchSource source(reader, decoder, *builder, learn_rows);
  std::deque<std::unique_ptr<FeaturedBatch>> leading;
  if (!loaded) {
    logger.Info("model.missing",
                {{"path", config.paths.model}, {"action", "training on the leading rows of the input"}});
    ScopedStage stage(report.times, "train");
    bundle =
        TrainFromLeadingRows(config, options.input, std::move(new_builder), source, rejects, logger, leading, report);
  }

  // The CSV goes to a temporary file beside its path until Close: a run that fails or is killed leaves the
  // previous output in place. Opened before the run starts, so that an unwritable output leaves no run open.
  io::CsvWriter output(report.output_path, /*formula_safe=*/true);
  for (const std::string& name : reader.Header()) output.Field(name);
  for (const std::string& name : BatchDetector::ResultColumns()) output.Field(name);
  output.EndRow();
  const std::int64_t run_id = store::StartRun(
      *store, {options.input, FingerprintFile(options.input), FingerprintBundle(bundle), "detect"}, logger);
  logger.Info("run.started", {{"run_id", run_id}, {"input", options.input}});

  // A second connection: the writer thread's insert transactions must not interleave with ticket issuing here.
  AsyncStoreWriter store_writer(store::OpenStore(config.store.url));
  RunCategoriser categoriser = MakeRunCategoriser(config, options.use_llm, *store, logger);
  BatchDetector detector(config, options, bundle, *store, *categoriser.categoriser, store_writer, run_id,
                         reader.Header(), output, report);
  std::uint64_t rows_valid = 0;
  try {
    while (true) {
      std::unique_ptr<FeaturedBatch> batch;
      if (!leading.empty()) {
        batch = std::move(leading.front());
        leading.pop_front();
      } else {
        ScopedStage stage(report.times, "ingest + features (wait)");
        batch = source.Next();
        if (!batch) break;
        rejects.Write(batch->ingest->errors);
      }
      detector.Process(*batch);
      rows_valid += batch->ingest->records.RowCount();
      if (progress != nullptr) progress->Update("detect", reader.BytesRead(), reader.FileBytes(), rows_valid);
      source.Recycle(std::move(batch));
    }
    detector.Flush();
    {
      ScopedStage stage(report.times, "store (wait)");
      report.stored_new = store_writer.Finish();
    }
    if (progress != nullptr) progress->Done("detect");
    output.Close();
    rejects.Close();
  } catch (const std::exception& failure) {
    // Keep what was accepted: anomalies already resolved (and ticketed) still go to the store, and the run is
    // recorded as failed with the reason and what it committed. The original error is what the caller sees; the
    // output and rejects files are discarded when their writers go out of scope.
    if (progress != nullptr) progress->Done("detect");
    try {
      detector.Flush();
      store_writer.Finish();
    } catch (const std::exception& secondary) {  // the store writer itself failed: some batches never got in
      logger.Error("run.cleanup_failed", {{"run_id", run_id}, {"error", secondary.what()}});
    }
    try {
      // The store's own count: the writer's is lost when it failed, and only committed rows count anyway.
      report.stored_new = store->CountRunAnomalies(run_id);
      store->FinishRun(run_id, {rows_valid + rejects.Count(), rejects.Count(), report.flagged, report.stored_new,
                                std::string("failed: ") + failure.what()});
    } catch (const std::exception& secondary) {
      logger.Error("run.cleanup_failed", {{"run_id", run_id}, {"error", secondary.what()}});
    }
    logger.Error("run.failed", {{"run_id", run_id}, {"error", failure.what()}, {"stored_new", report.stored_new}});
    throw;
  }
  report.rows_rejected = rejects.Count();
  report.rows_read = rows_valid + report.rows_rejected;
  if (categoriser.llm_stats != nullptr) {
    report.llm = SnapshotLlm(*categoriser.llm_stats, config.llm.model);
    logger.Info("llm.usage", {{"run_id", run_id},
                              {"asked", report.llm.asked},
                              {"cache_hits", report.llm.cache_hits},
                              {"cache_misses", report.llm.cache_misses},
                              {"calls", report.llm.calls},
                              {"retries", report.llm.retries},
                              {"fallbacks", report.llm.fallbacks},
                              {"prompt_tokens", report.llm.prompt_tokens},
                              {"completion_tokens", report.llm.completion_tokens}});
  }
  report.rejects_by_kind = rejects.CountByKind();
  store->FinishRun(run_id, {report.rows_read, report.rows_rejected, report.flagged, report.stored_new, "ok"});
  try {
    report.email_status = QueueRunReport(config, report, run_id, *store, logger);
  } catch (const Error& failure) {
    report.email_status = std::string("could not queue the report: ") + failure.what();
    logger.Error("mail.queue_failed", {{"run_id", run_id}, {"error", failure.what()}});
  }
  report.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  logger.Info("run.finished", {{"run_id", run_id},
                               {"rows_read", report.rows_read},
                               {"rows_rejected", report.rows_rejected},
                               {"flagged", report.flagged},
                               {"stored_new", report.stored_new},
                               {"seconds", report.total_seconds}});
  return report;
}

}  // namespace recon::pipeline
