#pragma once
// Typed, columnar view of a batch of trade breaks: numbers as double, dates as day counts, text as views into
// the RawBatch (or the batch's own arena for sources that build strings, such as JSON).
#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "recon/core/schema.hpp"

namespace recon::io {

/// Columns of typed values for the rows of a batch that decoded cleanly.
class RecordBatch {
 public:
  /// Rows in the batch.
  std::size_t RowCount() const { return rows_; }
  /// Number-typed field of a row.
  double Number(Field field, std::size_t row_idx) const { return numbers_[Index(field)][row_idx]; }
  /// Date-typed field of a row (days since 1970-01-01).
  std::int32_t Date(Field field, std::size_t row_idx) const { return dates_[Index(field)][row_idx]; }
  /// Text-typed field of a row (empty when the input has no such column).
  std::string_view Text(Field field, std::size_t row_idx) const { return texts_[Index(field)][row_idx]; }
  /// Physical line of the row in its source (1-based; 0 when not from a file).
  std::uint64_t Line(std::size_t row_idx) const { return line_[row_idx]; }
  /// Index of the row in the RawBatch it came from.
  std::uint32_t RawRowIndex(std::size_t row_idx) const { return raw_row_[row_idx]; }

  /// Empties the batch. Columns keep their memory, so refilling a recycled batch neither allocates nor zeroes
  /// (zeroing every column of every batch was a measurable share of a large file's decode time).
  void Clear();
  /// Sets the row count to `rows`. Values are unspecified until set, except that a text column never set since
  /// the batch was created reads as empty.
  void Resize(std::size_t rows);
  /// Records where row `row_idx` came from.
  void SetOrigin(std::size_t row_idx, std::uint64_t line, std::uint32_t raw_row_idx) {
    line_[row_idx] = line;
    raw_row_[row_idx] = raw_row_idx;
  }
  void SetNumber(Field field, std::size_t row_idx, double value) { numbers_[Index(field)][row_idx] = value; }
  void SetDate(Field field, std::size_t row_idx, std::int32_t value) { dates_[Index(field)][row_idx] = value; }
  /// Sets a text field to a view whose bytes outlive the batch (a RawBatch field).
  void SetTextView(Field field, std::size_t row_idx, std::string_view value) { texts_[Index(field)][row_idx] = value; }
  /// Sets a text field to a copy owned by the batch.
  void SetTextCopy(Field field, std::size_t row_idx, std::string value);

 private:
  static std::size_t Index(Field field) { return static_cast<std::size_t>(field); }
  std::array<std::vector<double>, kFieldCount> numbers_;
  std::array<std::vector<std::int32_t>, kFieldCount> dates_;
  std::array<std::vector<std::string_view>, kFieldCount> texts_;
  std::vector<std::uint64_t> line_;
  std::vector<std::uint32_t> raw_row_;
  std::deque<std::string> arena_;  // deque: growing it never moves the strings views point to
  std::size_t rows_ = 0;           // columns hold at least this many values
};

}  // namespace recon::io
