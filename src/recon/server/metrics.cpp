#include "recon/server/metrics.hpp"

#include <sstream>

namespace recon::server {

Metrics::Metrics(std::vector<std::string> routes) : routes_(std::move(routes)) {
  routes_.push_back("other");
  stats_ = std::vector<RouteStats>(routes_.size());
}

std::size_t Metrics::RouteIndex(std::string_view route) const {
  for (std::size_t idx = 0; idx < routes_.size(); ++idx) {
    if (routes_[idx] == route) return idx;
  }
  return routes_.size() - 1;
}

void Metrics::Record(std::size_t route_idx, unsigned status, double seconds) {
  RouteStats& stats = stats_[route_idx];
  const unsigned status_class = status / 100;
  if (status_class >= 1 && status_class <= 5) ++stats.by_status_class[status_class];
  ++stats.count;
  stats.sum_ns += static_cast<std::uint64_t>(seconds * 1e9);
  for (std::size_t idx = 0; idx < kBuckets.size(); ++idx) {
    if (seconds <= kBuckets[idx]) {
      ++stats.buckets[idx];
      break;
    }
  }
}

std::string Metrics::Render(const service::ScoringService& service) const {
  std::ostringstream out;
  out << "# HELP recon_http_requests_total HTTP requests by route and status class.\n"
      << "# TYPE recon_http_requests_total counter\n";
  for (std::size_t idx = 0; idx < routes_.size(); ++idx) {
    for (unsigned status_class = 1; status_class <= 5; ++status_class) {
      const auto count = stats_[idx].by_status_class[status_class].load();
      if (count == 0) continue;
      out << "recon_http_requests_total{route=\"" << routes_[idx] << "\",status=\"" << status_class << "xx\"} "
          << count << "\n";
    }
  }
  out << "# HELP recon_http_request_duration_seconds Time from a complete request to its response.\n"
      << "# TYPE recon_http_request_duration_seconds histogram\n";
  for (std::size_t idx = 0; idx < routes_.size(); ++idx) {
    const RouteStats& stats = stats_[idx];
    if (stats.count == 0) continue;
    std::uint64_t cumulative = 0;
    for (std::size_t bucket = 0; bucket < kBuckets.size(); ++bucket) {
      cumulative += stats.buckets[bucket];
      out << "recon_http_request_duration_seconds_bucket{route=\"" << routes_[idx] << "\",le=\"" << kBuckets[bucket]
          << "\"} " << cumulative << "\n";
    }
    out << "recon_http_request_duration_seconds_bucket{route=\"" << routes_[idx] << "\",le=\"+Inf\"} "
        << stats.count << "\n";
    out << "recon_http_request_duration_seconds_sum{route=\"" << routes_[idx] << "\"} "
        << static_cast<double>(stats.sum_ns.load()) / 1e9 << "\n";
    out << "recon_http_request_duration_seconds_count{route=\"" << routes_[idx] << "\"} " << stats.count << "\n";
  }
  const auto& counters = service.Counters();
  auto counter = [&out](const char* name, const char* help, std::uint64_t value) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n" << name << " " << value << "\n";
  };
  counter("recon_trades_scored_total", "Trades scored by the service.", counters.trades_scored);
  counter("recon_anomalies_flagged_total", "Trades flagged as anomalies.", counters.anomalies_flagged);
  counter("recon_anomalies_stored_total", "New anomalies written to the store.", counters.anomalies_stored);
  counter("recon_ws_messages_total", "WebSocket trade messages received.", ws_messages_);
  counter("recon_ws_slow_subscribers_dropped_total", "Live-feed subscribers disconnected for falling behind.",
          ws_dropped_);
  counter("recon_ws_message_timeouts_total",
          "WebSocket connections closed because a message did not complete within server.read_timeout_ms.",
          ws_message_timeouts_);
  counter("recon_accept_failures_total", "Connections the listener failed to accept (e.g. out of file descriptors).",
          accept_failures_);
  out << "# HELP recon_ws_connections Open WebSocket connections.\n# TYPE recon_ws_connections gauge\n"
      << "recon_ws_connections " << ws_open_.load() << "\n";
  out << "# HELP recon_model_loaded 1 when a model is loaded, 0 when degraded.\n# TYPE recon_model_loaded gauge\n"
      << "recon_model_loaded " << (service.Ready() ? 1 : 0) << "\n";
  if (const llm::LlmStats* llm = service.LlmStats()) {
    counter("recon_llm_asked_total", "Anomalies routed to the LLM.", llm->asked);
    counter("recon_llm_cache_hits_total", "LLM questions answered from the cache.", llm->cache_hits);
    counter("recon_llm_cache_misses_total", "LLM questions not in the cache.", llm->cache_misses);
    counter("recon_llm_calls_total", "HTTP calls to the LLM, retries included.", llm->calls);
    counter("recon_llm_retries_total", "LLM retries.", llm->retries);
    counter("recon_llm_rate_limited_total", "429 answers from the LLM.", llm->rate_limited);
    counter("recon_llm_fallbacks_total", "Anomalies left with the local verdict after LLM failures.", llm->fallbacks);
    counter("recon_llm_severity_escalations_total", "LLM severities taken because they were higher than the local.",
            llm->severity_escalations);
    counter("recon_llm_severity_lowering_refused_total",
            "LLM severities lower than the local one (the local one was kept).", llm->severity_kept);
    counter("recon_llm_category_changes_total", "LLM categories taken over the local one.", llm->category_changes);
    counter("recon_llm_category_refused_total", "LLM categories the numbers rule out (the local one was kept).",
            llm->category_refused);
    counter("recon_llm_prompt_tokens_total", "Prompt tokens reported by the LLM.", llm->prompt_tokens);
    counter("recon_llm_completion_tokens_total", "Completion tokens reported by the LLM.", llm->completion_tokens);
  }
  return out.str();
}

}  // namespace recon::server
