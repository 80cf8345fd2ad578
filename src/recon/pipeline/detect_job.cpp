#include "recon/pipeline/detect_job.hpp"

#include <chrono>
#include <deque>
#include <optional>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "recon/categorise/local_categoriser.hpp"
#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/features/distinct_rows.hpp"
#include "recon/pipeline/featured_batch.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/io/csv_writer.hpp"
#include "recon/io/record_decoder.hpp"
#include "recon/io/rejects_writer.hpp"
#include "recon/pipeline/anomaly_rows.hpp"
#include "recon/pipeline/async_store_writer.hpp"
#include "recon/resolve/resolver.hpp"
#include "recon/store/store.hpp"

namespace recon::pipeline {
namespace {

constexpr std::size_t kExplainTopFeatures = 3;
// Anomalies are written to the store in transactions of about this many: each transaction rewrites the index
// pages it touches, so per-batch transactions cost several times more disk writes (bounded memory: ~25 MB).
constexpr std::size_t kStoreFlushAnomalies = 16384;
const std::vector<std::string> kResultColumns = {"anomaly_score", "flagged", "cluster",  "category",   "severity",
                                                 "summary",       "status",  "ticket_id", "explanation"};

std::string DefaultRejectsPath(const std::string& output) {
  std::filesystem::path path(output);
  const std::string stem = path.stem().string();
  return (path.parent_path() / (stem + ".rejects.csv")).string();
}

std::string FormatScore(double score) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6f", score);
  return buffer;
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
      for (std::size_t out_idx = 0; out_idx < model_columns.size(); ++out_idx) row[out_idx] = all.At(row_idx, model_columns[out_idx]);
      sample.AppendRow(row.data());
    }
    leading.push_back(std::move(batch));
  }
  models::ModelBundle bundle = FitBundle(config, std::move(builder), sample, input, sample.Rows());
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
                                {"seconds", report.training.seconds}});
  return bundle;
}

// Everything that happens to one batch after its features exist: score, flag, cluster, categorise, resolve, write.
class BatchDetector {
 public:
  BatchDetector(const Config& config, const DetectOptions& options, models::ModelBundle& bundle, store::Store& store,
                AsyncStoreWriter& store_writer, std::int64_t run_id, const std::vector<std::string>& header,
                io::CsvWriter& output, DetectReport& report)
      : options_(options),
        bundle_(bundle),
        store_writer_(store_writer),
        run_id_(run_id),
        header_(header),
        output_(output),
        report_(report),
        categoriser_(config.categoriser),
        resolver_(config.resolution, store),
        threads_(ResolveThreadCount(config.threads)) {
    const auto& builder = *bundle.features;
    for (const std::size_t col_idx : builder.ModelColumns()) model_names_.push_back(builder.Names()[col_idx]);
  }

  void Process(FeaturedBatch& batch) {
    const io::RawBatch& raw = batch.ingest->raw;
    const io::RecordBatch& records = batch.ingest->records;
    const features::FeatureMatrix& all_features = batch.all_features;
    features::FeatureMatrix& model_input = batch.model_input;
    {
      ScopedStage stage(report_.times, "select");
      all_features.SelectInto(bundle_.features->ModelColumns(), model_input);
    }
    std::vector<double> scores;
    std::vector<std::size_t> flagged_rows;
    features::DistinctRows distinct;
    {
      ScopedStage stage(report_.times, "detect");
      distinct = features::FindDistinctRows(model_input);
      scores = features::ScatterToRows(bundle_.detector->Score(distinct.rows, threads_), distinct);
      for (std::size_t row_idx = 0; row_idx < scores.size(); ++row_idx) {
        if (scores[row_idx] > bundle_.threshold) flagged_rows.push_back(row_idx);
      }
    }
    std::vector<std::int32_t> clusters;
    {
      ScopedStage stage(report_.times, "cluster");
      clusters = features::ScatterToRows(bundle_.clusterer->Assign(distinct.rows, threads_), distinct);
    }
    std::vector<categorise::AnomalyEvidence> evidence(flagged_rows.size());
    std::vector<categorise::Categorisation> verdicts;
    {
      ScopedStage stage(report_.times, "categorise");
      ParallelFor(flagged_rows.size(), 64, threads_, [&](std::size_t begin, std::size_t end) {
        for (std::size_t idx = begin; idx < end; ++idx) {
          const std::size_t row_idx = flagged_rows[idx];
          evidence[idx] = BuildEvidence(records, row_idx, all_features.Row(row_idx));
          evidence[idx].explanation = FormatExplanation(bundle_.detector->Explain(model_input.Row(row_idx)),
                                                        model_names_, model_input.Row(row_idx), kExplainTopFeatures);
          evidence[idx].cluster = clusters[row_idx];
          evidence[idx].score = scores[row_idx];
        }
      });
      verdicts = categoriser_.Categorise(evidence);
    }
    std::vector<std::string> keys(flagged_rows.size());
    std::vector<resolve::Resolution> resolutions;
    {
      ScopedStage stage(report_.times, "resolve");
      std::vector<resolve::ResolutionInput> inputs(flagged_rows.size());
      for (std::size_t idx = 0; idx < flagged_rows.size(); ++idx) {
        keys[idx] = natural_keys_.KeyOf(raw, records.RawRowIndex(flagged_rows[idx]));
        inputs[idx] = {keys[idx], evidence[idx].quantity_diff, verdicts[idx].category, verdicts[idx].confidence};
      }
      resolutions = resolver_.Resolve(inputs);
    }
    ScopedStage stage(report_.times, "output");
    std::vector<store::AnomalyRecord> stored(flagged_rows.size());
    for (std::size_t idx = 0; idx < flagged_rows.size(); ++idx) {
      const std::size_t row_idx = flagged_rows[idx];
      const auto& verdict = verdicts[idx];
      store::AnomalyRecord& record = stored[idx];
      record.natural_key = keys[idx];
      record.run_id = run_id_;
      record.source = options_.input;
      record.line = records.Line(row_idx);
      record.trade_id = evidence[idx].trade_id;
      record.trade_date = FormatIsoDate(records.Date(Field::kTradeDate, row_idx));
      record.desk = evidence[idx].desk;
      record.score = scores[row_idx];
      record.cluster = clusters[row_idx];
      record.category = categorise::CategoryName(verdict.category);
      record.category_source = categorise::SourceName(verdict.source);
      record.confidence = verdict.confidence;
      record.severity = categorise::SeverityName(verdict.severity);
      record.summary = verdict.summary;
      record.status = resolutions[idx].status;
      record.ticket_id = resolutions[idx].ticket_id;
      record.explanation = evidence[idx].explanation;
      record.row_json = RowJson(raw, records.RawRowIndex(row_idx), header_);
      ++report_.by_category[record.category];
      ++report_.by_status[record.status];
      ++report_.by_severity[record.severity];
    }
    WriteRows(raw, records, scores, clusters, flagged_rows, stored);
    report_.flagged += flagged_rows.size();
    pending_.insert(pending_.end(), std::make_move_iterator(stored.begin()), std::make_move_iterator(stored.end()));
    if (pending_.size() >= kStoreFlushAnomalies) Flush();
  }

  /// Hands buffered anomalies to the store writer (also called at the end of the run).
  void Flush() {
    ScopedStage stage(report_.times, "store (wait)");
    store_writer_.Submit(std::move(pending_));
    pending_.clear();
  }

 private:
  void WriteRows(const io::RawBatch& raw, const io::RecordBatch& records, const std::vector<double>& scores,
                 const std::vector<std::int32_t>& clusters, const std::vector<std::size_t>& flagged_rows,
                 const std::vector<store::AnomalyRecord>& stored) {
    std::size_t next_flagged = 0;
    for (std::size_t row_idx = 0; row_idx < records.RowCount(); ++row_idx) {
      const bool is_flagged = next_flagged < flagged_rows.size() && flagged_rows[next_flagged] == row_idx;
      if (!is_flagged && !options_.all_rows) continue;
      const std::uint32_t raw_row = records.RawRowIndex(row_idx);
      for (std::size_t col_idx = 0; col_idx < header_.size(); ++col_idx) output_.Field(raw.Field(raw_row, col_idx));
      output_.Field(FormatScore(scores[row_idx]));
      output_.Field(is_flagged ? "1" : "0");
      output_.Field(std::to_string(clusters[row_idx]));
      if (is_flagged) {
        const store::AnomalyRecord& record = stored[next_flagged++];
        for (const std::string* value : {&record.category, &record.severity, &record.summary, &record.status,
                                         &record.ticket_id, &record.explanation}) {
          output_.Field(*value);
        }
      } else {
        for (int empty = 0; empty < 6; ++empty) output_.Field("");
      }
      output_.EndRow();
    }
  }

  const DetectOptions& options_;
  models::ModelBundle& bundle_;
  AsyncStoreWriter& store_writer_;
  std::int64_t run_id_;
  const std::vector<std::string>& header_;
  io::CsvWriter& output_;
  DetectReport& report_;
  const categorise::LocalCategoriser categoriser_;
  resolve::Resolver resolver_;
  unsigned threads_;
  std::vector<std::string> model_names_;
  NaturalKeys natural_keys_;
  std::vector<store::AnomalyRecord> pending_;
};

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
  if (!options.algorithm.empty() && options.algorithm != "iforest" && options.algorithm != "lof") {
    ThrowInvalidInput("--algo '" + options.algorithm + "' is not available; this build offers: iforest, lof");
  }

  io::CsvReader reader(options.input, config.ingest);
  const io::RecordDecoder decoder(reader.Header(), config.columns, options.input);
  auto store = store::OpenSqliteStore(config.paths.store);
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
    logger.Info("model.missing", {{"path", config.paths.model}, {"action", "training on the leading rows of the input"}});
    ScopedStage stage(report.times, "train");
    bundle = TrainFromLeadingRows(config, options.input, std::move(new_builder), source, rejects, logger, leading, report);
  }

  const std::int64_t run_id = store->BeginRun({options.input, FingerprintFile(options.input), FingerprintBundle(bundle), "detect"});
  logger.Info("run.started", {{"run_id", run_id}, {"input", options.input}});
  io::CsvWriter output(report.output_path, /*formula_safe=*/true);
  for (const std::string& name : reader.Header()) output.Field(name);
  for (const std::string& name : kResultColumns) output.Field(name);
  output.EndRow();

  // A second connection: the writer thread's insert transactions must not interleave with ticket issuing here.
  AsyncStoreWriter store_writer(store::OpenSqliteStore(config.paths.store));
  BatchDetector detector(config, options, bundle, *store, store_writer, run_id, reader.Header(), output, report);
  std::uint64_t rows_valid = 0;
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
  report.rows_rejected = rejects.Count();
  report.rows_read = rows_valid + report.rows_rejected;
  report.rejects_by_kind = rejects.CountByKind();
  store->FinishRun(run_id, {report.rows_read, report.rows_rejected, report.flagged, report.stored_new, "ok"});
  report.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  logger.Info("run.finished", {{"run_id", run_id},
                               {"rows_read", report.rows_read},
                               {"rows_rejected", report.rows_rejected},
                               {"flagged", report.flagged},
                               {"stored_new", report.stored_new},
                               {"seconds", report.total_seconds}});
  return report;
}

std::string RenderSummary(const DetectReport& report) {
  std::ostringstream out;
  char line[256];
  auto counts = [&out](const char* label, const std::map<std::string, std::uint64_t>& values) {
    out << "  " << label << "\n";
    if (values.empty()) out << "    (none)\n";
    for (const auto& [name, count] : values) {
      char row[160];
      std::snprintf(row, sizeof row, "    %-38s %10llu\n", name.c_str(), static_cast<unsigned long long>(count));
      out << row;
    }
  };
  out << "recon detect: " << report.input << "\n";
  std::snprintf(line, sizeof line, "  rows read %llu, rejected %llu, anomalies flagged %llu (new in store: %llu)\n",
                static_cast<unsigned long long>(report.rows_read), static_cast<unsigned long long>(report.rows_rejected),
                static_cast<unsigned long long>(report.flagged), static_cast<unsigned long long>(report.stored_new));
  out << line;
  if (report.trained_model) {
    std::snprintf(line, sizeof line, "  model trained on this file (%llu sample rows, threshold %.6f) and saved to %s\n",
                  static_cast<unsigned long long>(report.training.sample_rows), report.training.threshold,
                  report.model_path.c_str());
  } else {
    std::snprintf(line, sizeof line, "  model loaded from %s\n", report.model_path.c_str());
  }
  out << line;
  counts("anomalies by category", report.by_category);
  counts("anomalies by status", report.by_status);
  counts("anomalies by severity", report.by_severity);
  if (report.rows_rejected > 0) {
    counts("rejected rows by reason", report.rejects_by_kind);
    out << "  rejects written to " << report.rejects_path << "\n";
  }
  out << "  anomalies written to " << report.output_path << "\n";
  out << "  time:";
  for (const auto& [stage, seconds] : report.times.Stages()) {
    std::snprintf(line, sizeof line, " %s %.3fs,", stage.c_str(), seconds);
    out << line;
  }
  std::snprintf(line, sizeof line, " total %.3fs\n", report.total_seconds);
  out << line;
  return out.str();
}

}  // namespace recon::pipeline
