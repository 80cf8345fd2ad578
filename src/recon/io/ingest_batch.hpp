#pragma once
#include <vector>

#include "recon/io/raw_batch.hpp"
#include "recon/io/record_batch.hpp"
#include "recon/io/row_error.hpp"

namespace recon::io {

/// One decoded batch with its raw rows and the rows it rejected. RecordBatch text points into `raw`, so an
/// IngestBatch is handled through a pointer and never moved.
struct IngestBatch {
  RawBatch raw;
  RecordBatch records;
  std::vector<RowError> errors;
};

}  // namespace recon::io
