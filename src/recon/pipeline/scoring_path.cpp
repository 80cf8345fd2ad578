#include "recon/pipeline/scoring_path.hpp"

#include "recon/core/date.hpp"
#include "recon/core/parallel.hpp"
#include "recon/features/distinct_rows.hpp"

namespace recon::pipeline {
namespace {

constexpr std::size_t kExplainTopFeatures = 3;
constexpr std::size_t kRowsPerTask = 64;

}  // namespace

ScoringPath::ScoringPath(const models::ModelBundle& bundle, categorise::Categoriser& categoriser,
                         resolve::Resolver& resolver, const categorise::ValuationParams& valuation, unsigned threads,
                         KnownVerdicts known, std::size_t parallel_from_rows)
    : bundle_(bundle),
      categoriser_(categoriser),
      resolver_(resolver),
      valuer_(valuation),
      threads_(threads),
      known_(std::move(known)),
      parallel_from_rows_(parallel_from_rows) {
  const auto& builder = *bundle.features;
  for (const std::size_t col_idx : builder.ModelColumns()) model_names_.push_back(builder.Names()[col_idx]);
}

AssessedBatch ScoringPath::Assess(const io::RecordBatch& records, const features::FeatureMatrix& all_features,
                                  features::FeatureMatrix& model_input, NaturalKeys& keys, StageTimes& times) {
  AssessedBatch out;
  {
    ScopedStage stage(times, "select");
    all_features.SelectInto(bundle_.features->ModelColumns(), model_input);
  }
  // Identical feature rows (repeats are common in breaks files) are scored and clustered once.
  features::DistinctRows distinct;
  const unsigned threads = records.RowCount() >= parallel_from_rows_ ? threads_ : 1;
  {
    ScopedStage stage(times, "detect");
    distinct = features::FindDistinctRows(model_input);
    out.scores = features::ScatterToRows(bundle_.detector->Score(distinct.rows, threads), distinct);
    for (std::size_t row_idx = 0; row_idx < out.scores.size(); ++row_idx) {
      if (out.scores[row_idx] > bundle_.threshold) out.flagged_rows.push_back(row_idx);
    }
  }
  {
    ScopedStage stage(times, "cluster");
    out.clusters = features::ScatterToRows(bundle_.clusterer->Assign(distinct.rows, threads), distinct);
  }
  const std::size_t flagged = out.flagged_rows.size();
  out.evidence.resize(flagged);
  out.contributions.resize(flagged);
  {
    ScopedStage stage(times, "categorise");
    ParallelFor(flagged, kRowsPerTask, threads, [&](std::size_t begin, std::size_t end) {
      std::vector<const float*> rows(end - begin);
      for (std::size_t idx = begin; idx < end; ++idx) rows[idx - begin] = model_input.Row(out.flagged_rows[idx]);
      std::vector<std::vector<models::FeatureContribution>> contributions(end - begin);
      bundle_.detector->ExplainRows(rows, contributions);
      for (std::size_t idx = begin; idx < end; ++idx) {
        const std::size_t row_idx = out.flagged_rows[idx];
        categorise::AnomalyEvidence& evidence = out.evidence[idx];
        evidence = BuildEvidence(records, row_idx, all_features.Row(row_idx));
        valuer_.Value(evidence);
        evidence.explanation =
            FormatExplanation(contributions[idx - begin], model_names_, rows[idx - begin], kExplainTopFeatures);
        evidence.cluster = out.clusters[row_idx];
        evidence.score = out.scores[row_idx];
        out.contributions[idx] = std::move(contributions[idx - begin]);
      }
    });
    out.keys.resize(flagged);
    for (std::size_t idx = 0; idx < flagged; ++idx) out.keys[idx] = keys.KeyOf(records, out.flagged_rows[idx]);
    out.known = known_ ? known_(out.keys) : std::vector<std::optional<store::StoredAnomaly>>(flagged);
    std::vector<std::size_t> fresh;
    std::vector<categorise::AnomalyEvidence> fresh_evidence;
    for (std::size_t idx = 0; idx < flagged; ++idx) {
      if (out.known[idx]) continue;
      fresh.push_back(idx);
      fresh_evidence.push_back(out.evidence[idx]);
    }
    out.verdicts.resize(flagged);
    if (fresh.size() == flagged) {
      out.verdicts = categoriser_.Categorise(out.evidence);
    } else if (!fresh.empty()) {
      std::vector<categorise::Categorisation> verdicts = categoriser_.Categorise(fresh_evidence);
      for (std::size_t idx = 0; idx < fresh.size(); ++idx) out.verdicts[fresh[idx]] = std::move(verdicts[idx]);
    }
  }
  return out;
}

std::vector<store::AnomalyRecord> ScoringPath::Resolve(const AssessedBatch& batch, const io::RecordBatch& records,
                                                       const BatchOrigin& origin, StageTimes& times) {
  const std::size_t flagged = batch.flagged_rows.size();
  std::vector<resolve::Resolution> resolutions(flagged);
  {
    ScopedStage stage(times, "resolve");
    std::vector<resolve::ResolutionInput> inputs;
    std::vector<std::size_t> fresh;
    for (std::size_t idx = 0; idx < flagged; ++idx) {
      if (batch.known[idx]) continue;
      const categorise::Categorisation& verdict = batch.verdicts[idx];
      inputs.push_back({batch.keys[idx], &batch.evidence[idx], verdict.category, verdict.confidence,
                        verdict.local_category});
      fresh.push_back(idx);
    }
    std::vector<resolve::Resolution> decided = resolver_.Resolve(inputs);
    for (std::size_t idx = 0; idx < fresh.size(); ++idx) resolutions[fresh[idx]] = std::move(decided[idx]);
  }
  ScopedStage stage(times, "output");
  std::vector<store::AnomalyRecord> out(flagged);
  for (std::size_t idx = 0; idx < flagged; ++idx) {
    const std::size_t row_idx = batch.flagged_rows[idx];
    const categorise::Categorisation& verdict = batch.verdicts[idx];
    const categorise::AnomalyEvidence& evidence = batch.evidence[idx];
    store::AnomalyRecord& record = out[idx];
    record.natural_key = batch.keys[idx];
    record.run_id = origin.run_id;
    record.source = std::string(origin.source);
    record.line = records.Line(row_idx);
    record.trade_id = evidence.trade_id;
    record.trade_date = FormatIsoDate(records.Date(Field::kTradeDate, row_idx));
    record.desk = evidence.desk;
    record.score = batch.scores[row_idx];
    record.cluster = batch.clusters[row_idx];
    record.category = categorise::CategoryName(verdict.category);
    record.category_source = categorise::SourceName(verdict.source);
    record.confidence = verdict.confidence;
    record.severity = categorise::SeverityName(verdict.severity);
    record.summary = verdict.summary;
    record.status = resolutions[idx].status;
    record.ticket_id = resolutions[idx].ticket_id;
    record.resolution_reason = resolutions[idx].reason;
    record.explanation = evidence.explanation;
    record.row_json = origin.row_json(row_idx);
    if (batch.known[idx]) {
      // This arrival's row, score and explanation; the stored verdict, ticket and any reviewer decision.
      const store::AnomalyRecord& stored = batch.known[idx]->record;
      record.category = stored.category;
      record.category_source = stored.category_source;
      record.confidence = stored.confidence;
      record.severity = stored.severity;
      record.summary = stored.summary;
      record.status = stored.status;
      record.ticket_id = stored.ticket_id;
      record.resolution_reason = stored.resolution_reason;
    }
  }
  return out;
}

}  // namespace recon::pipeline
