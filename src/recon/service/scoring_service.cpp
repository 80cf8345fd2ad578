#include "recon/service/scoring_service.hpp"

#include <chrono>
#include <filesystem>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/core/sha256.hpp"
#include "recon/pipeline/anomaly_rows.hpp"
#include "recon/pipeline/category_review.hpp"
#include "recon/pipeline/trainer.hpp"

namespace recon::service {
namespace {

using nlohmann::json;

constexpr std::size_t kExplainTopFeatures = 3;
constexpr std::size_t kParallelFromRows = 4096;  // smaller batches are scored on the calling thread
constexpr std::size_t kKnownVerdictCapacity = 50'000;  // a few hundred bytes each: about 20 MB at most
constexpr std::int64_t kChangesCheckIntervalMs = 1000;

std::int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Idempotency for API input: the same trade posted twice is one anomaly.
std::string ApiNaturalKey(const std::string& row_json) {
  Sha256 hasher;
  hasher.Update("api\x1f");
  hasher.Update(row_json);
  const auto digest = hasher.Finish();
  return ToHex(digest.data(), digest.size());
}

}  // namespace

json ToJson(const TradeVerdict& verdict) {
  json out{{"trade_id", verdict.trade_id},
           {"anomaly_score", verdict.score},
           {"flagged", verdict.flagged},
           {"cluster", verdict.cluster},
           {"status", verdict.status}};
  if (!verdict.flagged) {
    for (const char* key :
         {"category", "severity", "summary", "ticket_id", "resolution_reason", "category_source", "anomaly_id"}) {
      out[key] = nullptr;
    }
    out["explanation"] = json::array();
    return out;
  }
  out["explanation"] = verdict.explanation;
  out["category"] = verdict.category;
  out["severity"] = verdict.severity;
  out["summary"] = verdict.summary;
  out["confidence"] = verdict.confidence;
  out["category_source"] = verdict.category_source;
  out["ticket_id"] = verdict.ticket_id.empty() ? json(nullptr) : json(verdict.ticket_id);
  out["resolution_reason"] = verdict.resolution_reason;
  out["anomaly_id"] = verdict.anomaly_id ? json(*verdict.anomaly_id) : json(nullptr);
  return out;
}

ScoringService::ScoringService(const pipeline::Config& config, const Logger& logger, bool use_llm)
    : config_(config), logger_(logger), known_verdicts_(kKnownVerdictCapacity), valuer_(config.valuation) {
  store_ = store::OpenStore(config.store.url);
  changes_by_others_ = store_->ChangesByOthers();
  std::error_code error;
  if (std::filesystem::exists(config.paths.model, error)) {
    bundle_ = models::ModelBundle::Load(config.paths.model);
    logger.Info("model.loaded", {{"path", config.paths.model}});
  } else if (!config.server.train_data.empty()) {
    logger.Info("model.missing", {{"path", config.paths.model}, {"action", "training on " + config.server.train_data}});
    pipeline::TrainingReport report;
    bundle_ = pipeline::TrainBundle(config, config.server.train_data, logger, nullptr, nullptr, report);
    bundle_->Save(config.paths.model);
  } else {
    degraded_reason_ = "no model at '" + config.paths.model +
                       "'; train one with 'recon train FILE' or set server.train_data, then restart";
    logger.Warn("service.degraded", {{"reason", degraded_reason_}});
  }
  if (bundle_) {
    bundle_->features->ResetHistory();
    model_fingerprint_ = pipeline::FingerprintBundle(*bundle_);
    for (const std::size_t col_idx : bundle_->features->ModelColumns()) {
      model_names_.push_back(bundle_->features->Names()[col_idx]);
    }
  }
  // The categoriser keeps its LLM cache on a connection of its own: its transactions must not interleave with
  // the resolver's on this one.
  cache_store_ = store::OpenStore(config.store.url);
  categoriser_ = pipeline::MakeRunCategoriser(config, use_llm, *cache_store_, logger);
  resolver_ = std::make_unique<resolve::Resolver>(config.resolution, *store_, config.valuation.reporting_currency);
  run_id_ = store::StartRun(*store_, {"api", "", model_fingerprint_, "serve"}, logger);  // marks killed runs
  mailer_ = std::make_unique<ReportMailer>(config, logger);
  mailer_->Start();
}

ScoringService::~ScoringService() { Shutdown(); }

void ScoringService::Shutdown() {
  std::lock_guard lock(store_mutex_);
  if (shut_down_) return;
  shut_down_ = true;
  categoriser_.categoriser->Cancel();
  if (mailer_) mailer_->Stop();  // queues the pending digest, last delivery attempt
  try {
    store_->FinishRun(run_id_, {counters_.trades_scored, 0, counters_.anomalies_flagged, counters_.anomalies_stored,
                                "ok"});
  } catch (const Error& failure) {
    logger_.Error("service.shutdown", {{"error", failure.what()}});
  }
}

json ScoringService::ModelInfo() const {
  if (!bundle_) return nullptr;
  const auto& meta = bundle_->metadata;
  return {{"fingerprint", model_fingerprint_},         {"detector", bundle_->detector->Name()},
          {"format_version", models::ModelBundle::kFormatVersion},
          {"trained_on", meta.source},                 {"created_at", meta.created_at},
          {"recon_version", meta.recon_version},       {"threshold", bundle_->threshold}};
}

void ScoringService::SetAnomalyListener(std::function<void(const json&)> listener) { listener_ = std::move(listener); }

std::vector<TradeVerdict> ScoringService::Score(const std::vector<const json*>& trades, std::string_view source,
                                                bool indexed, std::vector<FieldProblem>& problems) {
  const std::size_t count = trades.size();
  io::RecordBatch records;
  records.Resize(count);
  for (std::size_t idx = 0; idx < count; ++idx) {
    const std::string where = indexed ? "trades[" + std::to_string(idx) + "]." : "";
    ParseTrade(*trades[idx], config_.columns, where, records, idx, problems);
    records.SetOrigin(idx, 0, static_cast<std::uint32_t>(idx));
  }
  if (!problems.empty()) return {};
  if (!bundle_) ThrowUnavailable("the model is not loaded: " + degraded_reason_);
  // The canonical text of a trade (its natural key and stored row) is needed only for flagged ones.
  std::vector<std::string> row_json(count);
  const unsigned threads = count >= kParallelFromRows ? ResolveThreadCount(config_.threads) : 1;

  std::vector<TradeVerdict> verdicts(count);
  features::FeatureMatrix all_features;
  features::FeatureMatrix model_input;
  std::vector<double> scores;
  std::vector<std::int32_t> clusters;
  std::vector<std::size_t> flagged;
  std::vector<categorise::AnomalyEvidence> evidence;
  std::vector<std::vector<models::FeatureContribution>> contributions_of_flagged;
  {
    std::lock_guard lock(model_mutex_);  // the feature history must advance in arrival order
    all_features = bundle_->features->Transform(records);
    model_input = all_features.Select(bundle_->features->ModelColumns());
  }
  scores = bundle_->detector->Score(model_input, threads);
  clusters = bundle_->clusterer->Assign(model_input, threads);
  for (std::size_t idx = 0; idx < count; ++idx) {
    TradeVerdict& verdict = verdicts[idx];
    verdict.trade_id = std::string(records.Text(Field::kTradeId, idx));
    verdict.score = scores[idx];
    verdict.cluster = clusters[idx];
    verdict.flagged = scores[idx] > bundle_->threshold;
    if (!verdict.flagged) continue;
    flagged.push_back(idx);
    row_json[idx] = trades[idx]->dump(-1, ' ', false, json::error_handler_t::replace);
    categorise::AnomalyEvidence item = pipeline::BuildEvidence(records, idx, all_features.Row(idx));
    valuer_.Value(item);
    const float* model_row = model_input.Row(idx);
    auto contributions = bundle_->detector->Explain(model_row);
    for (std::size_t rank = 0; rank < contributions.size() && rank < kExplainTopFeatures; ++rank) {
      verdict.explanation.push_back({{"feature", model_names_[contributions[rank].column]},
                                     {"value", model_row[contributions[rank].column]},
                                     {"share", contributions[rank].share}});
    }
    item.cluster = clusters[idx];
    item.score = scores[idx];
    evidence.push_back(std::move(item));
    contributions_of_flagged.push_back(std::move(contributions));
  }
  counters_.trades_scored += count;
  counters_.anomalies_flagged += flagged.size();
  std::vector<std::size_t> fresh;  // slots of anomalies not stored yet
  // E-mail: one report per API batch (every anomaly in it); severe new real-time anomalies into the digest.
  auto notify_mailer = [&] {
    const bool batch = source == "api:batch";
    std::vector<report::TopAnomaly> rows;
    auto add = [&](std::size_t slot) {
      const TradeVerdict& verdict = verdicts[flagged[slot]];
      rows.push_back({verdict.trade_id, evidence[slot].desk, verdict.category, verdict.severity, verdict.status,
                      verdict.score, evidence[slot].amount_diff, evidence[slot].comment, verdict.summary});
    };
    if (batch) {
      for (std::size_t slot = 0; slot < flagged.size(); ++slot) add(slot);
      mailer_->BatchScored(count, rows);
    } else {
      for (const std::size_t slot : fresh) add(slot);
      if (!rows.empty()) mailer_->RealtimeAnomalies(rows);
    }
  };
  if (flagged.empty()) {
    notify_mailer();
    return verdicts;
  }

  // A trade posted again (a client retry, a replayed stream) is answered with its stored verdict (from memory,
  // else the store): its anomaly keeps the verdict, ticket and any reviewer decision it has, and costs a lookup
  // instead of a write.
  std::vector<std::string> keys(flagged.size());
  for (std::size_t slot = 0; slot < flagged.size(); ++slot) keys[slot] = ApiNaturalKey(row_json[flagged[slot]]);
  const std::vector<std::optional<store::StoredAnomaly>> known = FindKnownVerdicts(keys);
  std::vector<categorise::AnomalyEvidence> fresh_evidence;
  for (std::size_t slot = 0; slot < flagged.size(); ++slot) {
    if (known[slot]) {
      const store::AnomalyRecord& record = known[slot]->record;
      TradeVerdict& verdict = verdicts[flagged[slot]];
      verdict.category = record.category;
      verdict.severity = record.severity;
      verdict.summary = record.summary;
      verdict.confidence = record.confidence;
      verdict.category_source = record.category_source;
      verdict.status = record.status;
      verdict.ticket_id = record.ticket_id;
      verdict.resolution_reason = record.resolution_reason;
      verdict.anomaly_id = known[slot]->id;
    } else {
      // The explanation's text goes to the categoriser (an LLM sees it) and the store: new anomalies only.
      const float* model_row = model_input.Row(flagged[slot]);
      evidence[slot].explanation =
          pipeline::FormatExplanation(contributions_of_flagged[slot], model_names_, model_row, kExplainTopFeatures);
      fresh.push_back(slot);
      fresh_evidence.push_back(evidence[slot]);
    }
  }
  if (fresh.empty()) {
    notify_mailer();
    return verdicts;
  }

  const auto categorised = categoriser_.categoriser->Categorise(fresh_evidence);
  std::vector<resolve::ResolutionInput> inputs(fresh.size());
  for (std::size_t idx = 0; idx < fresh.size(); ++idx) {
    inputs[idx] = {keys[fresh[idx]], &fresh_evidence[idx], categorised[idx].category,
                   categorised[idx].confidence, categorised[idx].local_category};
  }
  std::vector<json> stored_events;
  {
    std::lock_guard lock(store_mutex_);
    const auto resolutions = resolver_->Resolve(inputs);
    std::vector<store::AnomalyRecord> records_out(fresh.size());
    for (std::size_t idx = 0; idx < fresh.size(); ++idx) {
      const std::size_t slot = fresh[idx];
      const std::size_t row = flagged[slot];
      TradeVerdict& verdict = verdicts[row];
      const auto& verdict_in = categorised[idx];
      verdict.category = categorise::CategoryName(verdict_in.category);
      verdict.severity = categorise::SeverityName(verdict_in.severity);
      verdict.summary = verdict_in.summary;
      verdict.confidence = verdict_in.confidence;
      verdict.category_source = categorise::SourceName(verdict_in.source);
      verdict.status = resolutions[idx].status;
      verdict.ticket_id = resolutions[idx].ticket_id;
      verdict.resolution_reason = resolutions[idx].reason;
      store::AnomalyRecord& record = records_out[idx];
      record.natural_key = keys[slot];
      record.run_id = run_id_;
      record.source = std::string(source);
      record.trade_id = verdict.trade_id;
      record.trade_date = FormatIsoDate(records.Date(Field::kTradeDate, row));
      record.desk = std::string(records.Text(Field::kDesk, row));
      record.score = verdict.score;
      record.cluster = verdict.cluster;
      record.category = verdict.category;
      record.category_source = verdict.category_source;
      record.confidence = verdict.confidence;
      record.severity = verdict.severity;
      record.summary = verdict.summary;
      record.status = verdict.status;
      record.ticket_id = verdict.ticket_id;
      record.resolution_reason = verdict.resolution_reason;
      record.explanation = evidence[slot].explanation;
      record.row_json = row_json[row];
    }
    const std::size_t inserted = store_->InsertAnomalies(records_out);
    counters_.anomalies_stored += inserted;
    std::vector<std::int64_t> ids(fresh.size(), 0);
    for (std::size_t idx = 0; idx < fresh.size(); ++idx) {
      TradeVerdict& verdict = verdicts[flagged[fresh[idx]]];
      verdict.anomaly_id = store_->FindAnomalyId(keys[fresh[idx]]);
      ids[idx] = verdict.anomaly_id.value_or(0);
      if (listener_) stored_events.push_back(ToJson(verdict));
    }
    // Another request may have stored one of these keys first (then its verdict is the stored one): cache only
    // when every record here was new.
    if (inserted == records_out.size()) RememberStored(records_out, ids);
  }
  for (const json& event : stored_events) listener_(event);
  notify_mailer();
  return verdicts;
}

std::vector<std::optional<store::StoredAnomaly>> ScoringService::FindKnownVerdicts(
    const std::vector<std::string>& keys) {
  ForgetVerdictsChangedElsewhere();
  std::vector<std::optional<store::StoredAnomaly>> known(keys.size());
  std::vector<std::size_t> misses;
  for (std::size_t slot = 0; slot < keys.size(); ++slot) {
    known[slot] = known_verdicts_.Find(keys[slot]);
    if (!known[slot]) misses.push_back(slot);
  }
  if (misses.empty()) return known;
  const std::uint64_t epoch = known_verdicts_.Epoch();  // taken before reading: a decision made meanwhile wins
  std::unique_ptr<store::Store> reader = TakeReader();  // a reader that throws is closed, not reused
  for (const std::size_t slot : misses) {
    known[slot] = reader->FindAnomalyVerdict(keys[slot]);
    if (known[slot]) known_verdicts_.Offer(*known[slot], epoch);
  }
  ReturnReader(std::move(reader));
  return known;
}

void ScoringService::RememberStored(const std::vector<store::AnomalyRecord>& records,
                                    const std::vector<std::int64_t>& ids) {
  const std::uint64_t epoch = known_verdicts_.Epoch();
  for (std::size_t idx = 0; idx < records.size(); ++idx) {
    if (ids[idx] == 0) continue;
    // The fields FindAnomalyVerdict reads, so a cached verdict and a stored one are the same answer.
    store::StoredAnomaly verdict;
    verdict.id = ids[idx];
    store::AnomalyRecord& record = verdict.record;
    record.natural_key = records[idx].natural_key;
    record.category = records[idx].category;
    record.category_source = records[idx].category_source;
    record.confidence = records[idx].confidence;
    record.severity = records[idx].severity;
    record.summary = records[idx].summary;
    record.status = records[idx].status;
    record.ticket_id = records[idx].ticket_id;
    known_verdicts_.Offer(verdict, epoch);
  }
}

void ScoringService::ForgetVerdictsChangedElsewhere() {
  const std::int64_t now_ms = SteadyMillis();
  std::int64_t checked_ms = changes_checked_at_ms_.load(std::memory_order_relaxed);
  if (now_ms - checked_ms < kChangesCheckIntervalMs) return;
  if (!changes_checked_at_ms_.compare_exchange_strong(checked_ms, now_ms)) return;  // another thread checks
  // "Others" includes this service's LLM-cache and outbox connections, whose commits never touch verdicts: they
  // cost at most one emptying a second, after which repeats are read from the store once and cached again.
  std::lock_guard lock(store_mutex_);
  const std::uint64_t changes = store_->ChangesByOthers();
  if (changes == changes_by_others_) return;
  changes_by_others_ = changes;
  known_verdicts_.Clear();
}

std::unique_ptr<store::Store> ScoringService::TakeReader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<store::Store> reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
  }
  return store::OpenStore(config_.store.url);  // at most one per concurrent request, kept for reuse
}

void ScoringService::ReturnReader(std::unique_ptr<store::Store> reader) {
  std::lock_guard lock(readers_mutex_);
  idle_readers_.push_back(std::move(reader));
}

template <class Read>
auto ScoringService::WithReader(Read read) {
  std::unique_ptr<store::Store> reader = TakeReader();  // a reader that throws is closed, not reused
  auto result = read(*reader);
  ReturnReader(std::move(reader));
  return result;
}

std::pair<std::vector<store::StoredAnomaly>, std::uint64_t> ScoringService::ListAnomalies(
    const store::AnomalyFilter& filter) {
  return WithReader([&](store::Store& reader) { return reader.ListAnomalies(filter); });
}

std::optional<store::StoredAnomaly> ScoringService::GetAnomaly(std::int64_t id) {
  return WithReader([&](store::Store& reader) { return reader.GetAnomaly(id); });
}

std::vector<store::AuditEntry> ScoringService::AuditTrail(std::int64_t id, std::size_t max_entries) {
  return WithReader([&](store::Store& reader) { return reader.AuditTrail(id, max_entries); });
}

std::optional<store::StoredAnomaly> ScoringService::RecordFeedback(std::int64_t id, std::string_view status,
                                                                   std::string_view reviewer, std::string_view note) {
  std::lock_guard lock(store_mutex_);
  auto updated = store_->RecordFeedback(id, status, reviewer, note);
  if (updated) known_verdicts_.Erase(updated->record.natural_key);
  return updated;
}

std::optional<store::CorrectionResult> ScoringService::CorrectCategory(std::int64_t id, categorise::Category category,
                                                                       std::string_view reviewer,
                                                                       std::string_view note) {
  pipeline::AppliedCorrection applied;
  {
    std::lock_guard lock(store_mutex_);
    applied = pipeline::CorrectCategory(*store_, config_.columns, id, category, reviewer, note);
    if (applied.result == store::CorrectionResult::kNotFound) return std::nullopt;
    // The verdict cache answers a trade posted again with its stored verdict: that verdict has changed.
    if (applied.result == store::CorrectionResult::kApplied) known_verdicts_.Erase(applied.natural_key);
  }
  if (applied.result == store::CorrectionResult::kApplied) {
    LearnCorrections(corrections_committed_.fetch_add(1) + 1);
    logger_.Info("categoriser.corrected", {{"anomaly_id", id},
                                           {"trade_id", applied.trade_id},
                                           {"from", applied.previous_category},
                                           {"to", std::string(categorise::CategoryName(category))},
                                           {"reviewer", std::string(reviewer)}});
  }
  return applied.result;
}

void ScoringService::LearnCorrections(std::uint64_t committed) {
  if (categoriser_.local == nullptr) return;
  std::lock_guard lock(learn_mutex_);
  // A retraining since this one was committed has it.
  if (corrections_learned_ >= committed) return;
  const std::uint64_t reading = corrections_committed_.load();  // every one counted here is committed: read below
  // On a reader connection, so scoring's store writes go on meanwhile.
  const auto corrections = WithReader([](store::Store& reader) { return pipeline::LearnedCorrections(reader); });
  categoriser_.local->Learn(corrections);
  corrections_learned_ = reading;
}

json ScoringService::StoreState() {
  // Health checks can come thousands of times a second: the store is probed (one indexed read) at most once per
  // second, and a failed probe is reported until a later one succeeds.
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(health_mutex_);
    if (now - store_probed_at_ > std::chrono::seconds(1)) {
      store_probed_at_ = now;
      try {
        std::lock_guard store_lock(store_mutex_);
        store_->FindAnomalyId("");
        store_error_.clear();
      } catch (const Error& error) {
        store_error_ = error.what();
      }
    }
    if (!store_error_.empty()) ThrowUnavailable(store_error_);
  }
  return {{"backend", "sqlite"},
          {"path", store::ParseStoreUrl(config_.store.url).Where()},
          {"anomalies_stored_since_start", counters_.anomalies_stored.load()}};
}

}  // namespace recon::service
