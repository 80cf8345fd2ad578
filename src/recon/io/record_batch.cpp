#include "recon/io/record_batch.hpp"

namespace recon::io {

void RecordBatch::Clear() {
  for (const FieldInfo& info : AllFields()) {
    numbers_[Index(info.field)].clear();
    dates_[Index(info.field)].clear();
    texts_[Index(info.field)].clear();
  }
  line_.clear();
  raw_row_.clear();
  arena_.clear();
}

void RecordBatch::Resize(std::size_t rows) {
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
