#include "recon/io/record_decoder.hpp"

#include <charconv>
#include <cmath>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"

namespace recon::io {
namespace {

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

namespace {

// Clinger's fast path: "[-]digits[.digits]" with at most 15 significant digits is an integer below 2^53 divided
// by an exact power of ten, so one IEEE division gives the correctly rounded result that from_chars would give.
// Nearly every amount, price and quantity in a trade file takes this path.
std::optional<double> ParseSimpleDecimal(std::string_view text) {
  static constexpr double kPowers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* pos = text.data();
  const char* const end = pos + text.size();
  const bool negative = pos < end && *pos == '-';
  pos += negative;
  std::uint64_t mantissa = 0;
  const char* const integer_start = pos;
  while (pos < end && static_cast<unsigned>(*pos - '0') < 10)
    mantissa = mantissa * 10 + static_cast<unsigned>(*pos++ - '0');
  const auto integer_digits = pos - integer_start;
  std::ptrdiff_t fraction_digits = 0;
  if (pos < end && *pos == '.') {
    const char* const fraction_start = ++pos;
    while (pos < end && static_cast<unsigned>(*pos - '0') < 10)
      mantissa = mantissa * 10 + static_cast<unsigned>(*pos++ - '0');
    fraction_digits = pos - fraction_start;
  }
  // At most 15 digits in all (leading zeros included) keeps the mantissa exact below 2^53.
  if (pos != end || integer_digits + fraction_digits == 0 || integer_digits + fraction_digits > 15) return std::nullopt;
  const double value = static_cast<double>(mantissa) / kPowers[fraction_digits];
  return negative ? -value : value;
}

}  // namespace

std::optional<double> ParseNumber(std::string_view text) {
  if (auto simple = ParseSimpleDecimal(text)) return simple;  // the common case: no blanks, no sign, no exponent
  text = Trim(text);
  if (auto simple = ParseSimpleDecimal(text)) return simple;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  const char first = text.front() == '-' && text.size() > 1 ? text[1] : text.front();
  if (!(first >= '0' && first <= '9') && first != '.') return std::nullopt;  // rejects inf, nan, hex
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
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
  std::size_t kept = 0;
  for (std::size_t row_idx = 0; row_idx < raw.RowCount(); ++row_idx) {
    const RawRow& row = raw.Row(row_idx);
    if (row.problem != RowProblem::kNone) {
      const std::string column = row.problem_field < header_.size() ? header_[row.problem_field] : std::string();
      switch (row.problem) {
        case RowProblem::kNone: break;
        case RowProblem::kFieldTooLarge:
          errors.push_back(MakeError(raw, row_idx, RowErrorKind::kFieldTooLarge, column,
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
          if (const auto number = ParseNumber(value)) {
            out.SetNumber(bound.field, kept, *number);
            continue;
          }
          break;
        case FieldType::kDate:
          if (const auto date = ParseIsoDate(value.size() == 10 ? value : Trim(value))) {
            out.SetDate(bound.field, kept, *date);
            continue;
          }
          break;
      }
      const std::string& name = header_[bound.column];
      if (Trim(value).empty()) {
        errors.push_back(MakeError(raw, row_idx, RowErrorKind::kEmptyValue, name, name + " is empty; a value is required"));
      } else if (bound.type == FieldType::kNumber) {
        errors.push_back(
            MakeError(raw, row_idx, RowErrorKind::kBadNumber, name, name + " = " + Preview(value) + " is not a number"));
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
