#include "recon/pipeline/triage_rows.hpp"

#include <algorithm>

#include "recon/categorise/severity.hpp"
#include "recon/categorise/valuation.hpp"
#include "recon/core/error.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/io/number_parser.hpp"
#include "recon/io/record_decoder.hpp"
#include "recon/pipeline/anomaly_rows.hpp"
#include "recon/pipeline/batch_detector.hpp"
#include "recon/resolve/resolver.hpp"

namespace recon::pipeline {
namespace {

using categorise::Category;

std::optional<bool> ParseLabel(std::string_view text) {
  const auto value = io::ParseNumber(text);
  if (!value || (*value != 0.0 && *value != 1.0)) return std::nullopt;
  return *value == 1.0;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

std::string CategoryList() {
  std::string list;
  for (std::size_t idx = 0; idx < categorise::kCategoryCount; ++idx) {
    list += (idx == 0 ? "" : ", ") + std::string(categorise::CategoryName(static_cast<Category>(idx)));
  }
  return list;
}

std::size_t ColumnOf(const std::vector<std::string>& header, const std::string& name, std::size_t first = 0) {
  const auto found = std::find(header.begin() + static_cast<std::ptrdiff_t>(first), header.end(), name);
  return static_cast<std::size_t>(found - header.begin());
}

}  // namespace

std::vector<std::string> CheckLabelledInput(const std::string& path, const TruthColumns& truth,
                                            const io::CsvReaderParams& params) {
  io::CsvReader reader(path, params);
  const std::vector<std::string> header = reader.Header();
  const std::size_t label_idx = ColumnOf(header, truth.label);
  const std::size_t category_idx = ColumnOf(header, truth.category);
  if (label_idx == header.size() || category_idx == header.size()) {
    std::string missing = label_idx == header.size() ? "label column '" + truth.label + "'" : "";
    if (category_idx == header.size()) {
      missing += (missing.empty() ? "" : " and ") + std::string("category column '") + truth.category + "'";
    }
    ThrowInvalidInput("'" + path + "' has no " + missing + ". The header has: " + JoinNames(header) +
                      ". Name them with --label-column and --category-column.");
  }
  if (label_idx == category_idx) ThrowInvalidInput("--label-column and --category-column name the same column");
  // The run's output is the input's columns followed by recon's; a clash would make it unreadable.
  for (const std::string& name : BatchDetector::ResultColumns()) {
    if (ColumnOf(header, name) != header.size()) {
      ThrowInvalidInput("'" + path + "' has a column named '" + name +
                        "', which recon's output adds too; rename it to evaluate the file");
    }
  }
  io::RawBatch raw;
  while (reader.Next(raw)) {
    for (std::size_t row_idx = 0; row_idx < raw.RowCount(); ++row_idx) {
      const io::RawRow& meta = raw.Row(row_idx);
      if (meta.problem != io::RowProblem::kNone || meta.field_count != header.size()) continue;  // a reject
      const auto where = [&] { return "'" + path + "' line " + std::to_string(meta.line); };
      const std::string_view label = raw.Field(row_idx, label_idx);
      const auto is_anomaly = ParseLabel(label);
      if (!is_anomaly) {
        ThrowInvalidInput(where() + ", column " + truth.label + ": the label must be 0 or 1, not '" +
                          std::string(label) + "'");
      }
      const std::string_view category = raw.Field(row_idx, category_idx);
      if (*is_anomaly && !categorise::ParseCategory(category)) {
        ThrowInvalidInput(where() + ", column " + truth.category + ": '" + std::string(category) +
                          "' is not a recon category; an anomaly's must be one of: " + CategoryList());
      }
    }
  }
  return header;
}

std::vector<TriageRow> ReadTriageRows(const std::string& output_path, const std::vector<std::string>& input_header,
                                      const TruthColumns& truth, const Config& config) {
  io::CsvReaderParams params = config.ingest;
  // Room for the formula guard the writer may have put before a text field of the largest size it accepted.
  params.max_field_bytes = std::min<std::size_t>(params.max_field_bytes + 16, 64 << 20);
  io::CsvReader reader(output_path, params);
  const std::vector<std::string>& header = reader.Header();
  const auto& results = BatchDetector::ResultColumns();
  if (header.size() != input_header.size() + results.size() ||
      !std::equal(input_header.begin(), input_header.end(), header.begin())) {
    ThrowInternal("'" + output_path + "' does not have the columns recon detect writes");
  }
  const std::size_t first_result = input_header.size();
  const std::size_t label_idx = ColumnOf(input_header, truth.label);
  const std::size_t true_category_idx = ColumnOf(input_header, truth.category);
  const std::size_t score_idx = ColumnOf(header, "anomaly_score", first_result);
  const std::size_t flagged_idx = ColumnOf(header, "flagged", first_result);
  const std::size_t category_idx = ColumnOf(header, "category", first_result);
  const std::size_t severity_idx = ColumnOf(header, "severity", first_result);
  const std::size_t status_idx = ColumnOf(header, "status", first_result);
  RECON_ASSERT(label_idx < first_result && true_category_idx < first_result);

  const io::RecordDecoder decoder(header, config.columns, output_path);
  const categorise::Valuer valuer(config.valuation);
  std::vector<TriageRow> rows;
  io::RawBatch raw;
  io::RecordBatch records;
  std::vector<io::RowError> errors;
  while (reader.Next(raw)) {
    decoder.Decode(raw, records, errors);
    if (!errors.empty())
      ThrowInternal("'" + output_path + "' line " + std::to_string(errors.front().line) + ": " +
                    errors.front().message + " (recon detect wrote a row it cannot read back)");
    for (std::size_t row_idx = 0; row_idx < records.RowCount(); ++row_idx) {
      const std::size_t raw_row = records.RawRowIndex(row_idx);
      const auto where = [&] { return "'" + output_path + "' line " + std::to_string(records.Line(row_idx)); };
      TriageRow row;
      row.trade_id = records.Text(Field::kTradeId, row_idx);
      const auto is_anomaly = ParseLabel(raw.Field(raw_row, label_idx));
      const auto score = io::ParseNumber(raw.Field(raw_row, score_idx));
      if (!is_anomaly || !score) ThrowInternal(where() + ": label or anomaly_score unreadable");
      row.is_anomaly = *is_anomaly;
      row.score = *score;
      if (row.is_anomaly) {
        const auto true_category = categorise::ParseCategory(raw.Field(raw_row, true_category_idx));
        if (!true_category) ThrowInternal(where() + ": the true category is unreadable");
        row.true_category = *true_category;
      }
      row.settles_after_as_of = records.Date(Field::kSettlementDate, row_idx) > valuer.AsOf();
      row.flagged = raw.Field(raw_row, flagged_idx) == "1";
      if (row.flagged) {
        const auto category = categorise::ParseCategory(raw.Field(raw_row, category_idx));
        const auto severity = categorise::ParseSeverity(raw.Field(raw_row, severity_idx));
        if (!category || !severity) ThrowInternal(where() + ": category or severity unreadable");
        row.category = *category;
        row.severity = *severity;
        row.auto_resolved = raw.Field(raw_row, status_idx) == resolve::kStatusAutoResolved;
        categorise::AnomalyEvidence money = TradeNumbers(records, row_idx);
        valuer.Value(money);
        row.at_risk_reporting = money.at_risk_reporting;
        row.amount_floor = categorise::AmountFloor(money, config.categoriser.severity);
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace recon::pipeline
