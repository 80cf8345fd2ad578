#include "recon/pipeline/detect_job.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "recon/categorise/local_categoriser.hpp"
#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/features/distinct_rows.hpp"
#include "recon/io/batch_source.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/io/csv_writer.hpp"
#include "recon/io/record_decoder.hpp"
#include "recon/io/rejects_writer.hpp"
#include "recon/pipeline/anomaly_rows.hpp"
#include "recon/resolve/resolver.hpp"
#include "recon/store/store.hpp"

namespace recon::pipeline {
namespace {

constexpr std::size_t kExplainTopFeatures = 3;
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

// Loads the bundle, or trains and saves one on the input when the file is missing.
models::ModelBundle LoadOrTrain(const Config& config, const std::string& input, const Logger& logger,
                                ProgressListener* progress, DetectReport& report) {
  std::error_code error;
  if (std::filesystem::exists(config.paths.model, error)) {
    ScopedStage stage(report.times, "load model");
    auto bundle = models::ModelBundle::Load(config.paths.model);
    logger.Info("model.loaded", {{"path", config.paths.model}, {"trained_on", bundle.metadata.source}});
    return bundle;
  }
  logger.Info("model.missing", {{"path", config.paths.model}, {"action", "training on the input"}});
  // Columns are checked before any training work, so a wrong file fails fast.
  {
    io::CsvReader probe(input, config.ingest);
    io::RecordDecoder(probe.Header(), config.columns, input);
  }
  ScopedStage stage(report.times, "train");
  auto bundle = TrainBundle(config, input, logger, progress, /*rejects=*/nullptr, report.training);
  bundle.Save(config.paths.model);
  report.trained_model = true;
  return bundle;
}

}  // namespace

DetectReport RunDetect(const Config& config, const DetectOptions& options, const Logger& logger, ProgressListener* progress) {
  const auto started = std::chrono::steady_clock::now();
  config.Validate();
  DetectReport report;
  report.input = options.input;
  report.output_path = options.output.empty() ? config.paths.output : options.output;
  report.rejects_path = options.rejects.empty() ? DefaultRejectsPath(report.output_path) : options.rejects;
  report.model_path = config.paths.model;
  if (!options.algorithm.empty() && options.algorithm != config.detector.algorithm && options.algorithm != "iforest") {
    ThrowInvalidInput("--algo '" + options.algorithm + "' is not available; this build offers: iforest");
  }

  io::CsvReader reader(options.input, config.ingest);
  const io::RecordDecoder decoder(reader.Header(), config.columns, options.input);
  auto store = store::OpenSqliteStore(config.paths.store);
  models::ModelBundle bundle = LoadOrTrain(config, options.input, logger, progress, report);
  if (!options.algorithm.empty() && bundle.detector->Name() != options.algorithm) {
    ThrowInvalidInput("the model at '" + config.paths.model + "' uses '" + bundle.detector->Name() + "', not '" +
                      options.algorithm + "'; retrain with 'recon train --algo " + options.algorithm + "'");
  }
  features::FeatureBuilder& builder = *bundle.features;
  builder.SetLearning(false);
  builder.ResetHistory();
  std::vector<std::string> model_names;
  for (const std::size_t col_idx : builder.ModelColumns()) model_names.push_back(builder.Names()[col_idx]);

  const categorise::LocalCategoriser categoriser(config.categoriser);
  resolve::Resolver resolver(config.resolution, *store);
  const unsigned threads = ResolveThreadCount(config.threads);
  const std::int64_t run_id = store->BeginRun({options.input, FingerprintFile(options.input), FingerprintBundle(bundle), "detect"});
  logger.Info("run.started", {{"run_id", run_id}, {"input", options.input}, {"threads", threads}});

  EnsureParentFolder(report.output_path);
  io::CsvWriter output(report.output_path, /*formula_safe=*/true);
  for (const std::string& name : reader.Header()) output.Field(name);
  for (const std::string& name : kResultColumns) output.Field(name);
  output.EndRow();
  io::RejectsWriter rejects(report.rejects_path);
  NaturalKeys natural_keys;

  io::BatchSource source(reader, decoder, /*prefetch=*/true);
  std::uint64_t rows_valid = 0;
  while (true) {
    std::unique_ptr<io::IngestBatch> batch;
    {
      ScopedStage stage(report.times, "ingest");
      batch = source.Next();
      if (!batch) break;
      rejects.Write(batch->errors);
    }
    const io::RawBatch& raw = batch->raw;
    const io::RecordBatch& records = batch->records;
    features::FeatureMatrix all_features;
    features::FeatureMatrix model_input;
    {
      ScopedStage stage(report.times, "features");
      all_features = builder.Transform(records);
      model_input = all_features.Select(builder.ModelColumns());
    }
    std::vector<double> scores;
    std::vector<std::size_t> flagged_rows;
    features::DistinctRows distinct;
    {
      ScopedStage stage(report.times, "detect");
      distinct = features::FindDistinctRows(model_input);
      scores = features::ScatterToRows(bundle.detector->Score(distinct.rows, threads), distinct);
      for (std::size_t row_idx = 0; row_idx < scores.size(); ++row_idx) {
        if (scores[row_idx] > bundle.threshold) flagged_rows.push_back(row_idx);
      }
    }
    std::vector<std::int32_t> clusters;
    {
      ScopedStage stage(report.times, "cluster");
      clusters = features::ScatterToRows(bundle.clusterer->Assign(distinct.rows, threads), distinct);
    }
    std::vector<categorise::AnomalyEvidence> evidence(flagged_rows.size());
    std::vector<std::string> explanations(flagged_rows.size());
    std::vector<categorise::Categorisation> verdicts;
    {
      ScopedStage stage(report.times, "categorise");
      ParallelFor(flagged_rows.size(), 64, threads, [&](std::size_t begin, std::size_t end) {
        for (std::size_t idx = begin; idx < end; ++idx) {
          const std::size_t row_idx = flagged_rows[idx];
          explanations[idx] = FormatExplanation(bundle.detector->Explain(model_input.Row(row_idx)), model_names,
                                                model_input.Row(row_idx), kExplainTopFeatures);
          evidence[idx] = BuildEvidence(records, row_idx, all_features.Row(row_idx));
          evidence[idx].explanation = explanations[idx];
          evidence[idx].cluster = clusters[row_idx];
          evidence[idx].score = scores[row_idx];
        }
      });
      verdicts = categoriser.Categorise(evidence);
    }
    std::vector<std::string> keys(flagged_rows.size());
    std::vector<resolve::Resolution> resolutions;
    {
      ScopedStage stage(report.times, "resolve");
      std::vector<resolve::ResolutionInput> inputs(flagged_rows.size());
      for (std::size_t idx = 0; idx < flagged_rows.size(); ++idx) {
        keys[idx] = natural_keys.KeyOf(raw, records.RawRowIndex(flagged_rows[idx]));
        inputs[idx] = {keys[idx], evidence[idx].quantity_diff, verdicts[idx].category, verdicts[idx].confidence};
      }
      resolutions = resolver.Resolve(inputs);
    }
    {
      ScopedStage stage(report.times, "output");
      std::vector<store::AnomalyRecord> stored(flagged_rows.size());
      for (std::size_t idx = 0; idx < flagged_rows.size(); ++idx) {
        const std::size_t row_idx = flagged_rows[idx];
        const auto& verdict = verdicts[idx];
        store::AnomalyRecord& record = stored[idx];
        record.natural_key = keys[idx];
        record.run_id = run_id;
        record.source = options.input;
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
        record.explanation = explanations[idx];
        record.row_json = RowJson(raw, records.RawRowIndex(row_idx), reader.Header());
        ++report.by_category[record.category];
        ++report.by_status[record.status];
        ++report.by_severity[record.severity];
      }
      report.stored_new += store->InsertAnomalies(stored);

      std::size_t next_flagged = 0;
      for (std::size_t row_idx = 0; row_idx < records.RowCount(); ++row_idx) {
        const bool is_flagged = next_flagged < flagged_rows.size() && flagged_rows[next_flagged] == row_idx;
        if (!is_flagged && !options.all_rows) continue;
        const std::uint32_t raw_row = records.RawRowIndex(row_idx);
        for (std::size_t col_idx = 0; col_idx < reader.Header().size(); ++col_idx) output.Field(raw.Field(raw_row, col_idx));
        output.Field(FormatScore(scores[row_idx]));
        output.Field(is_flagged ? "1" : "0");
        output.Field(std::to_string(clusters[row_idx]));
        if (is_flagged) {
          const store::AnomalyRecord& record = stored[next_flagged];
          output.Field(record.category);
          output.Field(record.severity);
          output.Field(record.summary);
          output.Field(record.status);
          output.Field(record.ticket_id);
          output.Field(record.explanation);
          ++next_flagged;
        } else {
          for (int empty = 0; empty < 6; ++empty) output.Field("");
        }
        output.EndRow();
      }
    }
    rows_valid += records.RowCount();
    report.flagged += flagged_rows.size();
    if (progress != nullptr) progress->Update("detect", reader.BytesRead(), reader.FileBytes(), rows_valid);
    source.Recycle(std::move(batch));
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
