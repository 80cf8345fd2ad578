#pragma once
// Binds a file's header to the logical fields (by configured header names) and decodes raw rows into typed
// columns. A row that fails any check becomes a RowError; it is never thrown and never silently dropped.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "recon/core/schema.hpp"
#include "recon/io/number_parser.hpp"
#include "recon/io/raw_batch.hpp"
#include "recon/io/record_batch.hpp"
#include "recon/io/row_error.hpp"

namespace recon::io {

/// Decodes rows of one source whose header is known.
class RecordDecoder {
 public:
  /// Binds `header` to `mapping`. Throws InvalidInput before any work when required columns are missing,
  /// naming them and listing the headers the file has.
  RecordDecoder(const std::vector<std::string>& header, const ColumnMapping& mapping, std::string source);

  /// Decodes every row of `raw` into `out` (cleared first); failing rows are appended to `errors`.
  void Decode(const RawBatch& raw, RecordBatch& out, std::vector<RowError>& errors) const;

 private:
  RowError MakeError(const RawBatch& raw, std::size_t row_idx, RowErrorKind kind, std::string column,
                     std::string message) const;
  struct BoundField {
    Field field;
    FieldType type;
    std::size_t column;
  };
  std::vector<std::string> header_;
  std::array<std::optional<std::size_t>, kFieldCount> columns_;
  std::vector<BoundField> bound_;     ///< the fields this file has, in schema order
  std::vector<Field> absent_texts_;   ///< optional text fields it lacks
  std::string source_;
};

}  // namespace recon::io
