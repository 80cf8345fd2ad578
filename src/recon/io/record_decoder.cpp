#include "recon/io/record_decoder.hpp"

#include <array>
#include <cstring>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"

namespace recon::io {
namespace {

static_assert(RawBatch::kFieldPadding >= kNumberReadPastEnd, "fields must be padded for ParseNumberPadded");

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Preview(std::string_view value) {
  constexpr std::size_t kMax = 40;
  std::string shown(value.substr(0, kMax));
  if (value.size() > kMax) shown += "...";
  return "'" + shown + "'";
}

}  // namespace

std::string_view RowErrorKindName(RowErrorKind kind) {
  switch (kind) {
    case RowErrorKind::kWrongFieldCount: return "wrong_field_count";
    case RowErrorKind::kFieldTooLarge: return "field_too_large";
    case RowErrorKind::kUnterminatedQuote: return "unterminated_quote";
    case RowErrorKind::kTextAfterQuote: return "text_after_quote";
    case RowErrorKind::kEmptyValue: return "empty_value";
    case RowErrorKind::kBadNumber: return "bad_number";
    case RowErrorKind::kBadDate: return "bad_date";
  }
  return "unknown";
}

RecordDecoder::RecordDecoder(const std::vector<std::string>& header, const ColumnMapping& mapping, std::string source)
    : header_(header), source_(std::move(source)) {
  std::string missing;
  for (const FieldInfo& info : AllFields()) {
    const std::string& wanted = mapping.HeaderOf(info.field);
    for (std::size_t column_idx = 0; column_idx < header.size(); ++column_idx) {
      if (header[column_idx] == wanted) columns_[static_cast<std::size_t>(info.field)] = column_idx;
    }
    if (info.required && !columns_[static_cast<std::size_t>(info.field)]) {
      missing += (missing.empty() ? "" : ", ") + wanted + " (columns." + std::string(info.key) + ")";
    }
  }
  for (const FieldInfo& info : AllFields()) {
    const auto column = columns_[static_cast<std::size_t>(info.field)];
    if (column) {
      bound_.push_back({info.field, info.type, *column});
    } else if (info.type == FieldType::kText) {
      absent_texts_.push_back(info.field);
    }
  }
  if (!missing.empty()) {
    std::string found;
    for (const std::string& name : header) found += (found.empty() ? "" : ", ") + name;
    ThrowInvalidInput("'" + source_ + "' lacks required column(s) " + missing + ". The header has: " + found +
                      ". Map other names under 'columns:' in the config.");
  }
}

RowError RecordDecoder::MakeError(const RawBatch& raw, std::size_t row_idx, RowErrorKind kind, std::string column,
                                  std::string message) const {
  return RowError{source_, raw.Row(row_idx).line, std::move(column), kind, std::move(message), raw.RowText(row_idx)};
}

void RecordDecoder::Decode(const RawBatch& raw, RecordBatch& out, std::vector<RowError>& errors) const {
  out.Clear();
  out.Resize(raw.RowCount());
  // Trade files run in date order, so a date column mostly repeats the previous row's text: it is compared with
  // that (ten bytes) before being parsed again.
  struct LastDate {
    char text[10] = {};
    std::int32_t days = 0;
    bool known = false;
  };
  std::array<LastDate, kFieldCount> last_dates{};
  std::size_t kept = 0;
  for (std::size_t row_idx = 0; row_idx < raw.RowCount(); ++row_idx) {
    const RawRow& row = raw.Row(row_idx);
    if (row.problem != RowProblem::kNone) {
      const std::string column = row.problem_field < header_.size() ? header_[row.problem_field] : std::string();
      switch (row.problem) {
        case RowProblem::kNone: break;
        case RowProblem::kFieldTooLarge:
          errors.push_back(
              MakeError(raw, row_idx, RowErrorKind::kFieldTooLarge, column,
                        "a field is larger than ingest.max_field_bytes; raise the limit if it is genuine"));
          break;
        case RowProblem::kUnterminatedQuote:
          errors.push_back(MakeError(raw, row_idx, RowErrorKind::kUnterminatedQuote, column,
                                     "a quoted field opened here is never closed, so the rest of the file was read "
                                     "into it; check the quotes on this line"));
          break;
        case RowProblem::kTextAfterQuote:
          errors.push_back(MakeError(raw, row_idx, RowErrorKind::kTextAfterQuote, column,
                                     "text follows a closing quote; a quote inside a quoted field must be doubled"));
          break;
      }
      continue;
    }
    if (row.field_count != header_.size()) {
      errors.push_back(MakeError(raw, row_idx, RowErrorKind::kWrongFieldCount, "",
                                 "expected " + std::to_string(header_.size()) + " fields as in the header, found " +
                                     std::to_string(row.field_count)));
      continue;
    }
    bool row_ok = true;
    for (const BoundField& bound : bound_) {
      const std::string_view value = raw.Field(row_idx, bound.column);
      switch (bound.type) {
        case FieldType::kText: out.SetTextView(bound.field, kept, value); continue;
        case FieldType::kNumber:
          // Parsed first: a value that parses is not empty, so the emptiness check runs only on failures.
          if (const auto number = ParseNumberPadded(value)) {
            out.SetNumber(bound.field, kept, *number);
            continue;
          }
          break;
        case FieldType::kDate: {
          LastDate& last = last_dates[static_cast<std::size_t>(bound.field)];
          if (value.size() == 10 && last.known && std::memcmp(value.data(), last.text, 10) == 0) {
            out.SetDate(bound.field, kept, last.days);
            continue;
          }
          if (const auto date = ParseIsoDate(value.size() == 10 ? value : Trim(value))) {
            out.SetDate(bound.field, kept, *date);
            if (value.size() == 10) {
              std::memcpy(last.text, value.data(), 10);
              last.days = *date;
              last.known = true;
            }
            continue;
          }
          break;
        }
      }
      const std::string& name = header_[bound.column];
      if (Trim(value).empty()) {
        errors.push_back(
            MakeError(raw, row_idx, RowErrorKind::kEmptyValue, name, name + " is empty; a value is required"));
      } else if (bound.type == FieldType::kNumber) {
        errors.push_back(MakeError(raw, row_idx, RowErrorKind::kBadNumber, name,
                                   name + " = " + Preview(value) + " is not a number"));
      } else {
        errors.push_back(MakeError(raw, row_idx, RowErrorKind::kBadDate, name,
                                   name + " = " + Preview(value) + " is not a date (expected YYYY-MM-DD)"));
      }
      row_ok = false;
      break;
    }
    if (!row_ok) continue;
    out.SetOrigin(kept, row.line, static_cast<std::uint32_t>(row_idx));
    ++kept;
  }
  out.Resize(kept);
  // A recycled batch may hold views from another source in a column this file lacks; such columns read as empty.
  for (const Field field : absent_texts_) {
    for (std::size_t row_idx = 0; row_idx < kept; ++row_idx) out.SetTextView(field, row_idx, {});
  }
}

}  // namespace recon::io
