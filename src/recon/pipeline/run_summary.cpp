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
