#pragma once
// Buffered RFC 4180 writer. With formula safety on, a text cell that a spreadsheet would run as a formula
// (starting with = + - @ TAB or CR) gets a leading apostrophe (OWASP "CSV injection"); numbers such as -12.5
// are left alone so the data stays numeric.
// The file appears at its path complete or not at all (AtomicFile).
#include <string>
#include <string_view>
#include <vector>

#include "recon/io/atomic_file.hpp"

namespace recon::io {

/// Appends `field` to `out`, quoted when it holds a comma, quote, CR or LF.
void AppendCsvField(std::string& out, std::string_view field, bool formula_safe);

/// True when `text` is a plain decimal number (sign, digits, one dot, optional exponent).
bool LooksNumeric(std::string_view text);

/// Writes CSV rows to a file through a large buffer and an AtomicFile: the file appears at `path` on Close only.
class CsvWriter {
 public:
  /// Starts the file (a temporary beside `path`). Throws Unavailable naming the path on failure.
  CsvWriter(const std::string& path, bool formula_safe);
  /// Without Close, discards what was written: `path` keeps its previous content (or stays absent).
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  /// Starts a new row if needed and appends one field.
  void Field(std::string_view value);
  /// Ends the current row.
  void EndRow();
  /// Writes a whole row.
  void Row(const std::vector<std::string>& fields);
  /// Flushes, makes the file durable and puts it at its path; throws Unavailable if the disk refused the data.
  void Close();
  /// The final path (where the file is once closed).
  const std::string& Path() const { return file_.Path(); }

 private:
  void FlushBuffer();
  AtomicFile file_;
  bool closed_ = false;
  std::string buffer_;
  bool formula_safe_;
  bool row_open_ = false;
};

}  // namespace recon::io
