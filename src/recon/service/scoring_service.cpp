#include "recon/service/scoring_service.hpp"

#include <chrono>
#include <filesystem>

#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
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
    : config_(config), logger_(logger), known_verdicts_(kKnownVerdictCapacity) {
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
  }
  // The categoriser keeps its LLM cache on a connection of its own: its transactions must not interleave with
  // the resolver's on this one.
  cache_store_ = store::OpenStore(config.store.url);
  categoriser_ = pipeline::MakeRunCategoriser(config, use_llm, *cache_store_, logger);
  resolver_ = std::make_unique<resolve::Resolver>(config.resolution, *store_, config.valuation.reporting_currency);
  if (bundle_) {
    path_ = std::make_unique<pipeline::ScoringPath>(
        *bundle_, *categoriser_.categoriser, *resolver_, config.valuation, ResolveThreadCount(config.threads),
        [this](const std::vector<std::string>& keys) { return FindKnownVerdicts(keys); }, kParallelFromRows);
  }
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

void ScoringService::SetStoredListener(std::function<void()> listener) { stored_listener_ = std::move(listener); }

std::string_view EntryPointName(EntryPoint entry) {
  switch (entry) {
    case EntryPoint::kRealtime: return "api:realtime";
    case EntryPoint::kBatch: return "api:batch";
    case EntryPoint::kStream: return "api:ws";
  }
  return "api";
}

std::vector<TradeVerdict> ScoringService::Score(const std::vector<const json*>& trades, EntryPoint entry,
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

  features::FeatureMatrix all_features;
  features::FeatureMatrix model_input;
  {
    std::lock_guard lock(model_mutex_);  // the feature history must advance in arrival order
    all_features = bundle_->features->Transform(records);
  }
  pipeline::StageTimes times;
  pipeline::NaturalKeys keys(std::max<std::size_t>(count, 1));  // one per request: a trade posted again is the same anomaly, a retry
  pipeline::AssessedBatch assessed = path_->Assess(records, all_features, model_input, keys, times);

  std::vector<TradeVerdict> verdicts(count);
  for (std::size_t idx = 0; idx < count; ++idx) {
    verdicts[idx].trade_id = std::string(records.Text(Field::kTradeId, idx));
    verdicts[idx].score = assessed.scores[idx];
    verdicts[idx].cluster = assessed.clusters[idx];
  }
  const std::size_t flagged = assessed.flagged_rows.size();
  counters_.trades_scored += count;
  counters_.anomalies_flagged += flagged;
  std::vector<store::AnomalyRecord> anomalies;
  std::vector<std::int64_t> ids(flagged, 0);
  std::vector<std::size_t> fresh;  // flagged slots stored by this request
  if (flagged > 0) {
    const pipeline::BatchOrigin origin{run_id_, EntryPointName(entry), [&](std::size_t row_idx) {
                                         return trades[row_idx]->dump(-1, ' ', false, json::error_handler_t::replace);
                                       }};
    std::lock_guard lock(store_mutex_);
    // A request beside this one (or a `recon detect` run) may have stored one of these trades since Assess: its
    // stored verdict stands, and no second ticket is issued for it.
    for (std::size_t slot = 0; slot < flagged; ++slot) {
      if (!assessed.known[slot]) assessed.known[slot] = store_->FindAnomalyVerdict(assessed.keys[slot]);
    }
    anomalies = path_->Resolve(assessed, records, origin, times);
    std::vector<store::AnomalyRecord> new_records;
    for (std::size_t slot = 0; slot < flagged; ++slot) {
      if (assessed.known[slot]) {
        ids[slot] = assessed.known[slot]->id;
      } else {
        fresh.push_back(slot);
        new_records.push_back(anomalies[slot]);
      }
    }
    const std::size_t inserted = new_records.empty() ? 0 : store_->InsertAnomalies(new_records);
    counters_.anomalies_stored += inserted;
    std::vector<std::int64_t> fresh_ids;
    for (const std::size_t slot : fresh) {
      ids[slot] = store_->FindAnomalyId(assessed.keys[slot]).value_or(0);
      fresh_ids.push_back(ids[slot]);
    }
    // Another request may have stored one of these keys first (then its verdict is the stored one): cache only
    // when every record here was new.
    if (inserted == new_records.size()) RememberStored(new_records, fresh_ids);
  }
  const auto& names = path_->ModelColumnNames();
  for (std::size_t slot = 0; slot < flagged; ++slot) {
    const std::size_t row_idx = assessed.flagged_rows[slot];
    const store::AnomalyRecord& record = anomalies[slot];
    TradeVerdict& verdict = verdicts[row_idx];
    verdict.flagged = true;
    const float* model_row = model_input.Row(row_idx);
    const auto& contributions = assessed.contributions[slot];
    for (std::size_t rank = 0; rank < contributions.size() && rank < kExplainTopFeatures; ++rank) {
      verdict.explanation.push_back({{"feature", names[contributions[rank].column]},
                                     {"value", model_row[contributions[rank].column]},
                                     {"share", contributions[rank].share}});
    }
    verdict.category = record.category;
    verdict.severity = record.severity;
    verdict.summary = record.summary;
    verdict.confidence = record.confidence;
    verdict.category_source = record.category_source;
    verdict.status = record.status;
    verdict.ticket_id = record.ticket_id;
    verdict.resolution_reason = record.resolution_reason;
    if (ids[slot] != 0) verdict.anomaly_id = ids[slot];
  }
  if (!fresh.empty() && stored_listener_) stored_listener_();

  // E-mail: one report per API batch (every anomaly in it); severe new real-time anomalies into the digest.
  std::vector<report::TopAnomaly> rows;
  auto add = [&](std::size_t slot) {
    const TradeVerdict& verdict = verdicts[assessed.flagged_rows[slot]];
    rows.push_back({verdict.trade_id, assessed.evidence[slot].desk, verdict.category, verdict.severity,
                    verdict.status, verdict.score, assessed.evidence[slot].amount_diff,
                    assessed.evidence[slot].comment, verdict.summary});
  };
  if (entry == EntryPoint::kBatch) {
    for (std::size_t slot = 0; slot < flagged; ++slot) add(slot);
    mailer_->BatchScored(count, rows);
  } else {
    for (const std::size_t slot : fresh) add(slot);
    if (!rows.empty()) mailer_->RealtimeAnomalies(rows);
  }
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
    record.resolution_reason = records[idx].resolution_reason;
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

std::vector<store::StoredAnomaly> ScoringService::AnomaliesAfter(std::int64_t after_id, std::size_t limit) {
  return WithReader([&](store::Store& reader) { return reader.AnomaliesAfter(after_id, limit); });
}

std::int64_t ScoringService::LastAnomalyId() {
  return WithReader([](store::Store& reader) { return reader.LastAnomalyId(); });
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
    applied = pipeline::CorrectCategory(*store_, config_, id, category, reviewer, note);
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
