#include "recon/llm/llm_categoriser.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
#include <unordered_map>

#include "recon/categorise/severity.hpp"
#include "recon/core/logger.hpp"
#include "recon/llm/prompt.hpp"

namespace recon::llm {

using categorise::AnomalyEvidence;
using categorise::Categorisation;
using categorise::CategorySource;
using categorise::Severity;

/// One distinct question: the first anomaly that asked it, its key, and the answer once known.
struct LlmCategoriser::Question {
  std::size_t first_anomaly = 0;
  std::string key;
  std::optional<LlmAnswer> answer;
  bool from_cache = false;
  std::string body;      ///< the request, built only for questions the cache cannot answer
  std::string trade_id;  ///< for log lines
};

LlmCategoriser::LlmCategoriser(LlmParams params, std::unique_ptr<categorise::LocalCategoriser> local,
                               store::LlmCacheStore& cache, std::string api_key, const Logger& logger)
    : params_(std::move(params)),
      local_(std::move(local)),
      cache_(cache),
      api_key_(std::move(api_key)),
      logger_(logger),
      shared_(params_) {
  params_.Validate();
  if (!params_.summarise_from_severity.empty()) summarise_from_ = ParseSeverity(params_.summarise_from_severity);
}

void LlmCategoriser::Cancel() {
  shared_.cancellation.Cancel();
  shared_.limiter.Cancel();
}

bool LlmCategoriser::ShouldAsk(const Categorisation& local) const {
  if (local.confidence < params_.min_local_confidence) return true;
  return summarise_from_ && local.severity >= *summarise_from_;
}

void LlmCategoriser::AskAll(std::vector<Question>& questions) {
  std::vector<Question*> pending;
  for (Question& question : questions) {
    if (!question.answer) pending.push_back(&question);
  }
  if (pending.empty()) return;
  std::atomic<std::size_t> next{0};
  const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(params_.max_concurrency), pending.size());
  const auto work = [&] {
    LlmClient client(params_, api_key_, shared_);
    for (std::size_t idx = next++; idx < pending.size(); idx = next++) {
      Question& question = *pending[idx];
      std::uint64_t jitter_seed = 0;
      std::memcpy(&jitter_seed, question.key.data(), std::min(sizeof jitter_seed, question.key.size()));
      std::string problem;
      question.answer = client.Ask(question.body, jitter_seed, problem);
      if (!question.answer && problem != kCancelled && problem != kBreakerOpen) {
        logger_.Warn("llm_fallback", {{"trade_id", question.trade_id}, {"reason", problem}});
      }
    }
  };
  std::vector<std::jthread> pool;
  for (std::size_t worker = 1; worker < workers; ++worker) pool.emplace_back(work);
  work();
}

std::vector<Categorisation> LlmCategoriser::Categorise(std::span<const AnomalyEvidence> evidence) {
  std::vector<Categorisation> results = local_->CategoriseAll(evidence);
  std::vector<Question> questions;
  std::unordered_map<std::string, std::size_t> question_of_key;
  std::vector<std::pair<std::size_t, std::size_t>> routed;  // (anomaly, question)
  for (std::size_t idx = 0; idx < evidence.size(); ++idx) {
    if (!ShouldAsk(results[idx])) continue;
    std::string key = CacheKey(evidence[idx], params_);
    const auto [found, inserted] = question_of_key.try_emplace(key, questions.size());
    routed.emplace_back(idx, found->second);
    if (inserted) {
      Question question;
      question.first_anomaly = idx;
      question.key = std::move(key);
      questions.push_back(std::move(question));
    }
  }
  shared_.stats.asked += routed.size();
  if (questions.empty()) return results;

  std::vector<std::string> keys;
  for (const Question& question : questions) keys.push_back(question.key);
  std::vector<std::optional<store::CachedVerdict>> cached;
  {
    std::lock_guard lock(cache_mutex_);
    cached = cache_.FindCachedVerdicts(keys);
  }
  for (std::size_t q_idx = 0; q_idx < questions.size(); ++q_idx) {
    if (!cached[q_idx]) continue;
    const auto category = categorise::ParseCategory(cached[q_idx]->category);
    const auto severity = ParseSeverity(cached[q_idx]->severity);
    if (!category || !severity) continue;  // written by a recon with other buckets: ask again
    questions[q_idx].answer = LlmAnswer{*category, *severity, cached[q_idx]->summary, cached[q_idx]->confidence};
    questions[q_idx].from_cache = true;
  }
  for (Question& question : questions) {
    if (question.from_cache) {
      ++shared_.stats.cache_hits;
      continue;
    }
    ++shared_.stats.cache_misses;
    const AnomalyEvidence& first = evidence[question.first_anomaly];
    question.body = RequestBody(first, results[question.first_anomaly], params_);
    question.trade_id = first.trade_id;
  }
  AskAll(questions);

  std::vector<store::CachedVerdict> fresh;
  for (const Question& question : questions) {
    if (!question.answer || question.from_cache) continue;
    fresh.push_back({question.key, std::string(categorise::CategoryName(question.answer->category)),
                     std::string(categorise::SeverityName(question.answer->severity)), question.answer->summary,
                     question.answer->confidence, params_.model});
  }
  {
    std::lock_guard lock(cache_mutex_);
    cache_.SaveCachedVerdicts(fresh);
  }

  for (const auto& [anomaly, q_idx] : routed) {
    const Question& question = questions[q_idx];
    Categorisation& result = results[anomaly];
    if (!question.answer) {
      ++shared_.stats.fallbacks;
      continue;
    }
    const LlmAnswer& answer = *question.answer;
    const AnomalyEvidence& item = evidence[anomaly];
    // A confident local verdict asked only for its summary keeps its category, severity and confidence, and takes
    // the summary only when it describes the same category.
    if (result.confidence >= params_.min_local_confidence) {
      if (answer.category == result.category) result.summary = answer.summary;
      continue;
    }
    const Severity local_severity = result.severity;
    const CategorySource source = question.from_cache ? CategorySource::kCache : CategorySource::kLlm;
    std::string why;
    if (answer.category != result.category) {
      if (local_->NumbersAllow(item, answer.category, &why)) {
        ++shared_.stats.category_changes;
        logger_.Info("llm.category_changed", {{"trade_id", item.trade_id},
                                              {"local", std::string(categorise::CategoryName(result.category))},
                                              {"llm", std::string(categorise::CategoryName(answer.category))}});
        result.category = answer.category;
        result.confidence = answer.confidence;
        result.summary = answer.summary;
        result.source = source;
      } else {
        ++shared_.stats.category_refused;
        logger_.Warn("llm.category_refused", {{"trade_id", item.trade_id},
                                              {"llm", std::string(categorise::CategoryName(answer.category))},
                                              {"kept", std::string(categorise::CategoryName(result.category))},
                                              {"reason", why}});
      }
    } else {
      // The local confidence stays: it is what the resolver's confidence gate reads, and an LLM agreeing must not
      // carry a break over it.
      result.summary = answer.summary;
      result.source = source;
    }
    // The local severity, and what the numbers give the category kept, are a floor: the LLM may only raise it
    // (a category change cannot drop a Missing Trade's minimum either).
    const Severity floor =
        std::max(local_severity, categorise::AssessSeverity(item, result.category, local_->Params().severity));
    if (answer.severity > floor) {
      ++shared_.stats.severity_escalations;
      logger_.Info("llm.severity_raised", {{"trade_id", item.trade_id},
                                           {"local", std::string(categorise::SeverityName(floor))},
                                           {"llm", std::string(categorise::SeverityName(answer.severity))}});
      result.severity = answer.severity;
    } else {
      if (answer.severity < floor) {
        ++shared_.stats.severity_kept;
        logger_.Warn("llm.severity_lowering_refused", {{"trade_id", item.trade_id},
                                                       {"local", std::string(categorise::SeverityName(floor))},
                                                       {"llm", std::string(categorise::SeverityName(answer.severity))}});
      }
      result.severity = floor;
    }
  }
  return results;
}

}  // namespace recon::llm
