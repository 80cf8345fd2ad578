#pragma once
// Streaming RFC 4180 reader: the hot path of ingestion, written here rather than taken from a library because
// it must (a) read files larger than memory in fixed-size chunks, (b) report the physical line of every row,
// including rows whose quoted fields span lines, and (c) turn structural damage (oversized fields, unterminated
// quotes) into per-row problems instead of aborting the file. Handles a UTF-8 BOM, LF and CRLF line ends, and
// skips blank lines. Memory is bounded by read_chunk_bytes + one batch.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "recon/io/raw_batch.hpp"

namespace recon::io {

/// Tuning of the reader.
struct CsvReaderParams {
  std::size_t batch_rows = 8192;           ///< rows per batch handed to the pipeline (a few MB each)
  std::size_t read_chunk_bytes = 4 << 20;  ///< bytes read from disk at a time
  std::size_t max_field_bytes = 1 << 20;   ///< a longer field rejects its row
  /// Throws InvalidInput naming the field when a value is out of range.
  void Validate() const;
};

/// Reads a CSV file batch by batch.
class CsvReader {
 public:
  /// Opens `path` and reads its header row. Throws NotFound (no such file), InvalidInput (empty file, or a
  /// header with an empty or duplicate name) or Unavailable (unreadable).
  CsvReader(const std::string& path, const CsvReaderParams& params);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  /// Header names, in file order.
  const std::vector<std::string>& Header() const { return header_; }
  /// Fills `batch` (cleared first) with up to batch_rows rows; false when the file is exhausted.
  bool Next(RawBatch& batch);
  /// Bytes consumed so far, for progress.
  std::uint64_t BytesRead() const { return bytes_read_; }
  /// Total size of the file in bytes.
  std::uint64_t FileBytes() const { return file_bytes_; }
  /// The path being read.
  const std::string& Path() const { return path_; }

 private:
  enum class State : std::uint8_t { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  std::size_t ReadRows(RawBatch& batch, std::size_t max_rows);
  bool TakePlainLine(RawBatch& batch, const char* data, std::size_t pos, std::size_t len, std::size_t& next_pos);
  bool FillChunk();
  void Append(RawBatch& batch, const char* begin, std::size_t size);
  void BeginRow(RawBatch& batch);
  void EndField(RawBatch& batch);
  void EndRow(RawBatch& batch);
  void EndLine(RawBatch& batch);  // a line feed outside quotes: ends the field, the row and the line
  void MarkProblem(RowProblem problem);

  std::string path_;
  CsvReaderParams params_;
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  // Owned by a unique_ptr, so a constructor that throws after opening (empty file, bad header) closes it.
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::uint64_t file_bytes_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::vector<char> chunk_;
  std::size_t chunk_pos_ = 0;
  std::size_t chunk_len_ = 0;
  bool eof_ = false;
  bool first_chunk_ = true;
  std::vector<std::string> header_;

  // Tokenizer state carried across chunks.
  State state_ = State::kFieldStart;
  bool row_open_ = false;
  std::uint64_t line_ = 1;
  RawRow row_;
  std::size_t field_len_ = 0;
};

}  // namespace recon::io
