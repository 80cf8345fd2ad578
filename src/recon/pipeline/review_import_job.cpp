#include "recon/pipeline/review_import_job.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "recon/core/error.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/io/raw_batch.hpp"
#include "recon/pipeline/category_review.hpp"
#include "recon/store/store.hpp"

namespace recon::pipeline {
namespace {

// Where each known column is in the file (npos: absent).
struct ReviewColumns {
  std::size_t anomaly_id = std::string::npos;
  std::size_t trade_id = std::string::npos;
  std::size_t category = std::string::npos;
  std::size_t reviewer = std::string::npos;
  std::size_t note = std::string::npos;
};

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

ReviewColumns FindColumns(const std::vector<std::string>& header, const ReviewImportOptions& options) {
  ReviewColumns columns;
  for (std::size_t col_idx = 0; col_idx < header.size(); ++col_idx) {
    const std::string name = Lower(Trim(header[col_idx]));
    if (name == "anomaly_id") columns.anomaly_id = col_idx;
    if (name == "trade_id") columns.trade_id = col_idx;
    if (name == "category") columns.category = col_idx;
    if (name == "reviewer") columns.reviewer = col_idx;
    if (name == "note") columns.note = col_idx;
  }
  const std::string where = "'" + options.input + "'";
  if (columns.category == std::string::npos) ThrowInvalidInput(where + " has no category column");
  if (columns.anomaly_id == std::string::npos && columns.trade_id == std::string::npos) {
    ThrowInvalidInput(where + " names no anomaly: give an anomaly_id or a trade_id column");
  }
  if (columns.reviewer == std::string::npos && options.reviewer.empty()) {
    ThrowInvalidInput(where + " has no reviewer column: sign its corrections with --reviewer NAME");
  }
  return columns;
}

// A value from the file as quoted in a message: control characters shown as '?', long values cut.
std::string Shown(std::string_view value) {
  std::string shown(value.substr(0, 80));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  }
  return value.size() > 80 ? shown + "..." : shown;
}

std::string_view FieldOf(const io::RawBatch& batch, std::size_t row_idx, std::size_t col_idx) {
  return col_idx == std::string::npos ? std::string_view() : batch.Field(row_idx, col_idx);
}

std::string_view DescribeProblem(io::RowProblem problem) {
  switch (problem) {
    case io::RowProblem::kFieldTooLarge: return "a field is larger than ingest.max_field_bytes";
    case io::RowProblem::kUnterminatedQuote: return "a quoted field is never closed";
    case io::RowProblem::kTextAfterQuote: return "text follows a closing quote";
    case io::RowProblem::kNone: break;
  }
  return "malformed CSV";
}

// Applies one row; returns why it was refused ("" when it was applied or changed nothing).
std::string ApplyRow(store::Store& store, const Config& config, const ReviewImportOptions& options,
                     const ReviewColumns& columns, const io::RawBatch& batch, std::size_t row_idx,
                     ReviewImportReport& report) {
  if (batch.Row(row_idx).problem != io::RowProblem::kNone) {
    return "malformed row: " + std::string(DescribeProblem(batch.Row(row_idx).problem));
  }
  const std::string_view category_name = Trim(FieldOf(batch, row_idx, columns.category));
  const auto category = categorise::ParseCategory(category_name);
  if (!category) {
    return "unknown category '" + Shown(category_name) + "' (one of: " + CategoryChoices() + ")";
  }
  std::string_view reviewer = Trim(FieldOf(batch, row_idx, columns.reviewer));
  if (reviewer.empty()) reviewer = options.reviewer;
  if (reviewer.empty()) return "no reviewer: fill the reviewer column or give --reviewer";
  if (const std::string problem = ReviewerNameProblem(reviewer); !problem.empty()) return "reviewer " + problem;
  const std::string_view note = FieldOf(batch, row_idx, columns.note);
  if (note.size() > kMaxReviewNoteBytes) {
    return "note longer than " + std::to_string(kMaxReviewNoteBytes) + " characters";
  }

  const std::string_view id_text = Trim(FieldOf(batch, row_idx, columns.anomaly_id));
  const std::string trade_id(Trim(FieldOf(batch, row_idx, columns.trade_id)));
  std::int64_t anomaly_id = 0;
  if (!id_text.empty()) {
    const auto [end, code] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), anomaly_id);
    if (code != std::errc() || end != id_text.data() + id_text.size() || anomaly_id <= 0) {
      return "anomaly_id '" + Shown(id_text) + "' is not a positive integer";
    }
  } else if (!trade_id.empty()) {
    const std::vector<std::int64_t> ids = store.FindAnomalyIdsByTrade(trade_id, 2);
    if (ids.empty()) return "no anomaly of trade '" + Shown(trade_id) + "'";
    if (ids.size() > 1) return "trade '" + Shown(trade_id) + "' has several anomalies: name the one with anomaly_id";
    anomaly_id = ids.front();
  } else {
    return "neither anomaly_id nor trade_id is given";
  }
  if (!id_text.empty() && !trade_id.empty()) {
    // Both given: they must agree, or the row may not mean the anomaly it names.
    const auto anomaly = store.GetAnomaly(anomaly_id);
    if (anomaly && anomaly->record.trade_id != trade_id) {
      return "anomaly " + std::to_string(anomaly_id) + " is of trade '" + anomaly->record.trade_id + "', not '" +
             Shown(trade_id) + "'";
    }
  }
  AppliedCorrection applied;
  try {
    applied = CorrectCategory(store, config, anomaly_id, *category, reviewer, note);
  } catch (const Error& error) {
    if (error.Kind() != ErrorKind::kInvalidInput) throw;
    return error.what();
  }
  switch (applied.result) {
    case store::CorrectionResult::kApplied: ++report.applied; break;
    case store::CorrectionResult::kUnchanged: ++report.unchanged; break;
    case store::CorrectionResult::kNotFound: return "no anomaly " + std::to_string(anomaly_id);
  }
  return "";
}

}  // namespace

ReviewImportReport RunReviewImport(const Config& config, const ReviewImportOptions& options, const Logger& logger) {
  if (!options.reviewer.empty()) {
    if (const std::string problem = ReviewerNameProblem(options.reviewer); !problem.empty()) {
      ThrowInvalidInput("--reviewer " + problem);
    }
  }
  io::CsvReader reader(options.input, config.ingest);
  const ReviewColumns columns = FindColumns(reader.Header(), options);
  auto store = store::OpenStore(config.store.url);
  ReviewImportReport report;
  report.input = options.input;
  io::RawBatch batch;
  while (reader.Next(batch)) {
    for (std::size_t row_idx = 0; row_idx < batch.RowCount(); ++row_idx) {
      ++report.rows;
      std::string reason = ApplyRow(*store, config, options, columns, batch, row_idx, report);
      if (reason.empty()) continue;
      ++report.refused;
      if (report.refused_rows.size() < ReviewImportReport::kMaxListedRefusals) {
        report.refused_rows.push_back({batch.Row(row_idx).line, std::move(reason)});
      }
    }
  }
  report.corrections_kept = store->CategoryCorrections().size();
  logger.Info("review.imported", {{"input", options.input},
                                  {"rows", report.rows},
                                  {"applied", report.applied},
                                  {"unchanged", report.unchanged},
                                  {"refused", report.refused},
                                  {"corrections_kept", report.corrections_kept}});
  return report;
}

std::string RenderReviewImport(const ReviewImportReport& report) {
  std::string out = "recon review import: " + report.input + "\n";
  out += "  rows " + std::to_string(report.rows) + ": " + std::to_string(report.applied) + " corrected, " +
         std::to_string(report.unchanged) + " already so, " + std::to_string(report.refused) + " refused\n";
  for (const RefusedReview& refused : report.refused_rows) {
    out += "  line " + std::to_string(refused.line) + ": " + refused.reason + "\n";
  }
  if (report.refused > report.refused_rows.size()) {
    out += "  ... and " + std::to_string(report.refused - report.refused_rows.size()) + " more refused rows\n";
  }
  out += "  the categoriser learns from " + std::to_string(report.corrections_kept) +
         " corrected anomalies from the next run\n";
  return out;
}

}  // namespace recon::pipeline
