#pragma once
// `recon review import FILE.csv [--reviewer NAME]`: reviewers' category corrections in bulk. Columns (a header
// row, names in any case, others ignored): anomaly_id or trade_id (at least one of the two), category, and
// optionally reviewer and note. Each valid row is applied in its own transaction, so a bad row later in the file
// loses nothing applied before it; a bad row is refused with its line and the reason (unknown category, unknown
// anomaly, a trade id with several anomalies, ...) and the file goes on. Applying a file twice changes nothing the
// second time (a correction to the category an anomaly has writes nothing). The categoriser learns the
// corrections from the next run (`recon detect`, a restarted `recon serve`).
#include <cstdint>
#include <string>
#include <vector>

#include "recon/core/logger.hpp"
#include "recon/pipeline/config.hpp"

namespace recon::pipeline {

struct ReviewImportOptions {
  std::string input;     ///< the corrections CSV
  std::string reviewer;  ///< signs the rows that name no reviewer of their own
};

/// A row that was refused.
struct RefusedReview {
  std::uint64_t line = 0;  ///< physical line where the row starts (the header is line 1)
  std::string reason;
};

/// What an import did.
struct ReviewImportReport {
  std::string input;
  std::uint64_t rows = 0;
  std::uint64_t applied = 0;    ///< anomalies whose category changed
  std::uint64_t unchanged = 0;  ///< rows giving the category the anomaly already had
  std::uint64_t refused = 0;
  std::vector<RefusedReview> refused_rows;  ///< the first kMaxListedRefusals of them, in file order
  std::uint64_t corrections_kept = 0;       ///< corrected anomalies in the store now: what the categoriser learns
  static constexpr std::size_t kMaxListedRefusals = 100;
};

/// Applies the file's rows to the store at config.store.url. Throws NotFound (no such file), InvalidInput (no
/// category column, neither anomaly_id nor trade_id, a bad --reviewer, or no reviewer column and no --reviewer).
ReviewImportReport RunReviewImport(const Config& config, const ReviewImportOptions& options, const Logger& logger);

/// The report as printed: counts, then each listed refusal as "line N: reason".
std::string RenderReviewImport(const ReviewImportReport& report);

}  // namespace recon::pipeline
