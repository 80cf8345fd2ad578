#pragma once
// Read + decode of a CSV, optionally one batch ahead on a background thread, so that tokenizing and parsing the
// next batch overlaps the features, scoring and output of the current one. Batches travel by unique_ptr: a
// RecordBatch's text views point into its RawBatch's buffer, which must never move.
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"

namespace recon::io {

/// One decoded batch with its raw rows and the rows it rejected.
struct IngestBatch {
  RawBatch raw;
  RecordBatch records;
  std::vector<RowError> errors;
};

class BatchSource {
 public:
  /// Reads from `reader`, decoding with `decoder`; both must outlive the source. With `prefetch`, a background
  /// thread keeps one batch ready.
  BatchSource(CsvReader& reader, const RecordDecoder& decoder, bool prefetch);
  ~BatchSource();
  BatchSource(const BatchSource&) = delete;
  BatchSource& operator=(const BatchSource&) = delete;

  /// The next batch, or null at the end. Rethrows a failure of the background read on this thread.
  std::unique_ptr<IngestBatch> Next();
  /// Gives a consumed batch back for reuse (keeps its buffers' capacity).
  void Recycle(std::unique_ptr<IngestBatch> batch);

 private:
  std::unique_ptr<IngestBatch> ReadOne(std::unique_ptr<IngestBatch> batch);
  void Produce();

  CsvReader& reader_;
  const RecordDecoder& decoder_;
  bool prefetch_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::unique_ptr<IngestBatch> ready_;
  std::unique_ptr<IngestBatch> spare_;
  bool finished_ = false;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread worker_;
};

}  // namespace recon::io
