#include "recon/io/record_batch.hpp"

namespace recon::io {

void RecordBatch::Clear() {
  rows_ = 0;
  arena_.clear();
}

void RecordBatch::Resize(std::size_t rows) {
  rows_ = rows;
  if (line_.size() >= rows) return;  // every column grows together, so one size speaks for all
  line_.resize(rows);
  raw_row_.resize(rows);
  for (const FieldInfo& info : AllFields()) {
    switch (info.type) {
      case FieldType::kNumber: numbers_[Index(info.field)].resize(rows); break;
      case FieldType::kDate: dates_[Index(info.field)].resize(rows); break;
      case FieldType::kText: texts_[Index(info.field)].resize(rows); break;
    }
  }
}

void RecordBatch::SetTextCopy(Field field, std::size_t row_idx, std::string value) {
  arena_.push_back(std::move(value));
  texts_[Index(field)][row_idx] = arena_.back();
}

}  // namespace recon::io
