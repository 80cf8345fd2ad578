#include <cstdio>
#include <sstream>

#include "recon/pipeline/detect_job.hpp"

namespace recon::pipeline {

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
                static_cast<unsigned long long>(report.rows_read),
                static_cast<unsigned long long>(report.rows_rejected), static_cast<unsigned long long>(report.flagged),
                static_cast<unsigned long long>(report.stored_new));
  out << line;
  if (report.trained_model) {
    std::snprintf(line, sizeof line,
                  "  model trained on this file (%llu sample rows, threshold %.6f) and saved to %s\n",
                  static_cast<unsigned long long>(report.training.sample_rows), report.training.threshold,
                  report.model_path.c_str());
    out << line << "  clusters: " << DescribeClusters(report.training) << "\n";
  } else {
    std::snprintf(line, sizeof line, "  model loaded from %s\n", report.model_path.c_str());
    out << line;
  }
  if (report.llm.enabled) {
    const LlmReport& llm = report.llm;
    std::snprintf(line, sizeof line,
                  "  llm (%s): %llu asked, cache %llu hits / %llu misses, %llu calls (%llu retries, %llu rate-limited), "
                  "%llu fell back to local, tokens %llu in / %llu out\n",
                  llm.model.c_str(), static_cast<unsigned long long>(llm.asked),
                  static_cast<unsigned long long>(llm.cache_hits), static_cast<unsigned long long>(llm.cache_misses),
                  static_cast<unsigned long long>(llm.calls), static_cast<unsigned long long>(llm.retries),
                  static_cast<unsigned long long>(llm.rate_limited), static_cast<unsigned long long>(llm.fallbacks),
                  static_cast<unsigned long long>(llm.prompt_tokens),
                  static_cast<unsigned long long>(llm.completion_tokens));
    out << line;
  } else {
    out << "  categoriser: local (no LLM configured)\n";
  }
  counts("anomalies by category", report.by_category);
  counts("anomalies by status", report.by_status);
  counts("anomalies by severity", report.by_severity);
  if (!report.timing_held_by_reason.empty()) {
    counts("timing issues held for review, by reason", report.timing_held_by_reason);
  }
  if (report.rows_rejected > 0) {
    counts("rejected rows by reason", report.rejects_by_kind);
    out << "  rejects written to " << report.rejects_path << "\n";
  }
  out << "  anomalies written to " << report.output_path << "\n";
  if (!report.email_status.empty()) out << "  email: " << report.email_status << "\n";
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
