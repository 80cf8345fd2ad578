#pragma once
#include <vector>

#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"

namespace recon::io {

/// One decoded batch with its raw rows and the rows it rejected. RecordBatch text points into `raw`, so an
/// IngestBatch is handled through a pointer and never moved.
struct IngestBatch {
  RawBatch raw;
  RecordBatch records;
  std::vector<RowError> errors;
};

/// Reads and decodes the next batch into `batch`; false at the end of the file.
inline bool ReadIngestBatch(CsvReader& reader, const RecordDecoder& decoder, IngestBatch& batch) {
  if (!reader.Next(batch.raw)) return false;
  batch.errors.clear();
  decoder.Decode(batch.raw, batch.records, batch.errors);
  return true;
}

}  // namespace recon::io
