#include "recon/io/raw_batch.hpp"

#include "recon/io/csv_writer.hpp"

namespace recon::io {

std::string RawBatch::RowText(std::size_t row_idx, std::size_t max_bytes) const {
  std::string text;
  const RawRow& row = rows_[row_idx];
  for (std::uint32_t field_idx = 0; field_idx < row.field_count; ++field_idx) {
    if (field_idx > 0) text.push_back(',');
    AppendCsvField(text, Field(row_idx, field_idx), /*formula_safe=*/false);
    if (text.size() > max_bytes) {
      text.resize(max_bytes);
      text += "...[truncated]";
      break;
    }
  }
  return text;
}

}  // namespace recon::io
