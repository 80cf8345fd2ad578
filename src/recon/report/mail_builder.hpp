#pragma once
// The report e-mail: subject, plain text and HTML (counts by category, status and severity; the top anomalies),
// and the anomalies CSV as the attachment, or its path when the file is larger than the limit. Everything that
// comes from data (file names, comments, desks) is cleaned before it reaches a header: no CR, LF or other control
// character can start a new header line, and non-ASCII text is RFC 2047 encoded.
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "recon/report/email_params.hpp"
#include "recon/store/outbox_store.hpp"

namespace recon::report {

/// One row of the "top anomalies" table.
struct TopAnomaly {
  std::string trade_id;
  std::string desk;
  std::string category;
  std::string severity;
  std::string status;
  double score = 0.0;
  double amount_diff = 0.0;
  std::string comment;
  std::string summary;
};

/// What a report says.
struct ReportContent {
  std::string kind = "batch";  ///< batch | digest
  std::string source;          ///< input file, "POST /batch_anomaly/", "real-time digest"
  std::uint64_t rows = 0;
  std::uint64_t flagged = 0;
  std::map<std::string, std::uint64_t> by_category;
  std::map<std::string, std::uint64_t> by_status;
  std::map<std::string, std::uint64_t> by_severity;
  std::vector<TopAnomaly> top;
  std::string attachment_path;  ///< the anomalies CSV, or ""
  std::string identity;         ///< what makes this report unique (run id, batch id): the Message-ID derives from it
};

/// A header value safe to emit: control characters become spaces, runs of blanks collapse, capped at
/// `max_chars`, and RFC 2047 encoded (=?UTF-8?B?...?=) when it is not plain ASCII.
std::string SafeHeaderText(std::string_view text, std::size_t max_chars = 200);

/// The outbox entry for `content`.
store::OutboxMail BuildReportMail(const ReportContent& content, const EmailParams& params);

/// Keeps the `limit` most anomalous rows seen so far (by score), for the report's table.
class TopAnomalies {
 public:
  explicit TopAnomalies(std::size_t limit) : limit_(limit) {}
  /// False when an anomaly with this score can no longer enter the top: callers skip building the entry (its
  /// strings are copies), which matters when tens of thousands are offered.
  bool Wants(double score) const { return rows_.size() < limit_ || score > floor_; }
  void Offer(TopAnomaly anomaly);
  std::vector<TopAnomaly> Sorted() const;

 private:
  std::size_t limit_;
  std::vector<TopAnomaly> rows_;
  double floor_ = -std::numeric_limits<double>::infinity();  ///< the limit-th best score kept so far
};

}  // namespace recon::report
