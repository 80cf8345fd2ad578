#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "recon/io/csv_writer.hpp"
#include "recon/io/row_error.hpp"

namespace recon::io {

/// Writes rejected rows to a CSV (source,line,column,kind,message,row) and counts them by kind. The file is
/// started on the first reject only, so a clean run leaves no empty rejects file behind, and it appears at its path
/// on Close only (CsvWriter): a run that fails or is killed leaves the previous rejects file as it was.
class RejectsWriter {
 public:
  explicit RejectsWriter(std::string path) : path_(std::move(path)) {}
  /// Records the errors.
  void Write(const std::vector<RowError>& errors);
  /// Flushes, closes and puts the file at its path (when there were rejects). Throws Unavailable.
  void Close();
  /// Rows rejected so far.
  std::uint64_t Count() const { return count_; }
  /// Rejects by kind name.
  const std::map<std::string, std::uint64_t>& CountByKind() const { return by_kind_; }
  /// Path of the rejects file (written only if Count() > 0).
  const std::string& Path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<CsvWriter> writer_;
  std::uint64_t count_ = 0;
  std::map<std::string, std::uint64_t> by_kind_;
};

}  // namespace recon::io
