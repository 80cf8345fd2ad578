#pragma once
// Rows as the CSV tokenizer produced them: every field unescaped into one byte buffer. A batch owns its bytes;
// typed views (RecordBatch) point into it, so a batch is decoded without copying strings.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace recon::io {

/// A structural problem the tokenizer found in a row; such a row is rejected, never guessed at.
enum class RowProblem : std::uint8_t {
  kNone,
  kFieldTooLarge,      ///< a field exceeded ingest.max_field_bytes
  kUnterminatedQuote,  ///< the file ended inside a quoted field
  kTextAfterQuote,     ///< a closing quote was followed by something other than a delimiter or line end
};

/// One tokenized row.
struct RawRow {
  std::uint64_t line = 0;         ///< physical line (1-based) where the row starts
  std::uint32_t first_field = 0;  ///< index of its first field in the batch's field table
  std::uint32_t field_count = 0;
  RowProblem problem = RowProblem::kNone;
  std::uint32_t problem_field = 0;  ///< 0-based field where the problem was seen
};

/// A batch of tokenized rows.
class RawBatch {
 public:
  /// At least this many bytes after the end of any field are readable (their values are unspecified), so
  /// parsers may load whole words without checking the field's length first.
  static constexpr std::size_t kFieldPadding = 16;
  /// Number of rows.
  std::size_t RowCount() const { return rows_.size(); }
  /// Row metadata.
  const RawRow& Row(std::size_t row_idx) const { return rows_[row_idx]; }
  /// Field `field_idx` of row `row_idx` (unescaped); empty when the row has fewer fields.
  std::string_view Field(std::size_t row_idx, std::size_t field_idx) const {
    const RawRow& row = rows_[row_idx];
    if (field_idx >= row.field_count) return {};
    const std::size_t slot = row.first_field + field_idx;
    // Every field is followed by one separator byte, so a field starts just after the previous one (of any row)
    // ended. (Then a line without quotes is stored as it was read: one copy, and the commas mark the ends.)
    const std::uint32_t begin = slot == 0 ? 0 : field_end_[slot - 1] + 1;
    return {bytes_.get() + begin, field_end_[slot] - begin};
  }
  /// The row re-encoded as CSV, capped at `max_bytes` (for reject reports).
  std::string RowText(std::size_t row_idx, std::size_t max_bytes = 2048) const;
  /// Bytes held by the field buffer.
  std::size_t ByteSize() const { return byte_size_; }
  /// Empties the batch, keeping capacity.
  void Clear() {
    byte_size_ = 0;
    field_end_.clear();
    rows_.clear();
  }

 private:
  friend class CsvReader;
  /// Makes room for `extra` more bytes (and kFieldPadding bytes of slack) without initialising them.
  void Reserve(std::size_t extra) {
    const std::size_t needed = byte_size_ + extra + kFieldPadding;
    if (needed <= byte_capacity_) return;
    const std::size_t capacity = std::max(needed, byte_capacity_ * 2);
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    if (byte_size_ > 0) std::memcpy(grown.get(), bytes_.get(), byte_size_);
    bytes_ = std::move(grown);
    byte_capacity_ = capacity;
  }
  std::unique_ptr<char[]> bytes_;  // unescaped field bytes, each followed by one separator byte
  std::size_t byte_size_ = 0;
  std::size_t byte_capacity_ = 0;
  std::vector<std::uint32_t> field_end_;
  std::vector<RawRow> rows_;
};

}  // namespace recon::io
