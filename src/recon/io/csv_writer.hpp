#pragma once
// Buffered RFC 4180 writer. With formula safety on, a text cell that a spreadsheet would run as a formula
// (starting with = + - @ TAB or CR) gets a leading apostrophe (OWASP "CSV injection"); numbers such as -12.5
// are left alone so the data stays numeric.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace recon::io {

/// Appends `field` to `out`, quoted when it holds a comma, quote, CR or LF.
void AppendCsvField(std::string& out, std::string_view field, bool formula_safe);

/// True when `text` is a plain decimal number (sign, digits, one dot, optional exponent).
bool LooksNumeric(std::string_view text);

/// Writes CSV rows to a file through a large buffer.
class CsvWriter {
 public:
  /// Opens `path` for writing (truncating). Throws Unavailable naming the path on failure.
  CsvWriter(const std::string& path, bool formula_safe);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  /// Starts a new row if needed and appends one field.
  void Field(std::string_view value);
  /// Ends the current row.
  void EndRow();
  /// Writes a whole row.
  void Row(const std::vector<std::string>& fields);
  /// Flushes and closes; throws Unavailable if the disk refused the data.
  void Close();
  /// Path being written.
  const std::string& Path() const { return path_; }

 private:
  void FlushBuffer();
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  bool formula_safe_;
  bool row_open_ = false;
};

}  // namespace recon::io
