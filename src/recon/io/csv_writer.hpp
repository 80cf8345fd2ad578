#pragma once
// Buffered RFC 4180 writer. With formula safety on, a text cell that a spreadsheet would run as a formula
// (starting with = + - @ TAB or CR) gets a leading apostrophe (OWASP "CSV injection"); numbers such as -12.5
// are left alone so the data stays numeric.
//
// Files appear at their path complete or not at all (AtomicFile): a run killed or failed midway leaves the
// previous file in place, never a truncated one. AtomicFile lives here, with its one CSV user, until io gains a
// file of its own for it; ModelBundle::Save uses it too.
#include <string>
#include <string_view>
#include <vector>

namespace recon::io {

/// A file written under a temporary name in its folder, `<path>.<pid>.partial` (the pid keeps two runs writing one
/// path apart), which Commit fsyncs, renames over `path` and follows with an fsync of the folder: a reader, a crash
/// or a power cut sees the previous file or the complete new one. Destroyed without Commit (an exception, a
/// failed run), it removes the temporary file and leaves `path` untouched. A SIGKILL leaves only the temporary
/// file behind (safe to delete). A path naming something other than a regular file (/dev/stdout, a FIFO,
/// /dev/full) cannot be replaced by a rename and is written in place.
class AtomicFile {
 public:
  /// Creates the temporary file. Throws Unavailable naming `path` when it cannot be created.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends `bytes`. Throws Unavailable (disk full, I/O error).
  void Write(std::string_view bytes);
  /// Makes the file durable and puts it at its final path. Throws Unavailable; the temporary file is then removed.
  void Commit();
  /// The final path.
  const std::string& Path() const { return path_; }
  /// Where the bytes go until Commit (the final path itself when written in place).
  const std::string& TemporaryPath() const { return temporary_; }

 private:
  void Discard();
  std::string path_;
  std::string target_;  // path_, or what it links to: a symbolic link is followed, not replaced
  std::string temporary_;
  int fd_ = -1;
  bool in_place_ = false;
};

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
