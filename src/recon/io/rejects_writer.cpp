#include "recon/io/rejects_writer.hpp"

namespace recon::io {

void RejectsWriter::Write(const std::vector<RowError>& errors) {
  for (const RowError& error : errors) {
    if (!writer_) {
      writer_ = std::make_unique<CsvWriter>(path_, /*formula_safe=*/true);
      writer_->Row({"source", "line", "column", "kind", "message", "row"});
    }
    writer_->Field(error.source);
    writer_->Field(std::to_string(error.line));
    writer_->Field(error.column);
    writer_->Field(RowErrorKindName(error.kind));
    writer_->Field(error.message);
    writer_->Field(error.raw);
    writer_->EndRow();
    ++count_;
    ++by_kind_[std::string(RowErrorKindName(error.kind))];
  }
}

void RejectsWriter::Close() {
  if (writer_) writer_->Close();
}

}  // namespace recon::io
